/**
 * The durable inbox: every verified inbound platform event is stored here before the webhook answers 200,
 * and stays until a worker has answered it. Backends: SQLite (embedded default), memory (tests), PostgreSQL
 * (several instances share one inbox).
 *
 * Claims: a worker takes the oldest pending item of a conversation with `claimNext`, under the conversation
 * lock (src/storage/conversation-lock.ts) whose fencing token it passes along. The claim lasts `leaseMs`
 * unless extended; a newer fence or an expired claim takes it over. Writes that pass a fence are ignored
 * (and return false) once a newer holder has claimed the item, so a stale worker whose lock expired can
 * never overwrite the progress of the one that took over.
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

export interface InboxClaim {
  /** Identifies the claiming process (kept in the row for diagnosis). */
  owner: string;
  /** Fencing token of the conversation lock held by the claimer; grows with every new holder. */
  fence: number;
  /** How long the claim lasts without being extended (ms). */
  leaseMs: number;
}

export type ClaimResult =
  | { kind: 'claimed'; item: InboxItem }
  /** The oldest pending item was postponed: nothing of this conversation may run before `notBefore`. */
  | { kind: 'wait'; notBefore: number }
  /** The oldest pending item is claimed by a live holder with a newer fence. */
  | { kind: 'busy' }
  | { kind: 'none' };

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
  /**
   * Claims the oldest pending item of `conversation` if it is due and not held by someone else: an item
   * whose claim expired, or was made with an older (or the same) fence, is taken over. Never skips an item: a later item
   * of the conversation is only handed out once every earlier one is finished.
   */
  claimNext(conversation: string, claim: InboxClaim): Promise<ClaimResult>;
  /** Keeps the claim alive for another `leaseMs`; false when the item is no longer claimed with this fence. */
  extendClaim(seq: number, claim: InboxClaim): Promise<boolean>;
  /**
   * Conversations whose oldest pending item is due and not claimed by a live holder, oldest first: what
   * a process polling a shared inbox should try to take (new items, and items of a process that died).
   * With `minAgeMs`, only items received at least that long ago count (the receiving process is expected
   * to take its own items; others step in when it is slow or gone).
   */
  dueConversations(limit: number, minAgeMs?: number): Promise<string[]>;
  /**
   * The write methods below take the claimer's fence: when given, they do nothing and return false unless
   * the item is still pending under a claim made with that fence (a newer holder took it over otherwise).
   */
  recordProgress(seq: number, sentCount: number, fence?: number): Promise<boolean>;
  rememberTurn(seq: number, turnId: string, fence?: number): Promise<boolean>;
  /** Counts one more failed attempt, releases the claim and keeps the item pending until `notBefore`. */
  postpone(seq: number, notBefore: number, error: string, fence?: number): Promise<boolean>;
  /** Marks the item finished and releases the claim; its payload is dropped, the ids stay to recognise redeliveries. */
  finish(seq: number, outcome: InboxOutcome, fence?: number): Promise<boolean>;
  counts(): Promise<InboxCounts>;
  /** Deletes finished items older than `before` (ms since epoch); returns how many. */
  pruneFinished(before: number): Promise<number>;
}
