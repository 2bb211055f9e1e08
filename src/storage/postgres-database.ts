/**
 * The PostgreSQL connection pool of the channel stores (inbox, platform tokens) and their schema. All tables
 * live in one schema (DATABASE_SCHEMA, see ./config.ts), created on first start; several instances starting
 * together migrate one after the other under an advisory lock.
 */
import pg from 'pg';
import { AppError } from '../errors/app-error.js';
import { SCHEMA_NAME_PATTERN, type PostgresConfig } from './config.js';

/** Idempotent statements, run in order on every start. Later changes append statements, never edit these. */
const CHANNEL_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS inbox_items (
    seq           BIGSERIAL PRIMARY KEY,
    channel       TEXT    NOT NULL,
    external_id   TEXT    NOT NULL,
    conversation  TEXT    NOT NULL,
    payload       TEXT,
    received_at   BIGINT  NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    sent_count    INTEGER NOT NULL DEFAULT 0,
    turn_id       TEXT,
    not_before    BIGINT  NOT NULL DEFAULT 0,
    error         TEXT,
    finished_at   BIGINT,
    claimed_by    TEXT,
    claimed_until BIGINT,
    claim_fence   BIGINT,
    UNIQUE (channel, external_id)
  )`,
  `CREATE INDEX IF NOT EXISTS inbox_items_pending ON inbox_items (conversation, seq) WHERE status = 'pending'`,
  `CREATE INDEX IF NOT EXISTS inbox_items_pending_seq ON inbox_items (seq) WHERE status = 'pending'`,
  `CREATE INDEX IF NOT EXISTS inbox_items_finished ON inbox_items (finished_at) WHERE status <> 'pending'`,
  `CREATE TABLE IF NOT EXISTS platform_tokens (
    name          TEXT PRIMARY KEY,
    access_token  TEXT NOT NULL,
    refresh_token TEXT,
    expires_at    BIGINT,
    seed          TEXT NOT NULL,
    updated_at    BIGINT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS platform_token_locks (
    name   TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  BIGINT NOT NULL
  )`,
];

/** The database clock in ms since epoch: claims and locks compare against one clock, not each instance's. */
export const DB_NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export function createPostgresPool(config: PostgresConfig, onError?: (line: string) => void): pg.Pool {
  if (!SCHEMA_NAME_PATTERN.test(config.schema)) {
    throw new AppError('invalid_config', `DATABASE_SCHEMA "${config.schema}" không hợp lệ: chỉ gồm chữ thường, số và dấu gạch dưới.`);
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    options: `-c search_path=${config.schema}`,
    connectionTimeoutMillis: 5000,
  });
  pool.on('error', (err) => onError?.(`Lỗi kết nối PostgreSQL đang rảnh: ${err.message}`));
  return pool;
}

/** Creates the schema and the channel tables if they are missing. */
export async function migrateChannelTables(pool: pg.Pool, schema: string): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new AppError('invalid_config', `Không kết nối được PostgreSQL (DATABASE_URL): ${(err as Error).message}`);
  }
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`channel-migrations:${schema}`]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        for (const statement of CHANNEL_SCHEMA) await client.query(statement);
        await client.query('COMMIT');
        return;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        // The turn log creates the same schema under its own lock: a concurrent CREATE SCHEMA may collide once.
        const code = (err as { code?: string }).code;
        if (attempt < 3 && (code === '23505' || code === '42P06' || code === '42P07')) continue;
        throw err;
      }
    }
  } finally {
    client.release();
  }
}
