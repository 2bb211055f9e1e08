/**
 * Builds the feedback module (turn log, triage, reports, scheduled push) from configuration, without any
 * HTTP: src/admin/ puts routes and the dashboard on top of it.
 */
import { resolve } from 'node:path';
import type { AnswerEngine } from '../knowledge/engine.js';
import { resolveUserKeySecret } from '../privacy/pseudonym.js';
import { loadFeedbackConfig, type FeedbackConfig } from './config.js';
import type { EmbedTexts } from './clustering.js';
import { fittedHashingEmbedder } from './embedding.js';
import { StoreTurnRecorder } from './recorder.js';
import { ReportService } from './reports.js';
import { FeedbackScheduler } from './scheduler.js';
import { createTurnLogStore } from './store-factory.js';
import type { TurnLogStore } from './store.js';
import { TriageService } from './triage.js';
import type { TurnRecorder } from './turn-types.js';

export interface FeedbackLog {
  info(line: string): void;
  warn(line: string): void;
}

export interface FeedbackDeps {
  engine: () => AnswerEngine;
  knowledgeDir: string;
  /** Overrides DATA_DIR from env. */
  dataDir?: string;
  env: NodeJS.ProcessEnv;
  log: FeedbackLog;
  /** Reloads the knowledge directory and publishes a new index (called after a triage action edits it). */
  republish: () => Promise<void>;
  /** The engine's embedding function; defaults to an offline hashing embedder fitted on the guides. */
  embed?: EmbedTexts;
  now?: () => Date;
  fetch?: typeof fetch;
}

export interface FeedbackCore {
  config: FeedbackConfig;
  store: TurnLogStore;
  recorder: TurnRecorder;
  triage: TriageService;
  reports: ReportService;
  scheduler: FeedbackScheduler;
  start(): void;
  stop(): Promise<void>;
}

export async function createFeedbackCore(deps: FeedbackDeps): Promise<FeedbackCore> {
  const config = loadFeedbackConfig({ ...deps.env, ...(deps.dataDir ? { DATA_DIR: deps.dataDir } : {}) });
  const dataDir = resolve(config.DATA_DIR);
  const userKeySecret = resolveUserKeySecret(config.USER_KEY_SECRET, dataDir, deps.log.warn);
  const store = await createTurnLogStore(config, deps.log.warn);
  const recorder = new StoreTurnRecorder({ store, userKeySecret, timeZone: config.REPORT_TIMEZONE, log: deps.log, now: deps.now });
  const triage = new TriageService({
    store,
    knowledgeDir: resolve(deps.knowledgeDir),
    engine: deps.engine,
    embed: deps.embed ?? fittedHashingEmbedder(deps.engine),
    republish: deps.republish,
    similarity: config.TRIAGE_CLUSTER_SIMILARITY,
    labelMinScore: config.TRIAGE_LABEL_MIN_SCORE,
    now: deps.now,
  });
  const reports = new ReportService({
    store,
    indicatorTitle: (id) => deps.engine().indicatorList().find((i) => i.id === id)?.title,
    cluster: (turns) => triage.cluster(turns),
    now: deps.now,
  });
  const scheduler = new FeedbackScheduler({
    store,
    timeZone: config.REPORT_TIMEZONE,
    retentionDays: config.RETENTION_DAYS,
    webhook: config.FEEDBACK_WEBHOOK_URL
      ? { url: config.FEEDBACK_WEBHOOK_URL, secret: config.FEEDBACK_WEBHOOK_SECRET, hour: config.FEEDBACK_WEBHOOK_HOUR }
      : undefined,
    buildDailyReports: async (day) => ({
      byIndicator: await reports.build({ by: 'indicator', period: 'day', from: day, to: day }),
      byCommune: await reports.build({ by: 'commune', period: 'day', from: day, to: day }),
    }),
    log: deps.log,
    now: deps.now,
    fetch: deps.fetch,
  });
  return {
    config,
    store,
    recorder,
    triage,
    reports,
    scheduler,
    start: () => scheduler.start(),
    stop: async () => {
      await scheduler.stop();
      await store.close();
    },
  };
}
