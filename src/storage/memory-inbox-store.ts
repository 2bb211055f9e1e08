/** An in-memory inbox with the same semantics as the SQLite one, for tests and throwaway runs. */
import type { ClaimResult, InboxClaim, InboxCounts, InboxItem, InboxOutcome, InboxStore, NewInboxItem } from './inbox-store.js';

interface Entry {
  item: InboxItem;
  status: 'pending' | 'done' | 'failed';
  error: string | null;
  finishedAt: number | null;
  claimedBy: string | null;
  claimedUntil: number | null;
  claimFence: number | null;
}

export class MemoryInboxStore implements InboxStore {
  private readonly entries = new Map<number, Entry>();
  private readonly keys = new Map<string, number>();
  private nextSeq = 1;

  constructor(private readonly now: () => number = Date.now) {}

  async add(items: readonly NewInboxItem[]): Promise<InboxItem[]> {
    const added: InboxItem[] = [];
    for (const it of items) {
      const key = `${it.channel}\u0000${it.externalId}`;
      if (this.keys.has(key)) continue;
      const item: InboxItem = { ...it, seq: this.nextSeq++, attempts: 0, sentCount: 0, turnId: null, notBefore: 0 };
      this.keys.set(key, item.seq);
      this.entries.set(item.seq, { item, status: 'pending', error: null, finishedAt: null, claimedBy: null, claimedUntil: null, claimFence: null });
      added.push({ ...item });
    }
    return added;
  }

  async unfinished(afterSeq = 0): Promise<InboxItem[]> {
    return [...this.entries.values()].filter((e) => e.status === 'pending' && e.item.seq > afterSeq).map((e) => ({ ...e.item }));
  }

  async claimNext(conversation: string, claim: InboxClaim): Promise<ClaimResult> {
    const head = this.head(conversation);
    if (!head) return { kind: 'none' };
    const now = this.now();
    if (head.item.notBefore > now) return { kind: 'wait', notBefore: head.item.notBefore };
    if (!claimable(head, claim, now)) return { kind: 'busy' };
    head.claimedBy = claim.owner;
    head.claimedUntil = now + claim.leaseMs;
    head.claimFence = claim.fence;
    return { kind: 'claimed', item: { ...head.item } };
  }

  async extendClaim(seq: number, claim: InboxClaim): Promise<boolean> {
    const e = this.entries.get(seq);
    if (!e || e.status !== 'pending' || e.claimFence !== claim.fence) return false;
    e.claimedUntil = this.now() + claim.leaseMs;
    return true;
  }

  async dueConversations(limit: number, minAgeMs = 0): Promise<string[]> {
    const heads = new Map<string, Entry>();
    for (const e of this.entries.values()) {
      if (e.status !== 'pending') continue;
      const current = heads.get(e.item.conversation);
      if (!current || e.item.seq < current.item.seq) heads.set(e.item.conversation, e);
    }
    const now = this.now();
    return [...heads.values()]
      .filter((e) => e.item.notBefore <= now && (e.claimedUntil === null || e.claimedUntil <= now) && e.item.receivedAt <= now - minAgeMs)
      .sort((a, b) => a.item.seq - b.item.seq)
      .slice(0, limit)
      .map((e) => e.item.conversation);
  }

  async recordProgress(seq: number, sentCount: number, fence?: number): Promise<boolean> {
    const e = this.writable(seq, fence);
    if (e) e.item.sentCount = sentCount;
    return e !== undefined;
  }

  async rememberTurn(seq: number, turnId: string, fence?: number): Promise<boolean> {
    const e = this.writable(seq, fence);
    if (e) e.item.turnId = turnId;
    return e !== undefined;
  }

  async postpone(seq: number, notBefore: number, error: string, fence?: number): Promise<boolean> {
    const e = this.writable(seq, fence);
    if (!e) return false;
    e.item.attempts += 1;
    e.item.notBefore = notBefore;
    e.error = error;
    e.claimedBy = null;
    e.claimedUntil = null;
    return true;
  }

  async finish(seq: number, outcome: InboxOutcome, fence?: number): Promise<boolean> {
    const e = this.writable(seq, fence);
    if (!e) return false;
    e.status = outcome.status;
    e.error = outcome.status === 'failed' ? outcome.error : null;
    e.finishedAt = Date.now();
    e.item.payload = '{}';
    e.claimedBy = null;
    e.claimedUntil = null;
    return true;
  }

  async counts(): Promise<InboxCounts> {
    const counts: InboxCounts = { pending: 0, done: 0, failed: 0 };
    for (const e of this.entries.values()) counts[e.status] += 1;
    return counts;
  }

  async pruneFinished(before: number): Promise<number> {
    let n = 0;
    for (const [seq, e] of this.entries) {
      if (e.status !== 'pending' && (e.finishedAt ?? 0) < before) {
        this.entries.delete(seq);
        this.keys.delete(`${e.item.channel}\u0000${e.item.externalId}`);
        n += 1;
      }
    }
    return n;
  }

  private head(conversation: string): Entry | undefined {
    let head: Entry | undefined;
    for (const e of this.entries.values()) {
      if (e.status === 'pending' && e.item.conversation === conversation && (!head || e.item.seq < head.item.seq)) head = e;
    }
    return head;
  }

  /** The entry, unless a fence is given and the item is no longer pending under a claim with that fence. */
  private writable(seq: number, fence: number | undefined): Entry | undefined {
    const e = this.entries.get(seq);
    if (!e) return undefined;
    if (fence === undefined) return e;
    return e.status === 'pending' && e.claimFence === fence ? e : undefined;
  }
}

/** Free, expired, or claimed with an older (or this same) fence. */
function claimable(e: Entry, claim: InboxClaim, now: number): boolean {
  return e.claimedUntil === null || e.claimedUntil <= now || e.claimFence === null || e.claimFence <= claim.fence;
}
