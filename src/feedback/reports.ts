/**
 * Reports by indicator or by commune, per day, week or month: questions, answered share, uncovered, 👎,
 * top uncovered clusters and the trend. "Questions" are answered + uncovered turns; small talk is counted
 * apart because a greeting is not a question about a service.
 */
import { bucketRange, type Period } from './calendar.js';
import { UNCLASSIFIED_LABEL, type Cluster } from './clustering.js';
import type { AggregateRow, ReportDimension, TurnLogStore, TurnRow } from './store.js';

export const UNCLASSIFIED_INDICATOR_KEY = 'chua-phan-loai';
export const UNKNOWN_COMMUNE_KEY = 'chua-ro';
export const UNKNOWN_COMMUNE_LABEL = 'chưa rõ xã/phường';
const TOP_CLUSTERS = 3;
const CLUSTER_WINDOW = 5000;

export interface Counts {
  questions: number;
  answered: number;
  /** Percentage of questions answered, one decimal; null when there were no questions. */
  answeredPct: number | null;
  uncovered: number;
  downvotes: number;
  upvotes: number;
  smalltalk: number;
}

export interface ReportRow extends Counts {
  key: string;
  label: string;
  bucket: string;
  users: number;
}

export interface Trend {
  series: Array<{ bucket: string; questions: number; answeredPct: number | null }>;
  /** Answered % of the second half of the range minus the first half, in percentage points. */
  answeredPctChange: number | null;
  /** Questions in the second half of the range minus the first half. */
  questionsChange: number;
}

export interface ReportGroup extends Counts {
  key: string;
  label: string;
  users: number;
  trend: Trend;
  topUncoveredClusters: Array<{ id: string; representative: string; size: number; indicatorLabel: string }>;
}

export interface Report {
  by: ReportDimension;
  period: Period;
  from: string;
  to: string;
  generatedAt: string;
  totals: Counts;
  series: Array<Counts & { bucket: string }>;
  groups: ReportGroup[];
  rows: ReportRow[];
}

export interface ReportQuery {
  by: ReportDimension;
  period: Period;
  from: string;
  to: string;
  indicator?: string;
  commune?: string;
}

export interface ReportDeps {
  store: TurnLogStore;
  indicatorTitle(id: string): string | undefined;
  cluster(turns: readonly TurnRow[]): Promise<Cluster[]>;
  now?: () => Date;
}

export function pct(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((1000 * part) / whole) / 10 : null;
}

function emptyCounts(): Counts {
  return { questions: 0, answered: 0, answeredPct: null, uncovered: 0, downvotes: 0, upvotes: 0, smalltalk: 0 };
}

function addCounts(into: Counts, r: Pick<AggregateRow, 'answered' | 'uncovered' | 'downvotes' | 'upvotes' | 'smalltalk'>): void {
  into.answered += r.answered;
  into.uncovered += r.uncovered;
  into.questions = into.answered + into.uncovered;
  into.downvotes += r.downvotes;
  into.upvotes += r.upvotes;
  into.smalltalk += r.smalltalk;
  into.answeredPct = pct(into.answered, into.questions);
}

function keyOf(by: ReportDimension, raw: string | null): string {
  return raw ?? (by === 'indicator' ? UNCLASSIFIED_INDICATOR_KEY : UNKNOWN_COMMUNE_KEY);
}

function trendOf(series: Trend['series'], byBucket: Map<string, Counts>): Trend {
  const half = Math.floor(series.length / 2);
  const first = emptyCounts();
  const second = emptyCounts();
  series.forEach((s, i) => {
    const c = byBucket.get(s.bucket);
    if (!c) return;
    if (i < half) addCounts(first, c);
    else if (i >= series.length - half) addCounts(second, c);
  });
  const change =
    first.answeredPct !== null && second.answeredPct !== null
      ? Math.round((second.answeredPct - first.answeredPct) * 10) / 10
      : null;
  return { series, answeredPctChange: half > 0 ? change : null, questionsChange: second.questions - first.questions };
}

export class ReportService {
  constructor(private readonly deps: ReportDeps) {}

  labelOf(by: ReportDimension, key: string): string {
    if (by === 'indicator') return key === UNCLASSIFIED_INDICATOR_KEY ? UNCLASSIFIED_LABEL : this.deps.indicatorTitle(key) ?? key;
    return key === UNKNOWN_COMMUNE_KEY ? UNKNOWN_COMMUNE_LABEL : key;
  }

  async build(q: ReportQuery): Promise<Report> {
    const base = { by: q.by, fromDay: q.from, toDay: q.to, indicator: q.indicator, commune: q.commune };
    const [perBucket, perKey, triageTurns] = await Promise.all([
      this.deps.store.aggregate({ ...base, period: q.period }),
      this.deps.store.aggregate({ ...base, period: 'total' }),
      this.deps.store.listTurns({
        needsTriage: true, fromDay: q.from, toDay: q.to, indicator: q.indicator, commune: q.commune, limit: CLUSTER_WINDOW,
      }),
    ]);
    const buckets = bucketRange(q.from, q.to, q.period);

    const rows: ReportRow[] = perBucket.map((r) => {
      const key = keyOf(q.by, r.key);
      const c = emptyCounts();
      addCounts(c, r);
      return { key, label: this.labelOf(q.by, key), bucket: r.bucket, users: r.users, ...c };
    });

    const totals = emptyCounts();
    const seriesByBucket = new Map<string, Counts>(buckets.map((b) => [b, emptyCounts()]));
    for (const r of perBucket) {
      addCounts(totals, r);
      const c = seriesByBucket.get(r.bucket);
      if (c) addCounts(c, r);
    }

    const clusters = await this.deps.cluster(triageTurns);
    const turnKey = new Map(triageTurns.map((t) => [t.id, keyOf(q.by, q.by === 'indicator' ? t.indicator : t.commune)]));

    const groups: ReportGroup[] = perKey.map((total) => {
      const key = keyOf(q.by, total.key);
      const counts = emptyCounts();
      addCounts(counts, total);
      const byBucket = new Map<string, Counts>();
      for (const r of rows) if (r.key === key) byBucket.set(r.bucket, r);
      const series = buckets.map((bucket) => {
        const c = byBucket.get(bucket);
        return { bucket, questions: c?.questions ?? 0, answeredPct: c?.answeredPct ?? null };
      });
      const top = clusters
        .map((c) => ({ c, size: c.turnIds.filter((id) => turnKey.get(id) === key).length }))
        .filter((x) => x.size > 0)
        .sort((a, b) => b.size - a.size || a.c.representative.localeCompare(b.c.representative))
        .slice(0, TOP_CLUSTERS)
        .map(({ c, size }) => ({ id: c.id, representative: c.representative, size, indicatorLabel: c.indicatorLabel }));
      return { key, label: this.labelOf(q.by, key), users: total.users, ...counts, trend: trendOf(series, byBucket), topUncoveredClusters: top };
    });
    groups.sort((a, b) => b.questions - a.questions || a.key.localeCompare(b.key));

    return {
      by: q.by,
      period: q.period,
      from: q.from,
      to: q.to,
      generatedAt: (this.deps.now?.() ?? new Date()).toISOString(),
      totals,
      series: buckets.map((bucket) => ({ bucket, ...(seriesByBucket.get(bucket) ?? emptyCounts()) })),
      groups,
      rows,
    };
  }
}
