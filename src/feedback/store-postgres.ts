/** The PostgreSQL turn log, used when DATABASE_URL is set. All tables live in one schema (DATABASE_SCHEMA). */
import type pg from 'pg';
import { applyVersionedMigrations, migrateInSchema, openPostgresPool, withTransaction } from '../storage/postgres-database.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import {
  aggregateRow,
  aggregateSql,
  dollarParams,
  INSERT_TURN_COLUMNS,
  rowToAction,
  rowToOutbox,
  rowToTurn,
  turnWhere,
  type DialectValues,
} from './store-sql.js';
import {
  clampLimit,
  STATE_AFTER_ACTION,
  type AggregateQuery,
  type AggregateRow,
  type NewTurnRow,
  type OutboxItem,
  type TriageActionRow,
  type TurnLogStore,
  type TurnQuery,
  type TurnRow,
} from './store.js';
import type { Vote } from './turn-types.js';

const dialect: DialectValues = {
  toDbTime: (d) => d,
  fromDbTime: (v) => (v instanceof Date ? v : new Date(String(v))),
  toDbBool: (b) => b,
};

export interface PostgresStoreOptions {
  url: string;
  schema: string;
  /** Connections in the pool (default 5). */
  poolSize?: number;
  /** Told about errors of idle connections, which would otherwise crash the process. */
  onError?: (line: string) => void;
}

export class PostgresTurnLogStore implements TurnLogStore {
  readonly backend = 'postgres' as const;
  private readonly pool: pg.Pool;
  readonly schema: string;

  constructor(options: PostgresStoreOptions) {
    this.schema = options.schema;
    this.pool = openPostgresPool({ ...options, poolSize: options.poolSize ?? 5 });
  }

  async migrate(): Promise<void> {
    await migrateInSchema(this.pool, this.schema, 'turn-log-migrations', (client) =>
      applyVersionedMigrations(client, 'schema_migrations', POSTGRES_MIGRATIONS),
    );
  }

  async insertTurn(t: NewTurnRow): Promise<void> {
    const values = [
      t.id, dialect.toDbTime(t.at), t.day, t.week, t.month, t.channel, t.userKey, t.commune, t.text, t.searchText,
      t.status, t.topic, t.indicator, t.confidence, JSON.stringify(t.candidates), dialect.toDbBool(t.forwarded),
    ];
    await this.pool.query(
      `INSERT INTO turns (${INSERT_TURN_COLUMNS.join(', ')}) VALUES (${values.map((_v, i) => `$${i + 1}`).join(', ')})`,
      values,
    );
  }

  async setVote(turnId: string, vote: Vote, at: Date): Promise<boolean> {
    const r = await this.pool.query('UPDATE turns SET vote = $1, voted_at = $2 WHERE id = $3', [vote, at, turnId]);
    return (r.rowCount ?? 0) > 0;
  }

  async getTurn(turnId: string): Promise<TurnRow | undefined> {
    const r = await this.pool.query('SELECT * FROM turns WHERE id = $1', [turnId]);
    return r.rows[0] ? rowToTurn(r.rows[0], dialect) : undefined;
  }

  async listTurns(q: TurnQuery): Promise<TurnRow[]> {
    const p = dollarParams();
    const where = turnWhere(q, p);
    const sql = `SELECT * FROM turns ${where} ORDER BY at DESC, id DESC LIMIT ${clampLimit(q.limit)} OFFSET ${Math.max(0, Math.floor(q.offset ?? 0))}`;
    return (await this.pool.query(sql, p.values)).rows.map((r) => rowToTurn(r, dialect));
  }

  async countTurns(q: TurnQuery): Promise<number> {
    const p = dollarParams();
    const r = await this.pool.query(`SELECT COUNT(*) AS n FROM turns ${turnWhere(q, p)}`, p.values);
    return Number(r.rows[0]?.n ?? 0);
  }

  async aggregate(q: AggregateQuery): Promise<AggregateRow[]> {
    const p = dollarParams();
    return (await this.pool.query(aggregateSql(q, p), p.values)).rows.map(aggregateRow);
  }

  async recordTriageAction(a: TriageActionRow): Promise<number> {
    return withTransaction(this.pool, async (client) => {
      await client.query(
        'INSERT INTO triage_actions (id, at, actor, kind, guide_id, note, questions, turn_ids) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [a.id, a.at, a.actor, a.kind, a.guideId, a.note, JSON.stringify(a.questions), JSON.stringify(a.turnIds)],
      );
      const r = await client.query('UPDATE turns SET triage_state = $1, triage_action_id = $2 WHERE id = ANY($3::text[])', [
        STATE_AFTER_ACTION[a.kind],
        a.id,
        a.turnIds,
      ]);
      return r.rowCount ?? 0;
    });
  }

  async listTriageActions(limit: number): Promise<TriageActionRow[]> {
    const r = await this.pool.query('SELECT * FROM triage_actions ORDER BY at DESC, id DESC LIMIT $1', [clampLimit(limit)]);
    return r.rows.map((row) => rowToAction(row, dialect));
  }

  async purgeTurnsBefore(before: Date): Promise<number> {
    return (await this.pool.query('DELETE FROM turns WHERE at < $1', [before])).rowCount ?? 0;
  }

  async enqueueOutbox(key: string, payload: string, at: Date): Promise<boolean> {
    const r = await this.pool.query(
      'INSERT INTO outbox (key, payload, created_at, attempts, next_attempt_at) VALUES ($1, $2, $3, 0, $3) ON CONFLICT (key) DO NOTHING',
      [key, payload, at],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async dueOutbox(now: Date, limit: number): Promise<OutboxItem[]> {
    const r = await this.pool.query(
      'SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= $1 ORDER BY next_attempt_at, key LIMIT $2',
      [now, clampLimit(limit)],
    );
    return r.rows.map((row) => rowToOutbox(row, dialect));
  }

  async getOutbox(key: string): Promise<OutboxItem | undefined> {
    const r = await this.pool.query('SELECT * FROM outbox WHERE key = $1', [key]);
    return r.rows[0] ? rowToOutbox(r.rows[0], dialect) : undefined;
  }

  async markOutboxDelivered(key: string, attempts: number, at: Date): Promise<void> {
    await this.pool.query('UPDATE outbox SET delivered_at = $1, attempts = $2, last_error = NULL WHERE key = $3', [at, attempts, key]);
  }

  async markOutboxFailed(key: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void> {
    await this.pool.query('UPDATE outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE key = $4', [
      attempts,
      nextAttemptAt,
      error.slice(0, 500),
      key,
    ]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Drops this store's schema; for tests that create a throw-away schema per run. */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }
}
