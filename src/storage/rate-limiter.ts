/**
 * Per-user and per-channel message rate limits over a sliding window (a log of the accepted messages of the
 * last `windowMs`). Over a limit, the first message gets `notify` (the channel sends one polite reply) and
 * the following ones in that window `drop`. A message counted once is never counted again (a retried or
 * resumed turn), and a retried notified message is notified again rather than dropped.
 * Backends: in-memory (one process, the default) and Redis (limits shared by every instance).
 */

export type RateDecision = 'allow' | 'notify' | 'drop';

export interface RateLimits {
  /** Messages per user per window; 0 = unlimited. */
  perUser: number;
  /** Messages per channel per window (all users together); 0 = unlimited. */
  perChannel: number;
  windowMs: number;
}

export interface RateLimiter {
  /** Counts message `messageId` of `user` on `channel`, unless it was counted already. */
  hit(channel: string, user: string, messageId: string): Promise<RateDecision>;
}

interface UserWindow {
  /** Accepted message ids and when they were accepted, oldest first. */
  accepted: Array<{ id: string; at: number }>;
  notice: { id: string; until: number } | null;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly users = new Map<string, UserWindow>();
  private readonly channels = new Map<string, number[]>();
  private hits = 0;

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(channel: string, user: string, messageId: string): Promise<RateDecision> {
    const { perUser, perChannel, windowMs } = this.limits;
    const now = this.now();
    const since = now - windowMs;
    if ((this.hits = (this.hits + 1) % 10_000) === 0) this.forgetIdle(since);
    const key = `${channel}\u0000${user}`;
    const w = this.users.get(key) ?? { accepted: [], notice: null };
    this.users.set(key, w);
    while (w.accepted.length && w.accepted[0]!.at <= since) w.accepted.shift();
    if (w.accepted.some((a) => a.id === messageId)) return 'allow';
    const log = this.channels.get(channel) ?? [];
    this.channels.set(channel, log);
    let expired = 0;
    while (expired < log.length && log[expired]! <= since) expired += 1;
    if (expired) log.splice(0, expired);
    const over = (perUser > 0 && w.accepted.length >= perUser) || (perChannel > 0 && log.length >= perChannel);
    if (over) {
      if (!w.notice || w.notice.until <= now) {
        w.notice = { id: messageId, until: now + windowMs };
        return 'notify';
      }
      return w.notice.id === messageId ? 'notify' : 'drop';
    }
    w.accepted.push({ id: messageId, at: now });
    if (perChannel > 0) log.push(now);
    return 'allow';
  }

  private forgetIdle(since: number): void {
    for (const [key, w] of this.users) {
      const last = w.accepted[w.accepted.length - 1];
      if ((!last || last.at <= since) && (!w.notice || w.notice.until <= since)) this.users.delete(key);
    }
  }
}
