/**
 * Where the shared state of several instances lives, parsed by zod from the environment. Both unset: the
 * embedded defaults (SQLite under DATA_DIR, in-memory locks and rate limits), exactly one instance.
 *
 * - DATABASE_URL (PostgreSQL): inbox, deduplication, claims and platform tokens (and the turn log, see
 *   src/feedback/config.ts, which reads the same variable).
 * - DATABASE_SCHEMA: the PostgreSQL schema holding every table of the service (default `feedback`, kept for
 *   existing deployments); one schema per deployment or per test run keeps them apart.
 * - REDIS_URL: conversation state, the per-conversation lock and the rate limits.
 * - REDIS_PREFIX: prefix of every Redis key and channel of the service, one per deployment or per test run
 *   (shared with src/knowledge-admin, which announces publications on `<REDIS_PREFIX>:knowledge:published`);
 *   the channel stores use keys `<REDIS_PREFIX>:lock:…`, `:state:…`, `:rate:…`.
 */
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';

/** An empty or blank variable counts as unset (a `.env` line `REDIS_URL=` must not fail validation). */
export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export const StorageEnvSchema = z.object({
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'phải có dạng postgres://user:pass@host:5432/db')
      .optional(),
  ),
  DATABASE_SCHEMA: z.preprocess(
    blankToUndefined,
    z.string().regex(SCHEMA_NAME_PATTERN, 'chỉ gồm chữ thường, số và dấu gạch dưới, ví dụ feedback').default('feedback'),
  ),
  DATABASE_POOL_SIZE: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(200).default(10)),
  REDIS_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^rediss?:\/\/[^\s]+$/, 'phải có dạng redis://[:mật-khẩu@]host:6379[/số-cơ-sở] hoặc rediss://… (TLS)')
      .optional(),
  ),
  REDIS_PREFIX: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'chỉ gồm chữ, số và các dấu _ . : - (tối đa 64 ký tự), ví dụ tro-ly')
      .default('tro-ly'),
  ),
});

export interface PostgresConfig {
  url: string;
  schema: string;
  poolSize: number;
}

export interface RedisConfig {
  url: string;
  /** REDIS_PREFIX followed by ':'; every key of the channel stores starts with it. */
  keyPrefix: string;
}

export interface SharedStorageConfig {
  postgres: PostgresConfig | null;
  redis: RedisConfig | null;
}

export function loadStorageConfig(env: NodeJS.ProcessEnv = process.env): SharedStorageConfig {
  const parsed = StorageEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `- ${i.path.join('.')}: ${i.message}`);
    throw new AppError('invalid_config', `Cấu hình lưu trữ dùng chung không hợp lệ:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    postgres: e.DATABASE_URL ? { url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA, poolSize: e.DATABASE_POOL_SIZE } : null,
    redis: e.REDIS_URL ? { url: e.REDIS_URL, keyPrefix: `${e.REDIS_PREFIX}:` } : null,
  };
}
