/**
 * One turn at a time per conversation, across every process that answers it. A lease carries a fencing
 * token (`fence`) that grows with every new holder: the inbox stores it with its claim and refuses writes
 * made with an older one, so a holder that stalled past its expiry cannot overwrite its successor's work.
 * Backends: in-memory (one process, the default) and Redis (several instances).
 */

export interface ConversationLease {
  key: string;
  /** Random value identifying this holder; only it can extend or release the lock. */
  token: string;
  fence: number;
}

export interface ConversationLock {
  /** Takes the lock for `ttlMs` unless someone holds it; null when it is held. */
  acquire(key: string, ttlMs: number): Promise<ConversationLease | null>;
  /** Extends a lock still held by this lease; false when it expired or another holder has it. */
  extend(lease: ConversationLease, ttlMs: number): Promise<boolean>;
  /** Releases the lock if this lease still holds it (compare-and-delete). */
  release(lease: ConversationLease): Promise<void>;
  close?(): Promise<void>;
}

/**
 * Locks of one process. Fences start from the clock (µs since epoch), so a restarted process still issues
 * fences above the ones its predecessor left in the inbox and can take over the items it had claimed.
 */
export class MemoryConversationLock implements ConversationLock {
  private readonly held = new Map<string, { token: string; until: number }>();
  private fence: number;

  constructor(private readonly now: () => number = Date.now) {
    this.fence = now() * 1000;
  }

  async acquire(key: string, ttlMs: number): Promise<ConversationLease | null> {
    const now = this.now();
    const current = this.held.get(key);
    if (current && current.until > now) return null;
    this.fence = Math.max(this.fence + 1, now * 1000);
    const lease = { key, token: `${this.fence}-${Math.random().toString(36).slice(2)}`, fence: this.fence };
    this.held.set(key, { token: lease.token, until: now + ttlMs });
    if (this.held.size > 10_000) this.forgetExpired(now);
    return lease;
  }

  async extend(lease: ConversationLease, ttlMs: number): Promise<boolean> {
    const current = this.held.get(lease.key);
    const now = this.now();
    if (!current || current.token !== lease.token || current.until <= now) return false;
    current.until = now + ttlMs;
    return true;
  }

  async release(lease: ConversationLease): Promise<void> {
    if (this.held.get(lease.key)?.token === lease.token) this.held.delete(lease.key);
  }

  private forgetExpired(now: number): void {
    for (const [key, v] of this.held) if (v.until <= now) this.held.delete(key);
  }
}
