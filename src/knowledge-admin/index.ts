/**
 * Live knowledge editing as main.ts uses it: the store of edits, the live engine (built from the knowledge/
 * files and the newest publication), the runtime that publishes and follows publications, the editor and the
 * preview. start() subscribes to Redis (when REDIS_URL is set), polls the database as a fallback and writes
 * DATA_DIR/service.pid for `npm run kb -- publish`.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { AnswerEngine } from '../knowledge/engine.js';
import { createEmbedder } from '../knowledge/setup.js';
import { InProcessIndexBuilder, type IndexBuilder } from './builder.js';
import { RedisPublicationBus } from './bus.js';
import { loadKnowledgeAdminConfig, type KnowledgeAdminConfig } from './config.js';
import { GuideEditor } from './editor.js';
import { GuidePreview } from './preview.js';
import { knowledgeAt, KnowledgeRuntime, type RuntimeLog } from './runtime.js';
import { removePidFile, writePidFile } from './service-pid.js';
import { createKnowledgeEditStore } from './store-factory.js';
import type { KnowledgeEditStore } from './store.js';
import { WorkerIndexBuilder } from './worker-builder.js';

export interface KnowledgeAdminOptions {
  /** Embedder settings, DATA_DIR and KNOWLEDGE_DIR as the rest of the service uses them. */
  config: Pick<Config, 'DATA_DIR' | 'KNOWLEDGE_DIR' | 'EMBEDDINGS_URL' | 'EMBEDDINGS_MODEL' | 'EMBEDDINGS_API_KEY' | 'EMBEDDINGS_DIMENSIONS'>;
  env: NodeJS.ProcessEnv;
  log: RuntimeLog;
  /** Replaces the index builder (tests force a failing build this way). */
  builder?: IndexBuilder;
  store?: KnowledgeEditStore;
  now?: () => Date;
  /** Set false in tests that run several services in one process. */
  writePidFile?: boolean;
}

export interface KnowledgeAdmin {
  config: KnowledgeAdminConfig;
  engine: AnswerEngine;
  store: KnowledgeEditStore;
  runtime: KnowledgeRuntime;
  editor: GuideEditor;
  preview: GuidePreview;
  builder: IndexBuilder;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createKnowledgeAdmin(options: KnowledgeAdminOptions): Promise<KnowledgeAdmin> {
  const config = loadKnowledgeAdminConfig({
    ...options.env,
    DATA_DIR: options.config.DATA_DIR,
    KNOWLEDGE_DIR: options.config.KNOWLEDGE_DIR,
  });
  const { log } = options;
  const dataDir = resolve(config.DATA_DIR);
  const knowledgeDir = resolve(config.KNOWLEDGE_DIR);
  const store = options.store ?? (await createKnowledgeEditStore(config, log.warn));
  const embedder = createEmbedder(options.config);

  // The service starts on the newest successful publication (files only when nothing was ever published).
  const latest = await store.latestPublication('ok');
  const applied = { publicationId: latest?.id ?? 0, upToVersion: latest?.upToVersion ?? 0 };
  const { kb, skipped } = await knowledgeAt(store, knowledgeDir, applied.upToVersion);
  for (const line of skipped) log.warn(line);
  const engine = await AnswerEngine.create(kb, { dataDir, embedder, log: log.info });

  const builder =
    options.builder ??
    (config.KNOWLEDGE_BUILD_WORKER
      ? new WorkerIndexBuilder({ dataDir, embedder: options.config, warn: log.warn })
      : new InProcessIndexBuilder(dataDir, embedder));
  const instanceId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const bus = config.REDIS_URL ? new RedisPublicationBus({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, instanceId, log }) : undefined;
  const runtime = new KnowledgeRuntime({ store, knowledgeDir, engine, builder, log, applied, announcer: bus, now: options.now });
  const editor = new GuideEditor({ store, knowledgeDir, runtime, now: options.now });
  const preview = new GuidePreview(editor, builder);

  let poll: NodeJS.Timeout | undefined;
  const pidFile = options.writePidFile ?? true;
  return {
    config,
    engine,
    store,
    runtime,
    editor,
    preview,
    builder,
    async start() {
      if (pidFile) writePidFile(dataDir);
      if (bus) {
        await bus.subscribe(
          (id) => void runtime.syncToLatest(`thông báo Redis về lần xuất bản #${id}`),
          () => void runtime.syncToLatest('kết nối lại Redis'),
        );
      }
      poll = setInterval(() => void runtime.syncToLatest('kiểm tra định kỳ'), config.KNOWLEDGE_POLL_SECONDS * 1000);
      poll.unref();
      // Catch up on anything published between loading the knowledge and subscribing.
      void runtime.syncToLatest('khởi động');
    },
    async stop() {
      if (poll) clearInterval(poll);
      if (pidFile) removePidFile(dataDir);
      await bus?.close();
      await builder.close();
      if (!options.store) await store.close();
    },
  };
}

export { GuideValidationError } from './editor.js';
export { PublishFailedError } from './runtime.js';
