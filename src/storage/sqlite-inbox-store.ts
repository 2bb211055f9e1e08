/**
 * The embedded default inbox: one SQLite table and prepared statements. Writes go through a group commit:
 * each caller waits for its commit, concurrent writes share one transaction.
 */
import type { InboxCounts, InboxItem, InboxOutcome, InboxStore, NewInboxItem } from './inbox-store.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS inbox (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  channel      TEXT    NOT NULL,
  external_id  TEXT    NOT NULL,
  conversation TEXT    NOT NULL,
  payload      TEXT,
  received_at  INTEGER NOT NULL,
  status       TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  sent_count   INTEGER NOT NULL DEFAULT 0,
  turn_id      TEXT,
  not_before   INTEGER NOT NULL DEFAULT 0,
  error        TEXT,
  finished_at  INTEGER,
  UNIQUE (channel, external_id)
);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (seq) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS inbox_finished ON inbox (finished_at) WHERE status <> 'pending';
`;

interface Row {
  seq: number;
  channel: string;
  external_id: string;
  conversation: string;
  payload: string | null;
  received_at: number;
  attempts: number;
  sent_count: number;
  turn_id: string | null;
  not_before: number;
}

const toItem = (r: Row): InboxItem => ({
  seq: r.seq,
  channel: r.channel,
  externalId: r.external_id,
  conversation: r.conversation,
  payload: r.payload ?? '{}',
  receivedAt: r.received_at,
  attempts: r.attempts,
  sentCount: r.sent_count,
  turnId: r.turn_id,
  notBefore: r.not_before,
});

export class SqliteInboxStore implements InboxStore {
  private readonly insert;
  private readonly addMany;
  private readonly selectUnfinished;
  private readonly updateProgress;
  private readonly updateTurn;
  private readonly updatePostpone;
  private readonly updateFinish;
  private readonly selectCounts;
  private readonly deleteFinished;

  constructor(
    db: SqliteDatabase,
    private readonly commits = new SqliteGroupCommit(db),
  ) {
    db.exec(SCHEMA);
    this.insert = db.prepare<[string, string, string, string, number], { seq: number }>(
      `INSERT INTO inbox (channel, external_id, conversation, payload, received_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (channel, external_id) DO NOTHING RETURNING seq`,
    );
    const insertAll = (items: readonly NewInboxItem[]): InboxItem[] => {
      const added: InboxItem[] = [];
      for (const it of items) {
        const row = this.insert.get(it.channel, it.externalId, it.conversation, it.payload, it.receivedAt);
        if (row) added.push({ ...it, seq: row.seq, attempts: 0, sentCount: 0, turnId: null, notBefore: 0 });
      }
      return added;
    };
    // A batch (Messenger entries) is all or nothing; a single insert needs no savepoint.
    const insertBatch = db.transaction(insertAll);
    this.addMany = (items: readonly NewInboxItem[]) => (items.length > 1 ? insertBatch(items) : insertAll(items));
    this.selectUnfinished = db.prepare<[number], Row>(`SELECT * FROM inbox WHERE status = 'pending' AND seq > ? ORDER BY seq`);
    this.updateProgress = db.prepare<[number, number]>(`UPDATE inbox SET sent_count = ? WHERE seq = ?`);
    this.updateTurn = db.prepare<[string, number]>(`UPDATE inbox SET turn_id = ? WHERE seq = ?`);
    this.updatePostpone = db.prepare<[number, string, number]>(
      `UPDATE inbox SET attempts = attempts + 1, not_before = ?, error = ? WHERE seq = ?`,
    );
    this.updateFinish = db.prepare<[string, string | null, number, number]>(
      `UPDATE inbox SET status = ?, error = ?, finished_at = ?, payload = NULL WHERE seq = ?`,
    );
    this.selectCounts = db.prepare<[], { status: string; n: number }>(`SELECT status, COUNT(*) AS n FROM inbox GROUP BY status`);
    this.deleteFinished = db.prepare<[number]>(`DELETE FROM inbox WHERE status <> 'pending' AND finished_at < ?`);
  }

  async add(items: readonly NewInboxItem[]): Promise<InboxItem[]> {
    return items.length ? this.commits.run(() => this.addMany(items)) : [];
  }

  async unfinished(afterSeq = 0): Promise<InboxItem[]> {
    return this.selectUnfinished.all(afterSeq).map(toItem);
  }

  async recordProgress(seq: number, sentCount: number): Promise<void> {
    await this.commits.run(() => this.updateProgress.run(sentCount, seq));
  }

  async rememberTurn(seq: number, turnId: string): Promise<void> {
    await this.commits.run(() => this.updateTurn.run(turnId, seq));
  }

  async postpone(seq: number, notBefore: number, error: string): Promise<void> {
    await this.commits.run(() => this.updatePostpone.run(notBefore, error, seq));
  }

  async finish(seq: number, outcome: InboxOutcome): Promise<void> {
    const error = outcome.status === 'failed' ? outcome.error : null;
    await this.commits.run(() => this.updateFinish.run(outcome.status, error, Date.now(), seq));
  }

  async counts(): Promise<InboxCounts> {
    const counts: InboxCounts = { pending: 0, done: 0, failed: 0 };
    for (const r of this.selectCounts.all()) counts[r.status as keyof InboxCounts] = r.n;
    return counts;
  }

  async pruneFinished(before: number): Promise<number> {
    return this.commits.run(() => this.deleteFinished.run(before).changes);
  }
}
