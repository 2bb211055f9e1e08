import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteTurnLogStore } from '../../src/feedback/store-sqlite.js';
import { FeedbackScheduler, backoffMs } from '../../src/feedback/scheduler.js';
import { ReportService } from '../../src/feedback/reports.js';
import { makeTurn } from './store-suite.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const SECRET = 'webhook-secret-0123456789';

describe('FeedbackScheduler', () => {
  let server: Server;
  let url: string;
  let received: Received[];
  let statuses: number[];
  let store: SqliteTurnLogStore;
  let now: Date;
  let logs: string[];
  let scheduler: FeedbackScheduler;

  beforeEach(async () => {
    received = [];
    statuses = [];
    logs = [];
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        res.statusCode = statuses.shift() ?? 200;
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/feedback?tinh=1`;
    store = new SqliteTurnLogStore(':memory:');
    await store.migrate();
    const reports = new ReportService({ store, indicatorTitle: () => 'Chỉ số kích hoạt định danh', cluster: async () => [] });
    scheduler = new FeedbackScheduler({
      store,
      timeZone: 'Asia/Ho_Chi_Minh',
      retentionDays: 90,
      webhook: { url, secret: SECRET, hour: 7 },
      buildDailyReports: async (day) => ({
        byIndicator: await reports.build({ by: 'indicator', period: 'day', from: day, to: day }),
        byCommune: await reports.build({ by: 'commune', period: 'day', from: day, to: day }),
      }),
      log: { info: (l) => logs.push(l), warn: (l) => logs.push(l) },
      now: () => now,
    });
  });
  afterEach(async () => {
    await scheduler.stop();
    await store.close();
    await new Promise((r) => server.close(r));
  });

  it('pushes yesterday\'s summary after the configured hour and retries until it is delivered', async () => {
    await store.insertTurn(makeTurn({ at: new Date('2025-03-10T02:00:00Z'), status: 'answered' }));
    await store.insertTurn(makeTurn({ at: new Date('2025-03-10T03:00:00Z'), status: 'uncovered', text: 'đăng ký nghĩa vụ quân sự' }));
    await store.insertTurn(makeTurn({ at: new Date('2025-03-09T03:00:00Z'), status: 'answered' }));

    now = new Date('2025-03-11T06:59:00+07:00');
    await scheduler.tick();
    expect(received).toHaveLength(0);
    expect(await store.getOutbox('daily-summary:2025-03-10')).toBeUndefined();

    statuses.push(503, 500);
    now = new Date('2025-03-11T07:00:30+07:00');
    await scheduler.tick();
    expect(received).toHaveLength(1);
    expect(await store.getOutbox('daily-summary:2025-03-10')).toMatchObject({ attempts: 1, lastError: 'HTTP 503', deliveredAt: null });

    await scheduler.tick(); // not due yet
    expect(received).toHaveLength(1);
    now = new Date(now.getTime() + backoffMs(1));
    await scheduler.tick();
    expect(received).toHaveLength(2);
    now = new Date(now.getTime() + backoffMs(2) - 1000);
    await scheduler.tick();
    expect(received).toHaveLength(2);
    now = new Date(now.getTime() + 1000);
    await scheduler.tick();
    expect(received).toHaveLength(3);
    const item = await store.getOutbox('daily-summary:2025-03-10');
    expect(item).toMatchObject({ attempts: 3, lastError: null });
    expect(item?.deliveredAt?.toISOString()).toBe(now.toISOString());

    await scheduler.tick();
    expect(received).toHaveLength(3);

    const [first] = received;
    expect(received.every((r) => r.body === first!.body)).toBe(true);
    expect(first).toMatchObject({ method: 'POST', url: '/hooks/feedback?tinh=1' });
    expect(first!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first!.headers['idempotency-key']).toBe('daily-summary:2025-03-10');
    expect(first!.headers['x-signature-256']).toBe(`sha256=${createHmac('sha256', SECRET).update(first!.body).digest('hex')}`);
    const payload = JSON.parse(first!.body);
    expect(payload).toMatchObject({
      type: 'daily_summary',
      title: 'Tổng hợp câu hỏi của người dân ngày 2025-03-10',
      date: '2025-03-10',
      timeZone: 'Asia/Ho_Chi_Minh',
      totals: { questions: 2, answered: 1, uncovered: 1, answeredPct: 50 },
    });
    expect(payload.byIndicator[0]).toMatchObject({ key: 'ty-le-kich-hoat-dinh-danh-dien-tu', label: 'Chỉ số kích hoạt định danh', questions: 2 });
    expect(payload.byCommune[0]).toMatchObject({ key: '00001', questions: 2 });
    expect(logs.filter((l) => l.includes('thất bại'))).toHaveLength(2);

    // The next day enqueues the next summary.
    now = new Date('2025-03-12T08:00:00+07:00');
    await scheduler.tick();
    expect(received).toHaveLength(4);
    expect(JSON.parse(received[3]!.body).date).toBe('2025-03-11');
  });

  it('keeps retrying when the receiver is unreachable, with capped exponential back-off', async () => {
    await new Promise((r) => server.close(r));
    now = new Date('2025-03-11T09:00:00+07:00');
    await scheduler.tick();
    const item = await store.getOutbox('daily-summary:2025-03-10');
    expect(item?.attempts).toBe(1);
    expect(item?.deliveredAt).toBeNull();
    expect(item?.lastError).toBeTruthy();
    expect(item?.nextAttemptAt.getTime()).toBe(now.getTime() + 30_000);
    expect([1, 2, 3, 8, 20].map(backoffMs)).toEqual([30_000, 60_000, 120_000, 3_600_000, 3_600_000]);
    server = createServer((_q, s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });

  it('deletes turns older than the retention period', async () => {
    now = new Date('2025-06-01T00:00:00Z');
    const old = makeTurn({ at: new Date('2025-02-01T00:00:00Z') });
    const recent = makeTurn({ at: new Date('2025-05-01T00:00:00Z') });
    await store.insertTurn(old);
    await store.insertTurn(recent);
    await scheduler.tick();
    expect(await store.getTurn(old.id)).toBeUndefined();
    expect(await store.getTurn(recent.id)).toBeDefined();
    expect(logs).toContain('Đã xoá 1 lượt hỏi cũ hơn 90 ngày.');
  });
});
