/**
 * Checks a change to one guide with the rules of `npm run kb -- validate` (the same functions: parseGuide,
 * validateKnowledgeBase): the draft is swapped into the effective knowledge base and every problem reported on
 * its file is returned as {field, message, line}. The draft goes last so problems between two guides (a
 * duplicate id, a sample question used elsewhere) are reported on the draft, not on the other guide.
 */
import matter from 'gray-matter';
import YAML from 'yaml';
import { parseGuide, type KnowledgeBase, type KnowledgeProblem } from '../knowledge/loader.js';
import { GuideFrontMatterSchema, type Guide } from '../knowledge/schema.js';
import { validateKnowledgeBase } from '../knowledge/validate.js';
import { fieldLine } from './field-lines.js';
import { guideFile } from './overlay.js';
import { vietnameseErrorMap } from './vi-errors.js';

export interface FieldError {
  field: string;
  message: string;
  /** 1-based line of the Markdown the problem is about. */
  line: number;
}

const yamlEngine = { parse: (s: string) => YAML.parse(s) as object, stringify: (o: object) => YAML.stringify(o) };

/** parseGuide, with zod's English built-in messages replaced by Vietnamese ones. */
export function parseDraft(file: string, text: string): { guide?: Guide; problems: KnowledgeProblem[] } {
  const result = parseGuide(file, text);
  if (result.guide || result.problems.some((p) => p.field === 'front-matter')) return result;
  try {
    const data = matter(text.normalize('NFC'), { engines: { yaml: yamlEngine } }).data;
    const localized = GuideFrontMatterSchema.safeParse(data, { error: vietnameseErrorMap });
    if (localized.success) return result;
    return {
      problems: localized.error.issues.map((issue) => ({
        file,
        field: issue.path.length ? issue.path.join('.') : '(gốc)',
        reason: issue.message,
      })),
    };
  } catch {
    return result;
  }
}

const problemKey = (p: KnowledgeProblem) => `${p.file}|${p.field}|${p.reason}`;

function toFieldErrors(text: string, problems: readonly KnowledgeProblem[]): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const p of problems) {
    const key = `${p.field}|${p.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ field: p.field, message: p.reason, line: fieldLine(text, p.field, p.reason) });
  }
  return errors.sort((a, b) => a.line - b.line);
}

/** The knowledge base with guide `id` replaced by `markdown` (put last), or removed when `markdown` is null. */
export function withDraft(base: KnowledgeBase, id: string, markdown: string | null): { kb: KnowledgeBase; guide?: Guide } {
  const file = guideFile(id);
  const guides = base.guides.filter((g) => g.file !== file);
  const problems = base.problems.filter((p) => p.file !== file);
  if (markdown === null) return { kb: { ...base, guides, problems } };
  const parsed = parseDraft(file, markdown);
  if (parsed.guide) guides.push(parsed.guide);
  problems.push(...parsed.problems);
  return { kb: { ...base, guides, problems }, guide: parsed.guide };
}

/** Problems the new Markdown of guide `id` has, as the editor shows them. */
export function checkGuideText(base: KnowledgeBase, id: string, markdown: string): { guide?: Guide; errors: FieldError[] } {
  const { kb, guide } = withDraft(base, id, markdown);
  const file = guideFile(id);
  const problems = validateKnowledgeBase(kb).filter((p) => p.file === file);
  return { guide, errors: toFieldErrors(markdown, problems) };
}

/** Problems that deleting guide `id` would introduce (a catalog topic left without a guide). */
export function checkGuideDeletion(base: KnowledgeBase, id: string): FieldError[] {
  const before = new Set(validateKnowledgeBase(base).map(problemKey));
  const introduced = validateKnowledgeBase(withDraft(base, id, null).kb).filter((p) => !before.has(problemKey(p)));
  return introduced.map((p) => ({ field: p.field, message: p.reason, line: 1 }));
}
