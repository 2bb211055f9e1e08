/**
 * Configuration of live knowledge editing, parsed once by zod. The database and Redis variables are shared with
 * the rest of the service (src/storage/config.ts): edits live in DATABASE_SCHEMA next to the other tables
 * (prefixed kb_), and publications are announced on `<REDIS_PREFIX>:knowledge:published`.
 */
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { blankToUndefined, StorageEnvSchema } from '../storage/config.js';

/** DATABASE_URL, DATABASE_SCHEMA, REDIS_URL and REDIS_PREFIX are validated exactly as src/storage/config.ts does. */
export const KnowledgeAdminConfigSchema = StorageEnvSchema.pick({
  DATABASE_URL: true,
  DATABASE_SCHEMA: true,
  REDIS_URL: true,
  REDIS_PREFIX: true,
}).extend({
  DATA_DIR: z.string().min(1).default('./data'),
  KNOWLEDGE_DIR: z.string().min(1).default('./knowledge'),
  /** Every instance also checks the database for a newer publication this often (fallback for lost messages). */
  KNOWLEDGE_POLL_SECONDS: z.preprocess(blankToUndefined, z.coerce.number().int('phải là số giây nguyên').min(1).max(3600).default(30)),
  /** Build indexes in a worker thread (on), or on the main thread (off, e.g. where workers are unavailable). */
  KNOWLEDGE_BUILD_WORKER: z.preprocess(
    blankToUndefined,
    z.enum(['on', 'off', 'true', 'false', '1', '0']).default('on').transform((v) => v === 'on' || v === 'true' || v === '1'),
  ),
});

export type KnowledgeAdminConfig = z.infer<typeof KnowledgeAdminConfigSchema>;

export function loadKnowledgeAdminConfig(env: NodeJS.ProcessEnv = process.env): KnowledgeAdminConfig {
  const result = KnowledgeAdminConfigSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `- ${i.path.join('.')}: ${i.message}`);
    throw new AppError('invalid_config', `Cấu hình sửa hướng dẫn không hợp lệ:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** The Redis channel on which publications are announced. */
export function publicationChannel(prefix: string): string {
  return `${prefix}:knowledge:published`;
}

export const DEFAULT_AUTHOR = 'quản trị viên';
