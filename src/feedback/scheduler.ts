/**
 * Background duties of the feedback module, run once a minute:
 *  - after FEEDBACK_WEBHOOK_HOUR (local time) the previous day's summary is put in the durable outbox, once;
 *  - every due outbox item is POSTed to FEEDBACK_WEBHOOK_URL and retried with exponential back-off (30 s
 *    doubling up to 1 h) until the receiver answers 2xx; the outbox lives in the turn log database, so a
 *    restart resumes where it stopped;
 *  - turns older than RETENTION_DAYS are deleted every six hours.
 */
import { createHmac } from 'node:crypto';
import { addDays, localDay } from './calendar.js';
import type { OutboxItem, TurnLogStore } from './store.js';
import type { Report } from './reports.js';

export const DAILY_SUMMARY_KEY_PREFIX = 'daily-summary:';
const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 3_600_000;
const PURGE_EVERY_MS = 6 * 3_600_000;
const DELIVERY_TIMEOUT_MS = 10_000;
const DELIVERIES_PER_TICK = 10;

export interface SchedulerDeps {
  store: TurnLogStore;
  timeZone: string;
  retentionDays: number;
  webhook?: { url: string; secret?: string; hour: number };
  buildDailyReports(day: string): Promise<{ byIndicator: Report; byCommune: Report }>;
  log: { info(line: string): void; warn(line: string): void };
  now?: () => Date;
  fetch?: typeof fetch;
  intervalMs?: number;
}

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
}

function localHour(at: Date, timeZone: string): number {
  const h = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at);
  return Number(h);
}

export function dailySummaryPayload(day: string, timeZone: string, reports: { byIndicator: Report; byCommune: Report }, generatedAt: Date) {
  const group = (g: Report['groups'][number]) => ({
    key: g.key,
    label: g.label,
    questions: g.questions,
    answered: g.answered,
    answeredPct: g.answeredPct,
    uncovered: g.uncovered,
    downvotes: g.downvotes,
    topUncoveredClusters: g.topUncoveredClusters,
  });
  return {
    type: 'daily_summary',
    title: `Tổng hợp câu hỏi của người dân ngày ${day}`,
    date: day,
    timeZone,
    generatedAt: generatedAt.toISOString(),
    totals: reports.byIndicator.totals,
    byIndicator: reports.byIndicator.groups.map(group),
    byCommune: reports.byCommune.groups.map(group),
  };
}

export class FeedbackScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastPurgeAt = 0;

  constructor(private readonly deps: SchedulerDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  start(): void {
    if (this.timer) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass of every duty; overlapping calls share the pass in progress. */
  tick(): Promise<void> {
    if (!this.running) {
      this.running = this.runDuties().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async runDuties(): Promise<void> {
    const duties: Array<[string, () => Promise<void>]> = [
      ['xoá dữ liệu quá hạn', () => this.purgeIfDue()],
      ['tạo bản tổng hợp ngày', async () => void (await this.enqueueDailySummary())],
      ['gửi bản tổng hợp', () => this.deliverDue()],
    ];
    for (const [name, duty] of duties) {
      try {
        await duty();
      } catch (err) {
        this.deps.log.warn(`Tác vụ nền "${name}" lỗi: ${(err as Error).message}`);
      }
    }
  }

  private async purgeIfDue(): Promise<void> {
    const now = this.now();
    if (now.getTime() - this.lastPurgeAt < PURGE_EVERY_MS) return;
    this.lastPurgeAt = now.getTime();
    const cutoff = new Date(now.getTime() - this.deps.retentionDays * 86_400_000);
    const removed = await this.deps.store.purgeTurnsBefore(cutoff);
    if (removed > 0) this.deps.log.info(`Đã xoá ${removed} lượt hỏi cũ hơn ${this.deps.retentionDays} ngày.`);
  }

  /** Puts yesterday's summary in the outbox once the configured local hour has passed. */
  async enqueueDailySummary(): Promise<string | undefined> {
    const webhook = this.deps.webhook;
    if (!webhook) return undefined;
    const now = this.now();
    if (localHour(now, this.deps.timeZone) < webhook.hour) return undefined;
    const day = addDays(localDay(now, this.deps.timeZone), -1);
    const key = `${DAILY_SUMMARY_KEY_PREFIX}${day}`;
    if (await this.deps.store.getOutbox(key)) return key;
    const reports = await this.deps.buildDailyReports(day);
    const payload = JSON.stringify(dailySummaryPayload(day, this.deps.timeZone, reports, now));
    if (await this.deps.store.enqueueOutbox(key, payload, now)) this.deps.log.info(`Đã xếp hàng bản tổng hợp ngày ${day}.`);
    return key;
  }

  async deliverDue(): Promise<void> {
    const webhook = this.deps.webhook;
    if (!webhook) return;
    const due = await this.deps.store.dueOutbox(this.now(), DELIVERIES_PER_TICK);
    for (const item of due) await this.deliver(item, webhook);
  }

  private async deliver(item: OutboxItem, webhook: NonNullable<SchedulerDeps['webhook']>): Promise<void> {
    const attempts = item.attempts + 1;
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'idempotency-key': item.key,
      'user-agent': 'tro-ly-dich-vu-cong/feedback',
    };
    if (webhook.secret) headers['x-signature-256'] = `sha256=${createHmac('sha256', webhook.secret).update(item.payload).digest('hex')}`;
    let failure: string | undefined;
    try {
      const res = await (this.deps.fetch ?? fetch)(webhook.url, {
        method: 'POST',
        headers,
        body: item.payload,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) failure = `HTTP ${res.status}`;
    } catch (err) {
      failure = (err as Error).message;
    }
    const now = this.now();
    if (failure === undefined) {
      await this.deps.store.markOutboxDelivered(item.key, attempts, now);
      this.deps.log.info(`Đã gửi ${item.key} (lần ${attempts}).`);
      return;
    }
    const next = new Date(now.getTime() + backoffMs(attempts));
    await this.deps.store.markOutboxFailed(item.key, attempts, next, failure);
    this.deps.log.warn(`Gửi ${item.key} thất bại lần ${attempts} (${failure}); thử lại lúc ${next.toISOString()}.`);
  }
}
