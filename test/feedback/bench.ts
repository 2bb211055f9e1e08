/**
 * Feedback module benchmark (not a test): prints tables of redaction throughput, turn recording on SQLite
 * and PostgreSQL, report building and clustering. Run: npx tsx test/feedback/bench.ts [turns]
 * PostgreSQL: DATABASE_URL or postgres://postgres@127.0.0.1:5432/test, in a throw-away schema.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactPii } from '../../src/privacy/redact.js';
import { StoreTurnRecorder } from '../../src/feedback/recorder.js';
import { SqliteTurnLogStore } from '../../src/feedback/store-sqlite.js';
import { PostgresTurnLogStore } from '../../src/feedback/store-postgres.js';
import { ReportService } from '../../src/feedback/reports.js';
import { clusterTurns } from '../../src/feedback/clustering.js';
import { HashingEmbeddings } from '../../src/knowledge/embeddings/hashing.js';
import type { TurnLogStore } from '../../src/feedback/store.js';
import type { TurnInput } from '../../src/feedback/turn-types.js';

const TURNS = Number(process.argv[2] ?? 20_000);
const PG_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const SAMPLES = [
  'cho em hỏi cách kích hoạt vneid mức 2 ạ',
  'CCCD 001099012345, sđt 0912 345 678 không nhận được OTP',
  'lệ phí cấp đổi căn cước là 50.000đ phải không, hotline 1900 0368',
  'nhà tôi ở số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm muốn đăng ký tạm trú',
  'stk 0011001234567 Vietcombank chuyển khoản học phí được không',
  'đăng ký nghĩa vụ quân sự online ở đâu',
  'rút tiền mặt từ ví MoMo',
  'xin giấy phép xây dựng nhà ở nông thôn',
];

function table(title: string, rows: Array<Record<string, string | number>>): void {
  console.log(`\n${title}`);
  console.table(rows);
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

function turn(i: number): TurnInput {
  const r = (i * 2654435761) >>> 0;
  const status = r % 10 < 6 ? 'answered' : r % 10 < 9 ? 'uncovered' : 'smalltalk';
  return {
    channel: r % 3 ? 'zalo' : 'messenger',
    platformUserId: String(1_000_000 + (r % 5000)),
    communeCode: String(26700 + (r % 40)),
    text: SAMPLES[r % SAMPLES.length]!,
    status,
    topic: status === 'answered' ? 'vneid-dang-ky-muc-2' : null,
    indicator: ['ty-le-kich-hoat-dinh-danh-dien-tu', 'ty-le-ho-so-truc-tuyen-25-tthc', 'ty-le-thanh-toan-truc-tuyen', null][r % 4] ?? null,
    confidence: (r % 1000) / 1000,
    candidates: [{ topic: 'vneid-dang-ky-muc-2', score: 0.5 }],
    at: new Date(Date.UTC(2025, 0, 1) + (r % (90 * 86_400_000))),
  };
}

async function benchStore(name: string, store: TurnLogStore): Promise<Record<string, string | number>> {
  const recorder = new StoreTurnRecorder({ store, userKeySecret: 'b'.repeat(32), timeZone: 'Asia/Ho_Chi_Minh', log: { warn: console.warn } });
  const [, insertMs] = await timeAsync(async () => {
    for (let i = 0; i < TURNS; i++) await recorder.record(turn(i));
  });
  const reports = new ReportService({ store, indicatorTitle: (id) => id, cluster: async () => [] });
  const [, reportMs] = await timeAsync(() => reports.build({ by: 'indicator', period: 'day', from: '2025-01-01', to: '2025-03-31' }));
  const [, communeMs] = await timeAsync(() => reports.build({ by: 'commune', period: 'week', from: '2025-01-01', to: '2025-03-31' }));
  const [, queueMs] = await timeAsync(() => store.listTurns({ needsTriage: true, triageState: 'open', limit: 2000 }));
  return {
    backend: name,
    turns: TURNS,
    'record/s': Math.round((TURNS * 1000) / insertMs),
    'report by indicator×day (ms)': Math.round(reportMs),
    'report by commune×week (ms)': Math.round(communeMs),
    'triage window 2,000 (ms)': Math.round(queueMs),
  };
}

async function main(): Promise<void> {
  const corpus = Array.from({ length: 20_000 }, (_v, i) => SAMPLES[i % SAMPLES.length]!);
  const [, redactMs] = time(() => corpus.forEach((t) => redactPii(t)));
  table('Redaction', [{ messages: corpus.length, 'messages/s': Math.round((corpus.length * 1000) / redactMs), 'µs/message': Math.round((redactMs * 1000) / corpus.length) }]);

  const rows: Array<Record<string, string | number>> = [];
  const dir = mkdtempSync(join(tmpdir(), 'bench-feedback-'));
  const sqlite = new SqliteTurnLogStore(join(dir, 'feedback.sqlite'));
  await sqlite.migrate();
  rows.push(await benchStore('sqlite', sqlite));
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });

  const pg = new PostgresTurnLogStore({ url: PG_URL, schema: `bench_feedback_${process.pid}` });
  try {
    await pg.migrate();
    rows.push(await benchStore('postgres', pg));
  } finally {
    await pg.dropSchema().catch(() => undefined);
    await pg.close();
  }
  table('Turn log (sequential record() calls, then reads)', rows);

  const clusterRows: Array<Record<string, string | number>> = [];
  for (const n of [200, 1000, 2000]) {
    const texts = Array.from({ length: n }, (_v, i) => `${SAMPLES[i % SAMPLES.length]} ${['ạ', 'với', 'nhé', 'không', 'thế nào'][i % 5]} ${i}`);
    const embedder = new HashingEmbeddings({ dimensions: 512 });
    embedder.fit(texts);
    const turns = texts.map((text, i) => ({ id: `t${i}`, text, at: new Date(i), commune: null, indicator: null, status: 'uncovered', vote: null }));
    const [clusters, ms] = await timeAsync(() =>
      clusterTurns(turns, (t) => embedder.embedDocuments(t), { nearest: async () => null, indicatorOf: () => null }, { similarity: 0.5, labelMinScore: 0.5 }),
    );
    clusterRows.push({ 'distinct questions': n, clusters: clusters.length, 'ms (hashing 512-d, labelling stubbed)': Math.round(ms) });
  }
  table('Clustering', clusterRows);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
