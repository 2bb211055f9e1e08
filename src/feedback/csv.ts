/**
 * CSV export of a report: UTF-8 with a byte-order mark so Excel shows Vietnamese correctly, CRLF line
 * ends, RFC 4180 quoting, and cells that Excel would read as a formula neutralised (a citizen's question
 * may start with "=" or "+").
 */
import type { Report } from './reports.js';

export const UTF8_BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'number' ? String(value) : String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  return UTF8_BOM + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const PERIOD_TOTAL = 'Cả kỳ';

export function reportToCsv(report: Report): string {
  const keyHeader = report.by === 'indicator' ? 'Mã chỉ số' : 'Mã xã/phường';
  const labelHeader = report.by === 'indicator' ? 'Chỉ số' : 'Xã/phường';
  const header = [
    keyHeader, labelHeader, 'Kỳ', 'Số câu hỏi', 'Trả lời được', 'Tỷ lệ trả lời được (%)', 'Chưa trả lời được',
    'Không hài lòng (👎)', 'Hài lòng (👍)', 'Chào hỏi', 'Số người hỏi', 'Xu hướng tỷ lệ trả lời (điểm %)', 'Cụm câu hỏi chưa trả lời nhiều nhất',
  ];
  const lines: unknown[][] = [header];
  for (const g of report.groups) {
    for (const r of report.rows.filter((row) => row.key === g.key)) {
      lines.push([r.key, r.label, r.bucket, r.questions, r.answered, r.answeredPct, r.uncovered, r.downvotes, r.upvotes, r.smalltalk, r.users, '', '']);
    }
    lines.push([
      g.key, g.label, PERIOD_TOTAL, g.questions, g.answered, g.answeredPct, g.uncovered, g.downvotes, g.upvotes, g.smalltalk,
      g.users, g.trend.answeredPctChange, g.topUncoveredClusters.map((c) => `${c.representative} (${c.size})`).join(' | '),
    ]);
  }
  return toCsv(lines);
}
