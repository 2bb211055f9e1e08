/**
 * A conversation lock held while this process works on the conversation's items. A heartbeat extends the
 * lock and the claim of the current item every third of the lease; the lease counts as lost as soon as an
 * extension is refused, or when no extension succeeded before the lease would have run out (Redis or the
 * database unreachable). A turn checks `assertHeld()` before every platform send, and every inbox write
 * carries the fence, so a holder that lost its lease stops instead of overwriting its successor.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError } from '../errors/app-error.js';
import type { ConversationLease, ConversationLock } from '../storage/conversation-lock.js';
import type { InboxClaim, InboxStore } from '../storage/inbox-store.js';

/** The lease of a conversation was lost (expired or taken over): the turn stops and writes nothing more. */
export class LeaseLostError extends AppError {
  constructor(detail: string) {
    super('internal', `Mất quyền xử lý hội thoại (${detail}); tiến trình khác sẽ tiếp tục.`, { reason: 'lease_lost', retryable: false });
    this.name = 'LeaseLostError';
  }
}

export function isLeaseLost(err: unknown): boolean {
  return err instanceof LeaseLostError;
}

/** The lease of the inbox item whose turn is running (unset outside inbox turns, e.g. web chat). */
export const currentLease = new AsyncLocalStorage<HeldLease>();

export class HeldLease {
  readonly claim: InboxClaim;
  private lost: string | null = null;
  private validUntil: number;
  private currentSeq: number | null = null;
  private readonly timer: NodeJS.Timeout;
  private beating = false;

  constructor(
    private readonly lock: ConversationLock,
    private readonly store: InboxStore,
    readonly lease: ConversationLease,
    owner: string,
    private readonly leaseMs: number,
    private readonly now: () => number,
  ) {
    this.claim = { owner, fence: lease.fence, leaseMs };
    // A little less than the lease: the lock may have been taken a moment before this object was made.
    this.validUntil = now() + leaseMs * 0.9;
    this.timer = setInterval(() => void this.beat(), Math.max(50, Math.floor(leaseMs / 3)));
    this.timer.unref();
  }

  get fence(): number {
    return this.lease.fence;
  }

  /** The item whose claim the heartbeat extends along with the lock. */
  track(seq: number | null): void {
    this.currentSeq = seq;
  }

  isHeld(): boolean {
    return this.lost === null && this.now() < this.validUntil;
  }

  assertHeld(): void {
    if (this.lost !== null) throw new LeaseLostError(this.lost);
    if (this.now() >= this.validUntil) throw new LeaseLostError('hết hạn trước khi gia hạn được');
  }

  markLost(detail: string): void {
    this.lost ??= detail;
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.lock.release(this.lease).catch(() => undefined);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async beat(): Promise<void> {
    if (this.beating || this.lost !== null) return;
    this.beating = true;
    const startedAt = this.now();
    try {
      const seq = this.currentSeq;
      const [locked, claimed] = await Promise.all([
        this.lock.extend(this.lease, this.leaseMs),
        seq === null ? Promise.resolve(true) : this.store.extendClaim(seq, this.claim),
      ]);
      if (!locked) this.markLost('khóa hội thoại đã hết hạn');
      else if (!claimed && seq === this.currentSeq) this.markLost('tin nhắn đã được tiến trình khác nhận');
      else this.validUntil = startedAt + this.leaseMs * 0.9;
    } catch {
      // Unreachable for now: the lease stays valid until validUntil, then assertHeld() fails.
    } finally {
      this.beating = false;
    }
  }
}
