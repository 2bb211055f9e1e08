/**
 * Report arithmetic on a seeded dataset of 1,200 turns over five communes, four indicators and four weeks,
 * on both backends. Expected figures are computed here independently (plain loops over the seed, the
 * Vietnamese day cut done by adding 7 hours), never with the code under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTurnLogStore } from '../../src/feedback/store-sqlite.js';
import type { NewTurnRow, TurnLogStore, TurnRow } from '../../src/feedback/store.js';
import { ReportService, type Report } from '../../src/feedback/reports.js';
import { csvCell, reportToCsv } from '../../src/feedback/csv.js';
import type { Cluster } from '../../src/feedback/clustering.js';
import { foldSearchText } from '../../src/feedback/recorder.js';
import { assertPostgresReachable, openPostgresStore, uniqueSchema } from './postgres-harness.js';
import type { PostgresTurnLogStore } from '../../src/feedback/store-postgres.js';

const COMMUNES = ['26734', '26737', '26740', '26743', null] as const;
const INDICATORS = [
  'ty-le-kich-hoat-dinh-danh-dien-tu',
  'ty-le-ho-so-truc-tuyen-25-tthc',
  'ty-le-chi-tra-an-sinh-khong-tien-mat',
  'ty-le-thanh-toan-truc-tuyen',
  null,
] as const;
const TITLES: Record<string, string> = {
  'ty-le-kich-hoat-dinh-danh-dien-tu': 'Tỷ lệ công dân được cấp và kích hoạt tài khoản định danh điện tử (mức 2)',
  'ty-le-ho-so-truc-tuyen-25-tthc': 'Tỷ lệ hồ sơ nộp trực tuyến của nhóm 25 thủ tục',
  'ty-le-chi-tra-an-sinh-khong-tien-mat': 'Tỷ lệ chi trả an sinh xã hội không dùng tiền mặt',
  'ty-le-thanh-toan-truc-tuyen': 'Tỷ lệ thanh toán trực tuyến phí, lệ phí',
};
const UNCOVERED_TEXTS = [
  'rút tiền trợ cấp qua ví điện tử',
  'đăng ký nghĩa vụ quân sự online',
  '=HYPERLINK("http://x") xin giấy phép xây dựng',
  'cấp lại giấy chứng nhận độc thân',
];
const FROM = '2025-02-17';
const TO = '2025-03-16';
const GAP_DAY = '2025-03-02';
const TURN_COUNT = 1200;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ (t + t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The local (UTC+7) calendar of an instant, computed without Intl. */
function vnDay(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}
function monday(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

interface Seeded extends NewTurnRow {
  vote: 'up' | 'down' | null;
}

function seed(): Seeded[] {
  const rnd = mulberry32(20250317);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const start = Date.parse(`${FROM}T00:00:00+07:00`);
  const span = Date.parse(`${TO}T23:59:59+07:00`) - start;
  const out: Seeded[] = [];
  while (out.length < TURN_COUNT) {
    const at = new Date(start + Math.floor(rnd() * span));
    if (vnDay(at) === GAP_DAY) continue;
    const r = rnd();
    const status = r < 0.62 ? 'answered' : r < 0.9 ? 'uncovered' : 'smalltalk';
    const indicator = status === 'smalltalk' ? null : pick(INDICATORS);
    const text = status === 'uncovered' ? pick(UNCOVERED_TEXTS) : status === 'answered' ? 'kích hoạt VNeID mức 2' : 'chào bạn';
    const v = rnd();
    const vote = v < 0.12 ? 'down' : v < 0.3 ? 'up' : null;
    const day = vnDay(at);
    out.push({
      id: `seed-${out.length.toString().padStart(4, '0')}`,
      at,
      day,
      week: monday(day),
      month: day.slice(0, 7),
      channel: rnd() < 0.7 ? 'zalo' : 'messenger',
      userKey: `user-${Math.floor(rnd() * 300)}`,
      commune: pick(COMMUNES),
      text,
      searchText: foldSearchText(text),
      status,
      topic: status === 'answered' ? 'vneid-dang-ky-muc-2' : null,
      indicator,
      confidence: Math.round(rnd() * 1000) / 1000,
      candidates: [],
      forwarded: false,
      vote,
    });
  }
  return out;
}

const SEEDED = seed();

interface Expected {
  questions: number; answered: number; uncovered: number; smalltalk: number; downvotes: number; upvotes: number; users: Set<string>;
}
function tally(turns: readonly Seeded[]): Expected {
  const e: Expected = { questions: 0, answered: 0, uncovered: 0, smalltalk: 0, downvotes: 0, upvotes: 0, users: new Set() };
  for (const t of turns) {
    if (t.status === 'answered') e.answered++;
    if (t.status === 'uncovered') e.uncovered++;
    if (t.status === 'smalltalk') e.smalltalk++;
    if (t.vote === 'down') e.downvotes++;
    if (t.vote === 'up') e.upvotes++;
    e.users.add(t.userKey);
  }
  e.questions = e.answered + e.uncovered;
  return e;
}
const pct1 = (a: number, b: number) => (b ? Math.round((1000 * a) / b) / 10 : null);

/** A deterministic stand-in for clustering: one cluster per distinct text. */
async function clusterByText(turns: readonly TurnRow[]): Promise<Cluster[]> {
  const byText = new Map<string, TurnRow[]>();
  for (const t of turns) byText.set(t.text, [...(byText.get(t.text) ?? []), t]);
  return [...byText.entries()].map(([text, members], i) => ({
    id: `c${i}`, size: members.length, turnIds: members.map((m) => m.id), representative: text, examples: [text],
    questions: [{ text, turnIds: members.map((m) => m.id) }], indicator: null, indicatorLabel: 'chưa phân loại',
    nearestTopic: null, uncovered: members.length, downvotes: 0, communes: [], firstAt: '', lastAt: '',
  }));
}

async function insertAll(store: TurnLogStore): Promise<void> {
  for (const t of SEEDED) {
    const { vote, ...row } = t;
    await store.insertTurn(row);
    if (vote) await store.setVote(row.id, vote, row.at);
  }
}

const backends: Array<[string, () => Promise<{ store: TurnLogStore; destroy: () => Promise<void> }>]> = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'reports-'));
      const store = new SqliteTurnLogStore(join(dir, 'feedback.sqlite'));
      await store.migrate();
      return { store, destroy: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
    },
  ],
  [
    'postgres',
    async () => {
      await assertPostgresReachable();
      const store: PostgresTurnLogStore = await openPostgresStore(uniqueSchema('test_reports'));
      return { store, destroy: async () => (await store.dropSchema(), await store.close()) };
    },
  ],
];

describe.each(backends)('reports on %s', (_name, open) => {
  let store: TurnLogStore;
  let destroy: () => Promise<void>;
  let reports: ReportService;

  beforeAll(async () => {
    ({ store, destroy } = await open());
    await insertAll(store);
    reports = new ReportService({ store, indicatorTitle: (id) => TITLES[id], cluster: clusterByText, now: () => new Date('2025-03-17T00:00:00Z') });
  });
  afterAll(async () => destroy());

  it('seeds at least 1,000 turns over several communes and indicators', () => {
    expect(SEEDED.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(SEEDED.map((t) => t.commune)).size).toBe(COMMUNES.length);
    expect(new Set(SEEDED.map((t) => t.indicator)).size).toBe(INDICATORS.length);
  });

  it('adds up totals, daily series (with empty days) and per-indicator groups', async () => {
    const report = await reports.build({ by: 'indicator', period: 'day', from: FROM, to: TO });
    const all = tally(SEEDED);
    expect(report.totals).toEqual({
      questions: all.questions, answered: all.answered, answeredPct: pct1(all.answered, all.questions), uncovered: all.uncovered,
      downvotes: all.downvotes, upvotes: all.upvotes, smalltalk: all.smalltalk,
    });
    expect(report.series).toHaveLength(28);
    expect(report.series.find((s) => s.bucket === GAP_DAY)).toMatchObject({ questions: 0, answeredPct: null });
    for (const s of report.series) {
      const e = tally(SEEDED.filter((t) => t.day === s.bucket));
      expect([s.bucket, s.questions, s.answered, s.uncovered, s.downvotes]).toEqual([s.bucket, e.questions, e.answered, e.uncovered, e.downvotes]);
    }

    expect(report.groups.map((g) => g.key).sort()).toEqual([...INDICATORS.filter(Boolean), 'chua-phan-loai'].sort());
    for (const g of report.groups) {
      const members = SEEDED.filter((t) => (t.indicator ?? 'chua-phan-loai') === g.key);
      const e = tally(members);
      expect(g).toMatchObject({
        questions: e.questions, answered: e.answered, uncovered: e.uncovered, downvotes: e.downvotes,
        smalltalk: e.smalltalk, users: e.users.size, answeredPct: pct1(e.answered, e.questions),
      });
      expect(g.label).toBe(g.key === 'chua-phan-loai' ? 'chưa phân loại' : TITLES[g.key]);
      // Trend: second 14 days against the first 14 days.
      const firstHalf = tally(members.filter((t) => t.day < '2025-03-03'));
      const secondHalf = tally(members.filter((t) => t.day >= '2025-03-03'));
      const a = pct1(firstHalf.answered, firstHalf.questions);
      const b = pct1(secondHalf.answered, secondHalf.questions);
      expect(g.trend.answeredPctChange).toBe(a !== null && b !== null ? Math.round((b - a) * 10) / 10 : null);
      expect(g.trend.questionsChange).toBe(secondHalf.questions - firstHalf.questions);
      expect(g.trend.series).toHaveLength(28);
      // Top uncovered clusters: counts of the group's uncovered or 👎 turns per text, largest first.
      const counts = new Map<string, number>();
      for (const t of members) if (t.status === 'uncovered' || t.vote === 'down') counts.set(t.text, (counts.get(t.text) ?? 0) + 1);
      const expectedTop = [...counts.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).slice(0, 3);
      expect(g.topUncoveredClusters.map((c) => [c.representative, c.size])).toEqual(expectedTop);
    }
    expect(report.groups.map((g) => g.questions)).toEqual([...report.groups.map((g) => g.questions)].sort((x, y) => y - x));
  });

  it('adds up weekly and monthly rows per commune', async () => {
    const weekly = await reports.build({ by: 'commune', period: 'week', from: FROM, to: TO });
    expect(weekly.series.map((s) => s.bucket)).toEqual(['2025-02-17', '2025-02-24', '2025-03-03', '2025-03-10']);
    for (const row of weekly.rows) {
      const e = tally(SEEDED.filter((t) => (t.commune ?? 'chua-ro') === row.key && t.week === row.bucket));
      expect([row.key, row.bucket, row.questions, row.answered, row.uncovered, row.downvotes, row.users, row.answeredPct]).toEqual([
        row.key, row.bucket, e.questions, e.answered, e.uncovered, e.downvotes, e.users.size, pct1(e.answered, e.questions),
      ]);
    }
    expect(weekly.rows).toHaveLength(COMMUNES.length * 4);
    expect(weekly.groups.find((g) => g.key === 'chua-ro')?.label).toBe('chưa rõ xã/phường');

    const monthly = await reports.build({ by: 'commune', period: 'month', from: FROM, to: TO });
    expect(monthly.series.map((s) => s.bucket)).toEqual(['2025-02', '2025-03']);
    const feb = tally(SEEDED.filter((t) => t.commune === '26734' && t.month === '2025-02'));
    expect(monthly.rows.find((r) => r.key === '26734' && r.bucket === '2025-02')).toMatchObject({ questions: feb.questions, users: feb.users.size });
  });

  it('crosses indicator and commune with a filter, and narrows the date range', async () => {
    const ind = 'ty-le-ho-so-truc-tuyen-25-tthc';
    const report = await reports.build({ by: 'commune', period: 'day', from: '2025-03-03', to: '2025-03-09', indicator: ind });
    const subset = SEEDED.filter((t) => t.indicator === ind && t.day >= '2025-03-03' && t.day <= '2025-03-09');
    expect(report.totals.questions).toBe(tally(subset).questions);
    for (const g of report.groups) {
      expect(g.questions).toBe(tally(subset.filter((t) => (t.commune ?? 'chua-ro') === g.key)).questions);
    }
    expect(report.series).toHaveLength(7);
  });

  it('exports the same figures as CSV with a BOM, Vietnamese intact and formulas neutralised', async () => {
    const report: Report = await reports.build({ by: 'indicator', period: 'week', from: FROM, to: TO });
    const csv = reportToCsv(report);
    expect(csv.startsWith('\uFEFFMã chỉ số,Chỉ số,Kỳ,Số câu hỏi,Trả lời được,Tỷ lệ trả lời được (%)')).toBe(true);
    const lines = csv.slice(1).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(1 + report.rows.length + report.groups.length);
    const total = report.groups.find((g) => g.key === 'ty-le-kich-hoat-dinh-danh-dien-tu')!;
    const line = lines.find((l) => l.startsWith('ty-le-kich-hoat-dinh-danh-dien-tu,') && l.includes(',Cả kỳ,'))!;
    expect(line).toContain(`,${total.questions},${total.answered},${total.answeredPct},${total.uncovered},${total.downvotes},`);
    expect(line).toContain('Tỷ lệ công dân được cấp và kích hoạt tài khoản định danh điện tử (mức 2)');
    expect(csv).toContain('=HYPERLINK(""http://x"") xin giấy phép xây dựng (');
    expect(csv).not.toMatch(/(^|,)"?[=+@]/m);
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+84 hỏi')).toBe("'+84 hỏi");
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell('Hà Nội, Việt Nam')).toBe('"Hà Nội, Việt Nam"');
  });
});
