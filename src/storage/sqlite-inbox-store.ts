/**
 * The embedded default inbox: one SQLite table and prepared statements. Writes go through a group commit:
 * each caller waits for its commit, concurrent writes share one transaction.
 */
import type { ClaimResult, InboxClaim, InboxCounts, InboxItem, InboxOutcome, InboxStore, NewInboxItem } from './inbox-store.js';
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
  claimed_by   TEXT,
  claimed_until INTEGER,
  claim_fence  INTEGER,
  UNIQUE (channel, external_id)
);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (seq) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS inbox_finished ON inbox (finished_at) WHERE status <> 'pending';
`;
/** Columns added after the first release; older files get them on open. */
const ADDED_COLUMNS = ['claimed_by TEXT', 'claimed_until INTEGER', 'claim_fence INTEGER'];
const CONVERSATION_INDEX = `CREATE INDEX IF NOT EXISTS inbox_pending_conversation ON inbox (conversation, seq) WHERE status = 'pending'`;

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
  claimed_until: number | null;
  claim_fence: number | null;
}

interface Fenced {
  seq: number;
  fence: number | null;
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
  private readonly selectHead;
  private readonly updateClaim;
  private readonly updateExtend;
  private readonly selectDue;
  private readonly claimAt;
  private readonly guarded;

  constructor(
    db: SqliteDatabase,
    private readonly commits = new SqliteGroupCommit(db),
  ) {
    db.exec(SCHEMA);
    const columns = new Set(db.prepare<[], { name: string }>(`PRAGMA table_info(inbox)`).all().map((c) => c.name));
    for (const column of ADDED_COLUMNS) if (!columns.has(column.split(' ')[0]!)) db.exec(`ALTER TABLE inbox ADD COLUMN ${column}`);
    db.exec(CONVERSATION_INDEX);
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
    // An unfenced write (@fence NULL), or one made while the item is pending under a claim with that fence.
    const fenced = `(@fence IS NULL OR (status = 'pending' AND claim_fence = @fence))`;
    this.updateProgress = db.prepare<[Fenced & { sentCount: number }]>(`UPDATE inbox SET sent_count = @sentCount WHERE seq = @seq AND ${fenced}`);
    this.updateTurn = db.prepare<[Fenced & { turnId: string }]>(`UPDATE inbox SET turn_id = @turnId WHERE seq = @seq AND ${fenced}`);
    this.updatePostpone = db.prepare<[Fenced & { notBefore: number; error: string }]>(
      `UPDATE inbox SET attempts = attempts + 1, not_before = @notBefore, error = @error, claimed_by = NULL, claimed_until = NULL
       WHERE seq = @seq AND ${fenced}`,
    );
    this.updateFinish = db.prepare<[Fenced & { status: string; error: string | null; finishedAt: number }]>(
      `UPDATE inbox SET status = @status, error = @error, finished_at = @finishedAt, payload = NULL, claimed_by = NULL, claimed_until = NULL
       WHERE seq = @seq AND ${fenced}`,
    );
    this.selectHead = db.prepare<[string], Row>(
      `SELECT * FROM inbox WHERE conversation = ? AND status = 'pending' ORDER BY seq LIMIT 1`,
    );
    this.updateClaim = db.prepare<[string, number, number, number]>(
      `UPDATE inbox SET claimed_by = ?, claimed_until = ?, claim_fence = ? WHERE seq = ?`,
    );
    this.updateExtend = db.prepare<[number, number, number]>(
      `UPDATE inbox SET claimed_until = ? WHERE seq = ? AND status = 'pending' AND claim_fence = ?`,
    );
    this.selectDue = db.prepare<[number, number, number, number], { conversation: string }>(
      `SELECT i.conversation FROM inbox i
       WHERE i.status = 'pending' AND i.not_before <= ? AND (i.claimed_until IS NULL OR i.claimed_until <= ?) AND i.received_at <= ?
         AND NOT EXISTS (SELECT 1 FROM inbox e WHERE e.conversation = i.conversation AND e.status = 'pending' AND e.seq < i.seq)
       ORDER BY i.seq LIMIT ?`,
    );
    this.claimAt = (conversation: string, claim: InboxClaim, now: number): ClaimResult => {
      const head = this.selectHead.get(conversation);
      if (!head) return { kind: 'none' };
      if (head.not_before > now) return { kind: 'wait', notBefore: head.not_before };
      const free = head.claimed_until === null || head.claimed_until <= now || head.claim_fence === null || head.claim_fence <= claim.fence;
      if (!free) return { kind: 'busy' };
      this.updateClaim.run(claim.owner, now + claim.leaseMs, claim.fence, head.seq);
      return { kind: 'claimed', item: toItem(head) };
    };
    this.guarded = (write: () => { changes: number }) => this.commits.run(() => write().changes === 1);
    this.selectCounts = db.prepare<[], { status: string; n: number }>(`SELECT status, COUNT(*) AS n FROM inbox GROUP BY status`);
    this.deleteFinished = db.prepare<[number]>(`DELETE FROM inbox WHERE status <> 'pending' AND finished_at < ?`);
  }

  async add(items: readonly NewInboxItem[]): Promise<InboxItem[]> {
    return items.length ? this.commits.run(() => this.addMany(items)) : [];
  }

  async unfinished(afterSeq = 0): Promise<InboxItem[]> {
    return this.selectUnfinished.all(afterSeq).map(toItem);
  }

  async claimNext(conversation: string, claim: InboxClaim): Promise<ClaimResult> {
    return this.commits.run(() => this.claimAt(conversation, claim, Date.now()));
  }

  async extendClaim(seq: number, claim: InboxClaim): Promise<boolean> {
    return this.guarded(() => this.updateExtend.run(Date.now() + claim.leaseMs, seq, claim.fence));
  }

  async dueConversations(limit: number, minAgeMs = 0): Promise<string[]> {
    const now = Date.now();
    return this.selectDue.all(now, now, now - minAgeMs, limit).map((r) => r.conversation);
  }

  async recordProgress(seq: number, sentCount: number, fence?: number): Promise<boolean> {
    return this.guarded(() => this.updateProgress.run({ seq, fence: fence ?? null, sentCount }));
  }

  async rememberTurn(seq: number, turnId: string, fence?: number): Promise<boolean> {
    return this.guarded(() => this.updateTurn.run({ seq, fence: fence ?? null, turnId }));
  }

  async postpone(seq: number, notBefore: number, error: string, fence?: number): Promise<boolean> {
    return this.guarded(() => this.updatePostpone.run({ seq, fence: fence ?? null, notBefore, error }));
  }

  async finish(seq: number, outcome: InboxOutcome, fence?: number): Promise<boolean> {
    const error = outcome.status === 'failed' ? outcome.error : null;
    return this.guarded(() => this.updateFinish.run({ seq, fence: fence ?? null, status: outcome.status, error, finishedAt: Date.now() }));
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
