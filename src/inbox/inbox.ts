/**
 * The inbox workers: items accepted by the webhooks are stored first, then handled with bounded concurrency,
 * one item at a time per conversation and in arrival order. A failed delivery is postponed and retried later
 * (the conversation waits, so order is kept); a permanent failure is recorded, never thrown. Unfinished items
 * are picked up again by `start()` after a restart.
 *
 * Single-process design: the in-memory queues are the claim. Several instances on one PostgreSQL inbox will
 * need a lease column (claimed_by, claimed_until) in the store.
 */
import { AppError } from '../errors/app-error.js';
import type { InboxItem, InboxStore, NewInboxItem } from '../storage/inbox-store.js';
import { Fifo } from './fifo.js';

export interface InboxProgress {
  /** Outbound messages already accepted by the platform for this item (resumed turns skip them). */
  recordProgress(sentCount: number): Promise<void>;
  /** Remembers the turn id the recorder returned, so a retried turn reuses it. */
  rememberTurn(turnId: string): Promise<void>;
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
   * When set, also picks up items other processes stored (a worker process behind web processes), by
   * looking for new unfinished items this often (ms).
   */
  discoverEveryMs?: number;
  /**
   * Which conversations this process answers (default: all). Several worker processes split conversations
   * between them so that each conversation still has exactly one worker, in order.
   */
  owns?: (conversation: string) => boolean;
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
}

/** A delivery failure worth retrying later: AppError with `context.retryable`, or anything unexpected. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof AppError) return err.context.retryable === true;
  return true;
}

function describe(err: unknown): string {
  if (err instanceof AppError) {
    const reason = typeof err.context.reason === 'string' ? `:${err.context.reason}` : '';
    return `${err.code}${reason}`;
  }
  return err instanceof Error ? err.name : 'unknown';
}

export class Inbox {
  private readonly queues = new Map<string, Fifo<InboxItem>>();
  private readonly ready = new Fifo<string>();
  private readonly active = new Set<string>();
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  private readonly known = new Set<number>();
  private readonly inFlight = new Set<Promise<void>>();
  private idleWaiters: Array<() => void> = [];
  private running = false;
  private discovery: NodeJS.Timeout | undefined;
  private discovering = false;
  private lastSeq = 0;
  private counters = { done: 0, failed: 0, postponed: 0 };
  private readonly now: () => number;

  private readonly owns: (conversation: string) => boolean;

  constructor(private readonly options: InboxOptions) {
    if (options.concurrency < 1) throw new AppError('invalid_config', 'Số luồng xử lý hộp thư phải từ 1 trở lên.');
    this.now = options.now ?? Date.now;
    this.owns = options.owns ?? (() => true);
  }

  /** Stores the items (before the webhook answers) and queues the new ones; returns how many were new. */
  async accept(items: readonly NewInboxItem[]): Promise<{ stored: number; duplicates: number }> {
    if (items.length === 0) return { stored: 0, duplicates: 0 };
    const added = await this.options.store.add(items);
    // lastSeq is left to discovery: another process may have committed a lower seq not yet discovered.
    for (const item of added) if (this.owns(item.conversation)) this.enqueue(item);
    this.pump();
    return { stored: added.length, duplicates: items.length - added.length };
  }

  /** Resumes every unfinished item, then keeps handling new ones. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const unfinished = await this.options.store.unfinished();
    // Items accepted while loading are already queued; keep arrival order for the rest by sequence.
    const resumed = unfinished.filter((i) => !this.known.has(i.seq) && this.owns(i.conversation));
    if (resumed.length) {
      this.options.log.info(`Hộp thư: tiếp tục xử lý ${resumed.length} tin nhắn chưa xong từ lần chạy trước.`);
      this.requeueInOrder(resumed);
    }
    for (const item of unfinished) this.lastSeq = Math.max(this.lastSeq, item.seq);
    if (this.options.discoverEveryMs) {
      this.discovery = setInterval(() => void this.discover(), this.options.discoverEveryMs);
      this.discovery.unref();
    }
    this.pump();
  }

  /** Queues items stored by other processes since the last look. */
  private async discover(): Promise<void> {
    if (this.discovering || !this.running) return;
    this.discovering = true;
    try {
      const found = await this.options.store.unfinished(this.lastSeq);
      for (const item of found) {
        this.lastSeq = Math.max(this.lastSeq, item.seq);
        if (!this.known.has(item.seq) && this.owns(item.conversation)) this.enqueue(item);
      }
      if (found.length) this.pump();
    } catch (err) {
      this.options.log.warn(`Hộp thư: không đọc được tin mới (${(err as Error).message}).`);
    } finally {
      this.discovering = false;
    }
  }

  /** Stops starting new items and waits (up to `graceMs`) for the ones in progress; the rest stay stored. */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    clearInterval(this.discovery);
    for (const t of this.waiting.values()) clearTimeout(t);
    this.waiting.clear();
    const settled = Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
  }

  /** Resolves when nothing is queued, waiting or in progress. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** What the store holds: pending, done and failed items. */
  stored(): Promise<import('../storage/inbox-store.js').InboxCounts> {
    return this.options.store.counts();
  }

  stats(): InboxStats {
    let queued = 0;
    for (const q of this.queues.values()) queued += q.length;
    return { queued, inFlight: this.inFlight.size, ...this.counters };
  }

  private isIdle(): boolean {
    return this.known.size === 0 && this.inFlight.size === 0;
  }

  private enqueue(item: InboxItem): void {
    this.known.add(item.seq);
    let queue = this.queues.get(item.conversation);
    if (!queue) {
      queue = new Fifo();
      this.queues.set(item.conversation, queue);
      queue.push(item);
      this.schedule(item.conversation, item.notBefore);
    } else queue.push(item);
  }

  /** Resumed items may interleave with already queued ones of the same conversation; rebuild by seq. */
  private requeueInOrder(resumed: InboxItem[]): void {
    const byConversation = new Map<string, InboxItem[]>();
    for (const item of resumed) {
      const list = byConversation.get(item.conversation) ?? [];
      list.push(item);
      byConversation.set(item.conversation, list);
    }
    for (const [conversation, list] of byConversation) {
      const existing = this.queues.get(conversation);
      if (!existing || this.active.has(conversation)) {
        for (const item of list) this.enqueue(item);
        continue;
      }
      const merged: InboxItem[] = [...list];
      while (existing.length) merged.push(existing.shift()!);
      merged.sort((a, b) => a.seq - b.seq);
      for (const item of merged) existing.push(item);
      for (const item of list) this.known.add(item.seq);
    }
  }

  /** Makes a conversation eligible to run now or after `notBefore`. */
  private schedule(conversation: string, notBefore: number): void {
    const delay = notBefore - this.now();
    if (delay <= 0) {
      this.ready.push(conversation);
      return;
    }
    const timer = setTimeout(() => {
      this.waiting.delete(conversation);
      this.ready.push(conversation);
      this.pump();
    }, delay);
    timer.unref();
    this.waiting.set(conversation, timer);
  }

  private pump(): void {
    while (this.running && this.inFlight.size < this.options.concurrency && this.ready.length) {
      const conversation = this.ready.shift()!;
      const item = this.queues.get(conversation)?.peek();
      if (!item || this.active.has(conversation)) continue;
      this.active.add(conversation);
      const run = this.handle(item).finally(() => {
        this.inFlight.delete(run);
        this.active.delete(conversation);
        this.pump();
        if (this.isIdle()) this.resolveIdle();
      });
      this.inFlight.add(run);
    }
  }

  private async handle(item: InboxItem): Promise<void> {
    const { store, handlers, retryDelaysMs, log } = this.options;
    const progress: InboxProgress = {
      recordProgress: async (sentCount) => {
        item.sentCount = sentCount;
        await store.recordProgress(item.seq, sentCount);
      },
      rememberTurn: async (turnId) => {
        item.turnId = turnId;
        await store.rememberTurn(item.seq, turnId);
      },
    };
    let outcome: 'done' | 'failed' | 'postponed';
    try {
      const handler = handlers[item.channel];
      if (!handler) throw new AppError('invalid_config', `Không có bộ xử lý cho kênh ${item.channel}.`, { reason: 'no_handler' });
      await handler(item, progress);
      await store.finish(item.seq, { status: 'done' });
      outcome = 'done';
    } catch (err) {
      outcome = await this.recordFailure(item, err, retryDelaysMs, log).catch((storeErr: Error) => {
        // The store itself failed: keep the item queued in memory and try again shortly.
        log.warn(`Hộp thư: không ghi được trạng thái tin nhắn #${item.seq} (${storeErr.message}).`);
        item.notBefore = this.now() + 1000;
        return 'postponed' as const;
      });
    }
    if (!this.running && outcome === 'postponed') return;
    const queue = this.queues.get(item.conversation)!;
    if (outcome !== 'postponed') {
      queue.shift();
      this.known.delete(item.seq);
      this.counters[outcome] += 1;
    } else this.counters.postponed += 1;
    if (queue.length === 0) this.queues.delete(item.conversation);
    else if (this.running) this.schedule(item.conversation, queue.peek()!.notBefore);
  }

  private async recordFailure(
    item: InboxItem,
    err: unknown,
    retryDelaysMs: readonly number[],
    log: InboxLog,
  ): Promise<'failed' | 'postponed'> {
    const reason = describe(err);
    const delay = retryDelaysMs[item.attempts];
    if (isRetryable(err) && delay !== undefined) {
      item.attempts += 1;
      item.notBefore = this.now() + delay;
      await this.options.store.postpone(item.seq, item.notBefore, reason);
      log.warn(`Hộp thư: tin nhắn #${item.seq} (${item.channel}) chưa gửi được (${reason}), thử lại sau ${Math.round(delay / 1000)} giây.`);
      return 'postponed';
    }
    await this.options.store.finish(item.seq, { status: 'failed', error: reason });
    log.warn(`Hộp thư: bỏ tin nhắn #${item.seq} (${item.channel}) sau ${item.attempts + 1} lần thử: ${reason}.`);
    return 'failed';
  }

  private resolveIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
