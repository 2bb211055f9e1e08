/**
 * Loads what the guided conversation needs at start-up: the flows (FLOWS_DIR), the communes (COMMUNES_FILE,
 * or communes.csv in KNOWLEDGE_DIR) and the staff/ticket store (PostgreSQL when DATABASE_URL is set, so all
 * instances share it; else DATA_DIR/handoff.sqlite). Bad flows and bad commune
 * rows are reported as warnings and skipped; a malformed variable stops start-up naming it.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { AppError } from './errors/app-error.js';
import { loadCommunesFile } from './communes/commune-directory.js';
import { formatFlowProblem, loadFlowsDir } from './dialogs/flow-loader.js';
import { SqliteHandoffStore } from './handoff/store-sqlite.js';
import { PostgresHandoffStore } from './handoff/store-postgres.js';
import type { HandoffStore } from './handoff/types.js';
import type { AssistantOptions } from './channels/create-channels.js';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const AssistantEnvSchema = z.object({
  /** Directory of the flow files (YAML). */
  FLOWS_DIR: z.preprocess(blank, z.string().min(1).default('./flows')),
  /** The communes CSV; by default communes.csv in KNOWLEDGE_DIR. */
  COMMUNES_FILE: z.preprocess(blank, z.string().min(1).optional()),
  /** How long a staff join code stays valid. */
  STAFF_JOIN_CODE_TTL_HOURS: z.preprocess(blank, z.coerce.number().int('phải là số giờ nguyên').min(1).max(720).default(72)),
  DATABASE_URL: z.preprocess(blank, z.string().regex(/^postgres(ql)?:\/\//, 'phải có dạng postgres://user:pass@host:5432/db').optional()),
  /** PostgreSQL schema of the staff and ticket tables. */
  HANDOFF_DATABASE_SCHEMA: z.preprocess(blank, z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'chỉ gồm chữ thường, số và dấu gạch dưới').default('handoff')),
});

export interface AssistantSetup {
  options: AssistantOptions;
  close(): Promise<void>;
}

export async function loadAssistant(input: {
  env: NodeJS.ProcessEnv;
  knowledgeDir: string;
  dataDir: string;
  knownTopic?: (id: string) => boolean;
  log: { info(line: string): void; warn(line: string): void };
}): Promise<AssistantSetup> {
  const parsed = AssistantEnvSchema.safeParse(input.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `- ${i.path.join('.')}: ${i.message}`);
    throw new AppError('invalid_config', `Cấu hình luồng hội thoại không hợp lệ:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const { log } = input;
  const flows = loadFlowsDir(resolve(env.FLOWS_DIR), { knownTopic: input.knownTopic });
  for (const p of flows.problems) log.warn(`Luồng hội thoại bị bỏ qua: ${formatFlowProblem(p)}`);
  for (const p of flows.warnings) log.warn(`Luồng hội thoại: ${formatFlowProblem(p)}`);
  const communes = loadCommunesFile(resolve(env.COMMUNES_FILE ?? join(input.knowledgeDir, 'communes.csv')));
  for (const p of communes.problems) log.warn(`Danh sách xã/phường: ${p}`);
  let handoffStore: HandoffStore;
  if (env.DATABASE_URL) {
    const postgres = new PostgresHandoffStore({ url: env.DATABASE_URL, schema: env.HANDOFF_DATABASE_SCHEMA, onError: log.warn });
    await postgres.migrate();
    handoffStore = postgres;
  } else handoffStore = SqliteHandoffStore.inDataDir(resolve(input.dataDir));
  log.info(`Đã nạp ${flows.flows.length} luồng hội thoại và ${communes.directory.size} xã/phường; phiếu hỗ trợ lưu ở ${env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}.`);
  return {
    options: { flows: flows.flows, communes: communes.directory, handoffStore, joinCodeTtlHours: env.STAFF_JOIN_CODE_TTL_HOURS },
    close: async () => handoffStore.close(),
  };
}
