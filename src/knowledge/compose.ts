/**
 * Turns a guide into the reply a citizen reads on a phone: title, short summary, numbered steps, fees and
 * processing time, the official source. Chat apps do not render Markdown, so it is flattened, and the reply
 * is cut into pieces of at most `maxChars` at section boundaries (between list items if one section is long).
 */
import type { Guide } from './schema.js';

export const MAX_PIECE_CHARS = 2000;

export const HOTLINES =
  'Tổng đài Cổng Dịch vụ công quốc gia: 1800 1096 (miễn phí). Tổng đài VNeID: 1900 0368. ' +
  'Hoặc hỏi Trung tâm Phục vụ hành chính công cấp xã nơi bạn ở.';

/** Removes Markdown that chat apps would show literally. */
export function flattenMarkdown(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\((https?:[^)]+)\)/g, '$1 ($2)')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/__([^_]+)__/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^#{3,6}\s+/gm, '')
    .replace(/^\s*[-*]\s+/gm, '• ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function section(guide: Guide, heading: string): string | undefined {
  const s = guide.sections.find((x) => x.heading === heading);
  return s && s.text.trim() ? flattenMarkdown(s.text) : undefined;
}

/** Splits one block into chunks under the limit, preferring blank lines, then line breaks, then spaces. */
export function splitBlock(block: string, maxChars: number): string[] {
  if (block.length <= maxChars) return [block];
  const out: string[] = [];
  let rest = block;
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars);
    let cut = window.lastIndexOf('\n\n');
    if (cut < maxChars * 0.4) cut = window.lastIndexOf('\n');
    if (cut < maxChars * 0.4) cut = window.lastIndexOf(' ');
    if (cut <= 0) cut = maxChars;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

/** Packs blocks into pieces of at most `maxChars`, never splitting a block that fits in a piece. */
export function packBlocks(blocks: readonly string[], maxChars = MAX_PIECE_CHARS): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const block of blocks.flatMap((b) => splitBlock(b, maxChars))) {
    if (!current) current = block;
    else if (current.length + 2 + block.length <= maxChars) current += `\n\n${block}`;
    else {
      pieces.push(current);
      current = block;
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

export function composeGuideAnswer(guide: Guide, maxChars = MAX_PIECE_CHARS): string[] {
  const blocks: string[] = [`📘 ${guide.title}\n${guide.summary.trim()}`];
  const steps = section(guide, 'Các bước');
  if (steps) blocks.push(`Các bước:\n${steps}`);
  const fee = section(guide, 'Lệ phí');
  if (fee) blocks.push(`💰 Lệ phí: ${fee}`);
  const time = section(guide, 'Thời gian giải quyết');
  if (time) blocks.push(`⏱ Thời gian: ${time}`);
  const where = section(guide, 'Làm ở đâu');
  if (where && where.length <= 500) blocks.push(`📍 Làm ở đâu: ${where}`);
  const source = guide.sources[0];
  if (source) blocks.push(`🔗 Nguồn chính thức: ${source.title} – ${source.url}`);
  return packBlocks(blocks, maxChars);
}

export interface Suggestion {
  topic: string;
  title: string;
}

export function composeUncovered(suggestions: readonly Suggestion[]): string[] {
  const lines = [
    'Xin lỗi bạn, câu hỏi này hiện chưa có trong bộ hướng dẫn của trợ lý nên tôi chưa trả lời chắc chắn được. ' +
      'Câu hỏi đã được ghi lại để cán bộ bổ sung hướng dẫn.',
  ];
  if (suggestions.length) {
    lines.push(
      `Có thể bạn quan tâm:\n${suggestions.map((s, i) => `${i + 1}. ${s.title}`).join('\n')}\n` +
        '(Nhắn số hoặc gõ lại câu hỏi rõ hơn để xem hướng dẫn.)',
    );
  }
  lines.push(HOTLINES);
  return packBlocks(lines);
}
