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

export interface PostgresPoolOptions {
  url: string;
  schema: string;
  poolSize?: number;
  /** Told about errors of idle connections, which would otherwise crash the process. */
  onError?: (line: string) => void;
  /** The variable that named the schema, for the error message (default DATABASE_SCHEMA). */
  schemaVariable?: string;
}

/**
 * A pool whose connections use `schema` as their search path. Every PostgreSQL store (channels, turn log,
 * knowledge edits, handoff) opens its pool here, so the schema check and the connection settings are one.
 */
export function openPostgresPool(options: PostgresPoolOptions): pg.Pool {
  if (!SCHEMA_NAME_PATTERN.test(options.schema)) {
    const variable = options.schemaVariable ?? 'DATABASE_SCHEMA';
    throw new AppError('invalid_config', `${variable} "${options.schema}" không hợp lệ: chỉ gồm chữ thường, số và dấu gạch dưới.`);
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 4,
    options: `-c search_path=${options.schema}`,
    connectionTimeoutMillis: 5000,
  });
  pool.on('error', (err) => options.onError?.(`Lỗi kết nối PostgreSQL đang rảnh: ${err.message}`));
  return pool;
}

export function createPostgresPool(config: PostgresConfig, onError?: (line: string) => void): pg.Pool {
  return openPostgresPool({ ...config, onError });
}

/** Runs `work` in one transaction on one connection; rolls back and rethrows on any error. */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export interface VersionedMigration {
  version: number;
  statements: readonly string[];
}

/**
 * Creates `schema` if needed and runs `work` in one transaction under an advisory lock named `lockName`:
 * several instances starting together migrate one after the other. Stores that share a schema create it
 * under their own locks, so a concurrent CREATE SCHEMA may collide once; that attempt is retried.
 */
export async function migrateInSchema(
  pool: pg.Pool,
  schema: string,
  lockName: string,
  work: (client: pg.PoolClient) => Promise<void>,
): Promise<void> {
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
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${lockName}:${schema}`]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await work(client);
        await client.query('COMMIT');
        return;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (err as { code?: string }).code;
        if (attempt < 3 && (code === '23505' || code === '42P06' || code === '42P07')) continue;
        throw err;
      }
    }
  } finally {
    client.release();
  }
}

/** Applies the migrations not yet recorded in `table`, in order, recording each (inside migrateInSchema). */
export async function applyVersionedMigrations(
  client: pg.PoolClient,
  table: string,
  migrations: readonly VersionedMigration[],
): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`);
  const applied = new Set((await client.query(`SELECT version FROM ${table}`)).rows.map((r) => Number(r.version)));
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    for (const statement of m.statements) await client.query(statement);
    await client.query(`INSERT INTO ${table} (version, applied_at) VALUES ($1, now())`, [m.version]);
  }
}

/** Creates the schema and the channel tables if they are missing. */
export async function migrateChannelTables(pool: pg.Pool, schema: string): Promise<void> {
  await migrateInSchema(pool, schema, 'channel-migrations', async (client) => {
    for (const statement of CHANNEL_SCHEMA) await client.query(statement);
  });
}
