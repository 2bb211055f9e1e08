/**
 * The durable inbox: every verified inbound platform event is stored here before the webhook answers 200,
 * and stays until a worker has answered it. Backends: SQLite (embedded default), memory (tests); PostgreSQL
 * later behind the same interface.
 */

export interface NewInboxItem {
  /** Channel name, e.g. "zalo" or "messenger". */
  channel: string;
  /** The platform's id for the event (Zalo msg_id, Messenger mid); a second item with the same pair is a redelivery. */
  externalId: string;
  /** Items with the same conversation key are processed one at a time, in arrival order. */
  conversation: string;
  /** The sanitised event as JSON (personal data already redacted by the channel). */
  payload: string;
  receivedAt: number;
}

export interface InboxItem extends NewInboxItem {
  seq: number;
  /** Failed delivery attempts so far (postponed retries). */
  attempts: number;
  /** Outbound messages of this item already accepted by the platform; a resumed turn skips them. */
  sentCount: number;
  /** Turn id given by the turn recorder on an earlier attempt, so a resumed turn is not recorded twice. */
  turnId: string | null;
  /** Not before this time (ms since epoch) when the item was postponed after a failure. */
  notBefore: number;
}

export type InboxOutcome = { status: 'done' } | { status: 'failed'; error: string };

export interface InboxCounts {
  pending: number;
  done: number;
  failed: number;
}

export interface InboxStore {
  /**
   * Stores the items atomically and returns the ones that were new; items whose (channel, externalId) is
   * already stored (redeliveries) are left out.
   */
  add(items: readonly NewInboxItem[]): Promise<InboxItem[]>;
  /**
   * Items not yet done or failed, in arrival order: all of them (resume after a restart), or only those
   * stored after `afterSeq` (a worker process discovering what web processes stored).
   */
  unfinished(afterSeq?: number): Promise<InboxItem[]>;
  recordProgress(seq: number, sentCount: number): Promise<void>;
  rememberTurn(seq: number, turnId: string): Promise<void>;
  /** Counts one more failed attempt and keeps the item pending until `notBefore`. */
  postpone(seq: number, notBefore: number, error: string): Promise<void>;
  /** Marks the item finished; its payload is dropped, the ids stay to recognise redeliveries. */
  finish(seq: number, outcome: InboxOutcome): Promise<void>;
  counts(): Promise<InboxCounts>;
  /** Deletes finished items older than `before` (ms since epoch); returns how many. */
  pruneFinished(before: number): Promise<number>;
}
