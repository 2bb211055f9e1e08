/**
 * The inbox workers: items accepted by the webhooks are stored first, then handled with bounded concurrency,
 * one item at a time per conversation and in arrival order (inbox seq). A failed delivery is postponed and
 * retried later (the conversation waits, so order is kept); a permanent failure is recorded, never thrown.
 * Unfinished items are picked up again by `start()` after a restart.
 *
 * Several processes can share one inbox (PostgreSQL): a conversation is worked on under its conversation
 * lock (Redis), whose fencing token goes with every claim and write of the store, and items are claimed
 * from the store (`claimNext`), never from what this process happens to remember. So it does not matter
 * which instance received a message: whoever holds the lock answers the conversation's oldest item first.
 * A process that dies mid-turn blocks its conversations until the lock and claim expire (`leaseMs`);
 * polling (`discoverEveryMs`) then lets another process take them over.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { InboxCounts, InboxItem, InboxStore, NewInboxItem } from '../storage/inbox-store.js';
import { MemoryConversationLock, type ConversationLock } from '../storage/conversation-lock.js';
import { Fifo } from './fifo.js';
import { currentLease, HeldLease, isLeaseLost, LeaseLostError } from './lease.js';
import { describeFailure, isRetryable } from './failures.js';

export { isRetryable } from './failures.js';

export interface InboxProgress {
  /** Outbound messages already accepted by the platform for this item (resumed turns skip them). */
  recordProgress(sentCount: number): Promise<void>;
  /** Remembers the turn id the recorder returned, so a retried turn reuses it. */
  rememberTurn(turnId: string): Promise<void>;
  /** Throws LeaseLostError when this process no longer holds the conversation: call before each platform send. */
  assertHeld(): void;
}

export type InboxHandler = (item: InboxItem, progress: InboxProgress) => Promise<void>;

export interface InboxLog {
  info(line: string): void;
  warn(line: string): void;
}

export interface InboxOptions {
  store: InboxStore;
  /** One handler per channel name. */
  handlers: Readonly<Record<string, InboxHandler>>;
  /** How many conversations are handled at the same time. */
  concurrency: number;
  /** Waits before each retry of a failed item; when they are used up the item is recorded as failed. */
  retryDelaysMs: readonly number[];
  log: InboxLog;
  /**
   * When set, also picks up items other processes stored or left behind (a worker process behind web
   * processes, or instances sharing one inbox), by looking for due unclaimed items this often (ms).
   */
  discoverEveryMs?: number;
  /**
   * Polling only takes items received at least this long ago (ms, default 0): a process that receives
   * webhooks takes its own items at once, and others only step in when it is slow or gone.
   */
  discoverMinAgeMs?: number;
  /**
   * Which conversations this process answers (default: all). Several worker processes on one SQLite file
   * split conversations between them so that each conversation still has exactly one worker, in order.
   */
  owns?: (conversation: string) => boolean;
  /** The per-conversation lock (default: in-memory, this process only). */
  lock?: ConversationLock;
  /** How long a lock and a claim last without a heartbeat (ms, default 20 s). */
  leaseMs?: number;
  now?: () => number;
}

/** FNV-1a hash of the conversation key, modulo `partitions`: stable across processes and restarts. */
export function partitionOf(conversation: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < conversation.length; i += 1) {
    h ^= conversation.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}

export interface InboxStats {
  queued: number;
  inFlight: number;
  done: number;
  failed: number;
  postponed: number;
  /** Items left to another process that took the conversation over (this one lost its lease). */
  abandoned: number;
}

export const DEFAULT_LEASE_MS = 20_000;
/** Items handled per lock hold before the conversation goes to the back of the queue (fairness). */
const ITEMS_PER_HOLD = 8;
/** When the store or the lock fails, try the conversation again after this long. */
const STORE_RETRY_MS = 1000;
/** When the lock or the item is held elsewhere, look again after this long. */
const BUSY_RETRY_MS = 100;
/** Conversations taken from one poll: enough to keep the workers busy until the next one. */
const discoverBatch = (concurrency: number) => Math.max(64, concurrency * 4);

type Outcome = 'done' | 'failed' | 'postponed' | 'abandoned';

export class Inbox {
  /** Conversations waiting for a free worker slot, and the same as a set. */
  private readonly ready = new Fifo<string>();
  private readonly queued = new Set<string>();
  /** Conversations being worked on here; `again`: woken meanwhile, look once more when done. */
  private readonly active = new Set<string>();
  private readonly again = new Set<string>();
  /** Conversations waiting for a postponed item's time, or for a retry. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /**
   * Conversations with items this process is responsible for (it stored or resumed them), until it finds
   * nothing left: when their lock is busy it retries, while conversations only seen by polling are left
   * to whoever holds them.
   */
  private readonly own = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private idleWaiters: Array<() => void> = [];
  private running = false;
  private discovery: NodeJS.Timeout | undefined;
  private discovering = false;
  private counters = { done: 0, failed: 0, postponed: 0, abandoned: 0 };
  private lastFailureLog = 0;
  private readonly now: () => number;
  private readonly owns: (conversation: string) => boolean;
  private readonly lock: ConversationLock;
  private readonly leaseMs: number;
  /** Names this process in the claims it makes. */
  private readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;

  constructor(private readonly options: InboxOptions) {
    if (options.concurrency < 1) throw new AppError('invalid_config', 'Số luồng xử lý hộp thư phải từ 1 trở lên.');
    this.now = options.now ?? Date.now;
    this.owns = options.owns ?? (() => true);
    this.lock = options.lock ?? new MemoryConversationLock();
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Stores the items (before the webhook answers) and wakes their conversations; returns how many were new. */
  async accept(items: readonly NewInboxItem[]): Promise<{ stored: number; duplicates: number }> {
    if (items.length === 0) return { stored: 0, duplicates: 0 };
    const added = await this.options.store.add(items);
    for (const item of added) {
      this.own.add(item.conversation);
      this.wake(item.conversation);
    }
    return { stored: added.length, duplicates: items.length - added.length };
  }

  /** Resumes every unfinished item, then keeps handling new ones. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const unfinished = (await this.options.store.unfinished()).filter((i) => this.owns(i.conversation));
    if (unfinished.length) {
      this.options.log.info(
        this.options.discoverEveryMs
          ? `Hộp thư: có ${unfinished.length} tin nhắn chưa xong trong hộp thư dùng chung.`
          : `Hộp thư: tiếp tục xử lý ${unfinished.length} tin nhắn chưa xong từ lần chạy trước.`,
      );
    }
    // Oldest first; each conversation's items come from the store in seq order whoever wakes it.
    for (const item of unfinished) {
      if (!this.options.discoverEveryMs) this.own.add(item.conversation);
      this.wake(item.conversation);
    }
    if (this.options.discoverEveryMs) {
      this.discovery = setInterval(() => void this.discover(), this.options.discoverEveryMs);
      this.discovery.unref();
    }
    this.pump();
  }

  /** Stops starting new items and waits (up to `graceMs`) for the ones in progress; the rest stay stored. */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    clearInterval(this.discovery);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    const settled = Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
  }

  /** Resolves when nothing is queued, waiting or in progress here. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** What the store holds: pending, done and failed items. */
  stored(): Promise<InboxCounts> {
    return this.options.store.counts();
  }

  stats(): InboxStats {
    return { queued: this.ready.length, inFlight: this.inFlight.size, ...this.counters };
  }

  /**
   * Looks for due items nobody holds: stored by other processes, or left by one that died. Only with room
   * to spare: a process with a backlog of its own would take them late, after someone else did.
   */
  private async discover(): Promise<void> {
    const room = discoverBatch(this.options.concurrency) - this.ready.length - this.inFlight.size;
    if (this.discovering || !this.running || this.ready.length >= this.options.concurrency || room <= 0) return;
    this.discovering = true;
    try {
      const conversations = await this.options.store.dueConversations(room, this.options.discoverMinAgeMs);
      for (const conversation of conversations) if (!this.timers.has(conversation)) this.wake(conversation);
    } catch (err) {
      this.options.log.warn(`Hộp thư: không đọc được tin mới (${(err as Error).message}).`);
    } finally {
      this.discovering = false;
    }
  }

  private isIdle(): boolean {
    return this.ready.length === 0 && this.active.size === 0 && this.timers.size === 0 && this.inFlight.size === 0;
  }

  /** Makes a conversation eligible to run as soon as a worker slot is free. */
  private wake(conversation: string): void {
    if (!this.owns(conversation)) return;
    if (this.active.has(conversation)) {
      this.again.add(conversation);
      return;
    }
    const timer = this.timers.get(conversation);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(conversation);
    }
    if (this.queued.has(conversation)) return;
    this.queued.add(conversation);
    this.ready.push(conversation);
    this.pump();
  }

  /** Wakes the conversation at `at` (ms since epoch); an earlier wake-up replaces a later one. */
  private wakeAt(conversation: string, at: number): void {
    if (!this.running) return;
    clearTimeout(this.timers.get(conversation));
    const timer = setTimeout(() => {
      this.timers.delete(conversation);
      this.wake(conversation);
      this.settleIdle();
    }, Math.max(10, at - this.now()));
    timer.unref();
    this.timers.set(conversation, timer);
  }

  private pump(): void {
    while (this.running && this.inFlight.size < this.options.concurrency && this.ready.length) {
      const conversation = this.ready.shift()!;
      this.queued.delete(conversation);
      if (this.active.has(conversation)) {
        this.again.add(conversation);
        continue;
      }
      this.active.add(conversation);
      const run = this.drain(conversation)
        .catch((err: Error) => {
          // The lock or the store is unreachable: every conversation fails alike, so say it now and then.
          if (this.now() - this.lastFailureLog > 10_000) {
            this.lastFailureLog = this.now();
            this.options.log.warn(`Hộp thư: không nhận được việc từ hộp thư hoặc khóa hội thoại (${err.message}); thử lại sau.`);
          }
          this.wakeAt(conversation, this.now() + STORE_RETRY_MS);
        })
        .finally(() => {
          this.inFlight.delete(run);
          this.active.delete(conversation);
          if (this.again.delete(conversation) && this.running) this.wake(conversation);
          this.pump();
          this.settleIdle();
        });
      this.inFlight.add(run);
    }
  }

  /** Under the conversation lock, handles the conversation's due items in order, a few at a time. */
  private async drain(conversation: string): Promise<void> {
    const { store } = this.options;
    const lease = await this.lock.acquire(conversation, this.leaseMs);
    if (!lease) {
      // Another process holds the conversation and handles what is pending. For our own items, look again
      // shortly in case it finished just before they were stored ('none' ends the retries).
      if (this.own.has(conversation) || !this.options.discoverEveryMs) this.wakeAt(conversation, this.now() + BUSY_RETRY_MS);
      return;
    }
    const held = new HeldLease(this.lock, store, lease, this.owner, this.leaseMs, this.now);
    try {
      for (let handled = 0; this.running && held.isHeld(); handled++) {
        if (handled === ITEMS_PER_HOLD) {
          this.again.add(conversation); // more may be pending: back of the queue, others go first
          return;
        }
        const next = await store.claimNext(conversation, held.claim);
        if (next.kind === 'none') {
          this.own.delete(conversation);
          return;
        }
        if (next.kind === 'wait') return this.wakeAt(conversation, next.notBefore);
        if (next.kind === 'busy') {
          if (this.own.has(conversation) || !this.options.discoverEveryMs) this.wakeAt(conversation, this.now() + BUSY_RETRY_MS);
          return;
        }
        if (!this.running) return; // claimed while stopping: the claim expires and the item is resumed later
        if ((await this.handle(next.item, held)) === 'abandoned') return;
      }
      // The lease ran out between two items (lock unreachable for a while): start over with a new one.
      if (this.running) this.again.add(conversation);
    } finally {
      await held.release();
    }
  }

  private async handle(item: InboxItem, held: HeldLease): Promise<Outcome> {
    const { store, handlers, log } = this.options;
    const fence = held.fence;
    const fenced = async (write: Promise<boolean>) => {
      if (!(await write)) throw new LeaseLostError('tin nhắn đã được tiến trình khác nhận');
    };
    const progress: InboxProgress = {
      recordProgress: async (sentCount) => {
        item.sentCount = sentCount;
        await fenced(store.recordProgress(item.seq, sentCount, fence));
      },
      rememberTurn: async (turnId) => {
        item.turnId = turnId;
        await fenced(store.rememberTurn(item.seq, turnId, fence));
      },
      assertHeld: () => held.assertHeld(),
    };
    held.track(item.seq);
    let outcome: Outcome;
    try {
      const handler = handlers[item.channel];
      if (!handler) throw new AppError('invalid_config', `Không có bộ xử lý cho kênh ${item.channel}.`, { reason: 'no_handler' });
      await currentLease.run(held, () => handler(item, progress));
      held.track(null);
      // Even if the lease looks expired here, the fenced write decides: it fails only if someone took over.
      await fenced(store.finish(item.seq, { status: 'done' }, fence));
      outcome = 'done';
    } catch (err) {
      held.track(null);
      let storeFailed = false;
      outcome = isLeaseLost(err)
        ? 'abandoned'
        : await this.recordFailure(item, err, fence).catch((storeErr: Error) => {
            if (!isLeaseLost(storeErr)) {
              storeFailed = true;
              log.warn(`Hộp thư: không ghi được trạng thái tin nhắn #${item.seq} (${storeErr.message}).`);
            }
            return 'abandoned' as const;
          });
      if (outcome === 'abandoned') {
        held.markLost(storeFailed ? 'lỗi ghi hộp thư' : 'đã bỏ tin nhắn');
        if (!storeFailed) log.warn(`Hộp thư: dừng tin nhắn #${item.seq} (${item.channel}) vì không còn giữ hội thoại.`);
        // Look again soon with a new lease: if nobody took the conversation over, its newer fence takes over
        // the claim this one left; if someone did, the lock is busy or the item done.
        this.wakeAt(item.conversation, this.now() + (storeFailed ? STORE_RETRY_MS : BUSY_RETRY_MS));
      }
    }
    this.counters[outcome] += 1;
    return outcome;
  }

  private async recordFailure(item: InboxItem, err: unknown, fence: number): Promise<'failed' | 'postponed'> {
    const { store, retryDelaysMs, log } = this.options;
    const reason = describeFailure(err);
    const delay = retryDelaysMs[item.attempts];
    if (isRetryable(err) && delay !== undefined) {
      const notBefore = this.now() + delay;
      if (!(await store.postpone(item.seq, notBefore, reason, fence))) throw new LeaseLostError('tin nhắn đã được tiến trình khác nhận');
      log.warn(`Hộp thư: tin nhắn #${item.seq} (${item.channel}) chưa gửi được (${reason}), thử lại sau ${Math.round(delay / 1000)} giây.`);
      return 'postponed';
    }
    if (!(await store.finish(item.seq, { status: 'failed', error: reason }, fence))) throw new LeaseLostError('tin nhắn đã được tiến trình khác nhận');
    log.warn(`Hộp thư: bỏ tin nhắn #${item.seq} (${item.channel}) sau ${item.attempts + 1} lần thử: ${reason}.`);
    return 'failed';
  }

  private settleIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
