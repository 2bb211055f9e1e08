/**
 * Rules that span the whole knowledge base (the per-file rules live in the zod schema). Used by
 * `npm run kb -- validate`, by the tests, at start-up and by the admin editor.
 */
import { basename } from 'node:path';
import { normalizeText } from '../text/normalize.js';
import type { KnowledgeBase, KnowledgeProblem } from './loader.js';
import { MAX_BODY_CHARS, REQUIRED_SECTIONS, UNCONFIRMED_MARK, type Guide } from './schema.js';

/** Problems of one guide that need the indicator list but not the other guides. */
export function guideProblems(guide: Guide, indicatorIds: ReadonlySet<string>): KnowledgeProblem[] {
  const problems: KnowledgeProblem[] = [];
  const add = (field: string, reason: string) => problems.push({ file: guide.file, field, reason });
  if (basename(guide.file, '.md') !== guide.id) add('id', `id "${guide.id}" phải trùng tên tệp`);
  if (indicatorIds.size > 0 && !indicatorIds.has(guide.indicator)) {
    add('indicator', `chỉ số "${guide.indicator}" không có trong indicators.yaml`);
  }
  if (guide.body.length > MAX_BODY_CHARS) {
    add('body', `nội dung dài ${guide.body.length} ký tự, vượt quá ${MAX_BODY_CHARS}`);
  }
  const headings = guide.sections.map((s) => s.heading);
  let last = -1;
  for (const required of REQUIRED_SECTIONS) {
    const at = headings.indexOf(required);
    if (at < 0) add('body', `thiếu mục "## ${required}"`);
    else if (at < last) add('body', `mục "## ${required}" đặt sai thứ tự`);
    else last = at;
    const section = guide.sections[at];
    if (section && section.text.length === 0) add('body', `mục "## ${required}" đang để trống`);
  }
  const steps = guide.sections.find((s) => s.heading === 'Các bước');
  if (steps && !/^1\.\s/m.test(steps.text)) add('body', 'mục "## Các bước" phải là danh sách đánh số 1. 2. 3.');
  const seen = new Map<string, number>();
  guide.questions.forEach((q, i) => {
    const key = normalizeText(q);
    const first = seen.get(key);
    if (first !== undefined) add(`questions.${i}`, `trùng câu hỏi mẫu số ${first}`);
    else seen.set(key, i);
  });
  return problems;
}

export function validateKnowledgeBase(kb: KnowledgeBase): KnowledgeProblem[] {
  const problems: KnowledgeProblem[] = [...kb.problems];
  const indicatorIds = new Set(kb.indicators.map((i) => i.id));
  if (indicatorIds.size === 0) problems.push({ file: 'indicators.yaml', field: 'indicators', reason: 'không có chỉ số nào' });

  const byId = new Map<string, Guide>();
  for (const guide of kb.guides) {
    const other = byId.get(guide.id);
    if (other) problems.push({ file: guide.file, field: 'id', reason: `trùng id với ${other.file}` });
    else byId.set(guide.id, guide);
    problems.push(...guideProblems(guide, indicatorIds));
  }

  const questionOwner = new Map<string, string>();
  for (const guide of kb.guides) {
    guide.questions.forEach((q, i) => {
      const key = normalizeText(q);
      const owner = questionOwner.get(key);
      if (owner && owner !== guide.id) {
        problems.push({ file: guide.file, field: `questions.${i}`, reason: `câu hỏi mẫu đã dùng trong ${owner}` });
      } else questionOwner.set(key, guide.id);
    });
  }

  const brokenFiles = new Set(kb.problems.map((p) => p.file));
  for (const topic of kb.catalog) {
    const guide = byId.get(topic.id);
    if (!guide) {
      if (!brokenFiles.has(`${topic.id}.md`)) {
        problems.push({ file: `${topic.id}.md`, field: 'id', reason: `chủ đề "${topic.id}" trong danh mục chưa có hướng dẫn` });
      }
      continue;
    }
    if (guide.group !== topic.group) {
      problems.push({ file: guide.file, field: 'group', reason: `danh mục ghi nhóm "${topic.group}"` });
    }
    if (guide.indicator !== topic.indicator) {
      problems.push({ file: guide.file, field: 'indicator', reason: `danh mục ghi chỉ số "${topic.indicator}"` });
    }
  }
  return problems;
}

export function countUnconfirmed(guide: Guide): number {
  return guide.body.split(UNCONFIRMED_MARK).length - 1;
}
