/** The embedded default turn log: one SQLite file (DATA_DIR/feedback.sqlite) in WAL mode. */
import { applySqliteMigrations, openSqliteDatabase, type SqliteDatabase } from '../storage/sqlite-database.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import {
  aggregateRow,
  aggregateSql,
  INSERT_TURN_COLUMNS,
  questionMarkParams,
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

type Row = Record<string, unknown>;

const dialect: DialectValues = {
  toDbTime: (d) => d.getTime(),
  fromDbTime: (v) => new Date(Number(v)),
  toDbBool: (b) => (b ? 1 : 0),
};

export class SqliteTurnLogStore implements TurnLogStore {
  readonly backend = 'sqlite' as const;
  private readonly db: SqliteDatabase;

  /** `file` may be ':memory:' for tests. */
  constructor(file: string) {
    // In WAL mode NORMAL never corrupts the file; a power cut may lose the last few turns, not the log.
    this.db = openSqliteDatabase(file);
    this.db.pragma('foreign_keys = ON');
  }

  async migrate(): Promise<void> {
    applySqliteMigrations(this.db, 'schema_migrations', SQLITE_MIGRATIONS);
  }

  async insertTurn(t: NewTurnRow): Promise<void> {
    const values = [
      t.id, dialect.toDbTime(t.at), t.day, t.week, t.month, t.channel, t.userKey, t.commune, t.text, t.searchText,
      t.status, t.topic, t.indicator, t.confidence, JSON.stringify(t.candidates), dialect.toDbBool(t.forwarded),
    ];
    this.db
      .prepare(`INSERT INTO turns (${INSERT_TURN_COLUMNS.join(', ')}) VALUES (${values.map(() => '?').join(', ')})`)
      .run(...values);
  }

  async setVote(turnId: string, vote: Vote, at: Date): Promise<boolean> {
    const r = this.db.prepare('UPDATE turns SET vote = ?, voted_at = ? WHERE id = ?').run(vote, at.getTime(), turnId);
    return r.changes > 0;
  }

  async getTurn(turnId: string): Promise<TurnRow | undefined> {
    const r = this.db.prepare('SELECT * FROM turns WHERE id = ?').get(turnId) as Row | undefined;
    return r ? rowToTurn(r, dialect) : undefined;
  }

  async listTurns(q: TurnQuery): Promise<TurnRow[]> {
    const p = questionMarkParams();
    const where = turnWhere(q, p);
    const sql = `SELECT * FROM turns ${where} ORDER BY at DESC, id DESC LIMIT ${clampLimit(q.limit)} OFFSET ${Math.max(0, Math.floor(q.offset ?? 0))}`;
    return (this.db.prepare(sql).all(...p.values) as Row[]).map((r) => rowToTurn(r, dialect));
  }

  async countTurns(q: TurnQuery): Promise<number> {
    const p = questionMarkParams();
    const r = this.db.prepare(`SELECT COUNT(*) AS n FROM turns ${turnWhere(q, p)}`).get(...p.values) as Row;
    return Number(r.n);
  }

  async aggregate(q: AggregateQuery): Promise<AggregateRow[]> {
    const p = questionMarkParams();
    return (this.db.prepare(aggregateSql(q, p)).all(...p.values) as Row[]).map(aggregateRow);
  }

  async recordTriageAction(a: TriageActionRow): Promise<number> {
    return this.db
      .transaction(() => {
        this.db
          .prepare('INSERT INTO triage_actions (id, at, actor, kind, guide_id, note, questions, turn_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(a.id, a.at.getTime(), a.actor, a.kind, a.guideId, a.note, JSON.stringify(a.questions), JSON.stringify(a.turnIds));
        const update = this.db.prepare('UPDATE turns SET triage_state = ?, triage_action_id = ? WHERE id = ?');
        let moved = 0;
        for (const id of a.turnIds) moved += update.run(STATE_AFTER_ACTION[a.kind], a.id, id).changes;
        return moved;
      })
      .immediate();
  }

  async listTriageActions(limit: number): Promise<TriageActionRow[]> {
    const rows = this.db.prepare('SELECT * FROM triage_actions ORDER BY at DESC, id DESC LIMIT ?').all(clampLimit(limit)) as Row[];
    return rows.map((r) => rowToAction(r, dialect));
  }

  async purgeTurnsBefore(before: Date): Promise<number> {
    return this.db.prepare('DELETE FROM turns WHERE at < ?').run(before.getTime()).changes;
  }

  async enqueueOutbox(key: string, payload: string, at: Date): Promise<boolean> {
    const r = this.db
      .prepare('INSERT INTO outbox (key, payload, created_at, attempts, next_attempt_at) VALUES (?, ?, ?, 0, ?) ON CONFLICT (key) DO NOTHING')
      .run(key, payload, at.getTime(), at.getTime());
    return r.changes > 0;
  }

  async dueOutbox(now: Date, limit: number): Promise<OutboxItem[]> {
    const rows = this.db
      .prepare('SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, key LIMIT ?')
      .all(now.getTime(), clampLimit(limit)) as Row[];
    return rows.map((r) => rowToOutbox(r, dialect));
  }

  async getOutbox(key: string): Promise<OutboxItem | undefined> {
    const r = this.db.prepare('SELECT * FROM outbox WHERE key = ?').get(key) as Row | undefined;
    return r ? rowToOutbox(r, dialect) : undefined;
  }

  async markOutboxDelivered(key: string, attempts: number, at: Date): Promise<void> {
    this.db.prepare('UPDATE outbox SET delivered_at = ?, attempts = ?, last_error = NULL WHERE key = ?').run(at.getTime(), attempts, key);
  }

  async markOutboxFailed(key: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void> {
    this.db
      .prepare('UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE key = ?')
      .run(attempts, nextAttemptAt.getTime(), error.slice(0, 500), key);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
