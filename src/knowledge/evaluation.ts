/** Scoring of labelled questions: the figures `npm run eval` prints and the tests check. */
import type { AskResult } from './engine.js';

export interface EvalLine {
  id?: string;
  q: string;
  expect: string;
  alt: string[];
  style: string;
}

export interface EvalOutcome {
  line: EvalLine;
  result: Pick<AskResult, 'status' | 'topic' | 'confidence' | 'candidates'>;
  correct?: boolean;
}

export interface Ratio {
  hit: number;
  total: number;
  rate: number;
}

export interface EvalReport {
  lines: number;
  inScopeTop1: Ratio;
  /** Best-ranked candidate right, whatever the decision (shows ranking apart from calibration). */
  rankingTop1: Ratio;
  rankingTop3: Ratio;
  uncoveredRecall: Ratio;
  uncoveredPrecision: Ratio;
  smalltalk: Ratio;
  byStyle: Record<string, Ratio>;
  overall: Ratio;
}

const ratio = (hit: number, total: number): Ratio => ({ hit, total, rate: total ? hit / total : 0 });

export function isCorrect(line: EvalLine, result: EvalOutcome['result']): boolean {
  if (line.expect === 'uncovered') return result.status === 'uncovered';
  if (line.expect === 'smalltalk') return result.status === 'smalltalk';
  return result.status === 'answered' && result.topic !== null && [line.expect, ...line.alt].includes(result.topic);
}

function accepts(line: EvalLine, topic: string | undefined): boolean {
  return topic !== undefined && [line.expect, ...line.alt].includes(topic);
}

export function scoreEvaluation(outcomes: EvalOutcome[]): EvalReport {
  for (const o of outcomes) o.correct = isCorrect(o.line, o.result);
  const inScope = outcomes.filter((o) => o.line.expect !== 'uncovered' && o.line.expect !== 'smalltalk');
  const unc = outcomes.filter((o) => o.line.expect === 'uncovered');
  const predictedUnc = outcomes.filter((o) => o.result.status === 'uncovered');
  const st = outcomes.filter((o) => o.line.expect === 'smalltalk');
  const byStyle: Record<string, Ratio> = {};
  for (const style of [...new Set(inScope.map((o) => o.line.style))].sort()) {
    const rows = inScope.filter((o) => o.line.style === style);
    byStyle[style] = ratio(rows.filter((o) => o.correct).length, rows.length);
  }
  return {
    lines: outcomes.length,
    inScopeTop1: ratio(inScope.filter((o) => o.correct).length, inScope.length),
    rankingTop1: ratio(inScope.filter((o) => accepts(o.line, o.result.candidates[0]?.topic)).length, inScope.length),
    rankingTop3: ratio(
      inScope.filter((o) => o.result.candidates.slice(0, 3).some((c) => accepts(o.line, c.topic))).length,
      inScope.length,
    ),
    uncoveredRecall: ratio(unc.filter((o) => o.correct).length, unc.length),
    uncoveredPrecision: ratio(predictedUnc.filter((o) => o.line.expect === 'uncovered').length, predictedUnc.length),
    smalltalk: ratio(st.filter((o) => o.correct).length, st.length),
    byStyle,
    overall: ratio(outcomes.filter((o) => o.correct).length, outcomes.length),
  };
}

const pct = (r: Ratio) => `${(r.rate * 100).toFixed(1)}% (${r.hit}/${r.total})`;

export function formatReport(report: EvalReport, title: string): string {
  const rows = [
    `Đánh giá: ${title} — ${report.lines} câu`,
    '| chỉ số | kết quả |',
    '|---|---|',
    `| top-1 trong phạm vi | ${pct(report.inScopeTop1)} |`,
    `| xếp hạng: đúng ở vị trí 1 | ${pct(report.rankingTop1)} |`,
    `| xếp hạng: đúng trong 3 gợi ý | ${pct(report.rankingTop3)} |`,
    `| uncovered recall | ${pct(report.uncoveredRecall)} |`,
    `| uncovered precision | ${pct(report.uncoveredPrecision)} |`,
    `| small talk | ${pct(report.smalltalk)} |`,
    `| toàn bộ | ${pct(report.overall)} |`,
    '',
    '| kiểu viết | top-1 trong phạm vi |',
    '|---|---|',
    ...Object.entries(report.byStyle).map(([style, r]) => `| ${style} | ${pct(r)} |`),
  ];
  return rows.join('\n');
}
