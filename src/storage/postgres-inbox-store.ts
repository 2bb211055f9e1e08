/**
 * The shared inbox on PostgreSQL: several instances store into and answer from one table. A redelivery of
 * the same event reaching any instance hits the (channel, external_id) unique key and is stored once.
 *
 * Order: items of one conversation are inserted under a transaction-scoped advisory lock on the
 * conversation, so their sequence numbers follow their commit order and a worker never sees a later item
 * of a conversation committed before an earlier one. Claims take the oldest pending item of a conversation
 * with `FOR UPDATE SKIP LOCKED` (a row another claimer is working on is skipped, never waited for) and
 * never move past it. Times of claims use the database clock, so instance clocks need not agree.
 */
import type pg from 'pg';
import type { ClaimResult, InboxClaim, InboxCounts, InboxItem, InboxOutcome, InboxStore, NewInboxItem } from './inbox-store.js';
import { DB_NOW_MS, withTransaction } from './postgres-database.js';

/** BIGINT columns come as strings from a plain SELECT and as numbers through row_to_json. */
interface Row {
  seq: string | number;
  channel: string;
  external_id: string;
  conversation: string;
  payload: string | null;
  received_at: string | number;
  attempts: number;
  sent_count: number;
  turn_id: string | null;
  not_before: string | number;
}

const toItem = (r: Row): InboxItem => ({
  seq: Number(r.seq),
  channel: r.channel,
  externalId: r.external_id,
  conversation: r.conversation,
  payload: r.payload ?? '{}',
  receivedAt: Number(r.received_at),
  attempts: r.attempts,
  sentCount: r.sent_count,
  turnId: r.turn_id,
  notBefore: Number(r.not_before),
});

const INSERT = `
INSERT INTO inbox_items (channel, external_id, conversation, payload, received_at)
SELECT u.channel, u.external_id, u.conversation, u.payload, u.received_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS u(channel, external_id, conversation, payload, received_at)
CROSS JOIN LATERAL (SELECT pg_advisory_xact_lock(hashtext('inbox:' || u.conversation))) AS serialised
ON CONFLICT (channel, external_id) DO NOTHING
RETURNING seq, channel, external_id`;

/**
 * One round trip: finds the oldest pending item of conversation $1, claims it if it is due and free (row
 * locked with SKIP LOCKED: one being claimed or finished by someone else right now counts as busy), and
 * reports the head's not_before and the database clock so a refusal can be told apart (none, wait, busy).
 */
const CLAIM = `
WITH clock AS (SELECT ${DB_NOW_MS} AS now),
head AS (
  SELECT seq, not_before FROM inbox_items WHERE conversation = $1 AND status = 'pending' ORDER BY seq LIMIT 1
),
target AS (
  SELECT i.seq FROM inbox_items i, head, clock
  WHERE i.seq = head.seq AND i.status = 'pending' AND i.not_before <= clock.now
    AND (i.claimed_until IS NULL OR i.claimed_until <= clock.now OR i.claim_fence IS NULL OR i.claim_fence <= $3)
  FOR UPDATE OF i SKIP LOCKED
),
claimed AS (
  UPDATE inbox_items u SET claimed_by = $2, claimed_until = clock.now + $4, claim_fence = $3
  FROM target, clock WHERE u.seq = target.seq
  RETURNING u.*
)
SELECT (SELECT row_to_json(claimed) FROM claimed) AS item, head.not_before AS head_not_before, clock.now AS now
FROM clock LEFT JOIN head ON true`;

/**
 * Oldest first along the pending-seq index, stopping after $1 rows: an item qualifies if it is due, not held
 * by a live claim, and no earlier item of its conversation is pending (checked on the (conversation, seq)
 * index). No sort over the whole backlog, so polling stays cheap when thousands of items wait.
 */
const DUE = `
SELECT i.conversation FROM inbox_items i, (SELECT ${DB_NOW_MS} AS now) c
WHERE i.status = 'pending' AND i.not_before <= c.now AND (i.claimed_until IS NULL OR i.claimed_until <= c.now)
  AND i.received_at <= c.now - $2
  AND NOT EXISTS (SELECT 1 FROM inbox_items e WHERE e.conversation = i.conversation AND e.status = 'pending' AND e.seq < i.seq)
ORDER BY i.seq LIMIT $1`;

/** $1 seq, $2 fence: an unfenced write, or one made while the item is pending under a claim with that fence. */
const FENCED = `seq = $1 AND ($2::bigint IS NULL OR (status = 'pending' AND claim_fence = $2))`;

export class PostgresInboxStore implements InboxStore {
  constructor(private readonly pool: pg.Pool) {}

  async add(items: readonly NewInboxItem[]): Promise<InboxItem[]> {
    if (items.length === 0) return [];
    const column = <K extends keyof NewInboxItem>(k: K) => items.map((it) => it[k]);
    const values = [column('channel'), column('externalId'), column('conversation'), column('payload'), column('receivedAt')];
    const conversations = [...new Set(column('conversation'))].sort();
    let rows: Array<{ seq: string; channel: string; external_id: string }>;
    if (conversations.length === 1) rows = (await this.pool.query({ name: 'inbox_insert', text: INSERT, values })).rows;
    else {
      // Several conversations (a Messenger batch): take their locks in one order first, so that two
      // concurrent batches cannot deadlock, then insert in arrival order.
      rows = await withTransaction(this.pool, async (client) => {
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('inbox:' || c)) FROM unnest($1::text[]) AS c`, [conversations]);
        return (await client.query({ name: 'inbox_insert', text: INSERT, values })).rows;
      });
    }
    const byKey = new Map(items.map((it) => [`${it.channel}\u0000${it.externalId}`, it]));
    return rows
      .map((row) => ({ ...byKey.get(`${row.channel}\u0000${row.external_id}`)!, seq: Number(row.seq), attempts: 0, sentCount: 0, turnId: null, notBefore: 0 }))
      .sort((a, b) => a.seq - b.seq);
  }

  async unfinished(afterSeq = 0): Promise<InboxItem[]> {
    const r = await this.pool.query<Row>(`SELECT * FROM inbox_items WHERE status = 'pending' AND seq > $1 ORDER BY seq`, [afterSeq]);
    return r.rows.map(toItem);
  }

  async claimNext(conversation: string, claim: InboxClaim): Promise<ClaimResult> {
    const r = await this.pool.query<{ item: Row | null; head_not_before: string | null; now: string }>({
      name: 'inbox_claim',
      text: CLAIM,
      values: [conversation, claim.owner, claim.fence, claim.leaseMs],
    });
    const row = r.rows[0]!;
    if (row.item) return { kind: 'claimed', item: toItem(row.item) };
    if (row.head_not_before === null) return { kind: 'none' };
    const notBefore = Number(row.head_not_before);
    return notBefore > Number(row.now) ? { kind: 'wait', notBefore } : { kind: 'busy' };
  }

  async extendClaim(seq: number, claim: InboxClaim): Promise<boolean> {
    return this.write(
      'inbox_extend',
      `UPDATE inbox_items SET claimed_until = ${DB_NOW_MS} + $3 WHERE seq = $1 AND status = 'pending' AND claim_fence = $2`,
      [seq, claim.fence, claim.leaseMs],
    );
  }

  async dueConversations(limit: number, minAgeMs = 0): Promise<string[]> {
    return (await this.pool.query<{ conversation: string }>({ name: 'inbox_due', text: DUE, values: [limit, minAgeMs] })).rows.map((r) => r.conversation);
  }

  async recordProgress(seq: number, sentCount: number, fence?: number): Promise<boolean> {
    return this.write('inbox_progress', `UPDATE inbox_items SET sent_count = $3 WHERE ${FENCED}`, [seq, fence ?? null, sentCount]);
  }

  async rememberTurn(seq: number, turnId: string, fence?: number): Promise<boolean> {
    return this.write('inbox_turn', `UPDATE inbox_items SET turn_id = $3 WHERE ${FENCED}`, [seq, fence ?? null, turnId]);
  }

  async postpone(seq: number, notBefore: number, error: string, fence?: number): Promise<boolean> {
    return this.write(
      'inbox_postpone',
      `UPDATE inbox_items SET attempts = attempts + 1, not_before = $3, error = $4, claimed_by = NULL, claimed_until = NULL WHERE ${FENCED}`,
      [seq, fence ?? null, notBefore, error],
    );
  }

  async finish(seq: number, outcome: InboxOutcome, fence?: number): Promise<boolean> {
    return this.write(
      'inbox_finish',
      `UPDATE inbox_items SET status = $3, error = $4, finished_at = $5, payload = NULL, claimed_by = NULL, claimed_until = NULL WHERE ${FENCED}`,
      [seq, fence ?? null, outcome.status, outcome.status === 'failed' ? outcome.error : null, Date.now()],
    );
  }

  async counts(): Promise<InboxCounts> {
    const counts: InboxCounts = { pending: 0, done: 0, failed: 0 };
    const r = await this.pool.query<{ status: keyof InboxCounts; n: string }>(`SELECT status, count(*) AS n FROM inbox_items GROUP BY status`);
    for (const row of r.rows) counts[row.status] = Number(row.n);
    return counts;
  }

  async pruneFinished(before: number): Promise<number> {
    const r = await this.pool.query(`DELETE FROM inbox_items WHERE status <> 'pending' AND finished_at < $1`, [before]);
    return r.rowCount ?? 0;
  }

  /** Hot statements are named: each connection parses and plans them once instead of on every call. */
  private async write(name: string, text: string, values: unknown[]): Promise<boolean> {
    return (await this.pool.query({ name, text, values })).rowCount === 1;
  }
}
