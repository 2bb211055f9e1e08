/**
 * Writes triage decisions back into the knowledge directory so the next index build learns them:
 * a question attached to a guide goes into that guide's front-matter `questions`, an out-of-scope question
 * into out-of-scope.yaml under the subject `triage-ngoai-pham-vi`.
 *
 * The front-matter is edited as a YAML document (comments, order and layout of the other fields survive)
 * and the Markdown body is kept byte for byte. The result is validated with the knowledge rules before the
 * file is replaced, atomically; a change that would add a validation problem is refused.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { AppError } from '../errors/app-error.js';
import { loadKnowledgeDir, parseGuide } from '../knowledge/loader.js';
import { OutOfScopeFileSchema } from '../knowledge/schema.js';
import { validateKnowledgeBase } from '../knowledge/validate.js';
import { normalizeText } from '../text/normalize.js';

export const TRIAGE_OUT_OF_SCOPE_SUBJECT = 'triage-ngoai-pham-vi';
const TRIAGE_OUT_OF_SCOPE_TITLE = 'Câu hỏi quản trị viên đánh dấu ngoài phạm vi khi phân loại';
const OUT_OF_SCOPE_FILE = 'out-of-scope.yaml';
const GUIDE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const FRONT_MATTER = /^(---[ \t]*\r?\n)([\s\S]*?\r?\n)?(---[ \t]*(?:\r?\n|$))/;

export interface WriteResult {
  file: string;
  /** Questions actually added (the others were already there). */
  added: string[];
  /** The file's text before the change ('' when it did not exist), to undo it if publishing fails. */
  previousText: string;
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, text, 'utf8');
  renameSync(tmp, path);
}

/** Undoes a write: puts the previous text back, or removes a file that did not exist before. */
export function restoreFile(dir: string, result: WriteResult): void {
  const path = join(dir, result.file);
  if (result.previousText === '') rmSync(path, { force: true });
  else writeAtomically(path, result.previousText);
}

function problemKeys(dir: string): Set<string> {
  return new Set(validateKnowledgeBase(loadKnowledgeDir(dir)).map((p) => `${p.file}|${p.field}|${p.reason}`));
}

/** Keeps only questions whose normalised form is new, in order, without duplicates among themselves. */
function newQuestions(existing: readonly string[], candidates: readonly string[]): string[] {
  const seen = new Set(existing.map((q) => normalizeText(q)));
  const out: string[] = [];
  for (const raw of candidates) {
    const q = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
    const key = normalizeText(q);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(q);
  }
  return out;
}

/** Applies a change to one knowledge file and refuses it if validation reports a new problem. */
function applyValidated(dir: string, file: string, previousText: string, nextText: string): void {
  const before = problemKeys(dir);
  const path = join(dir, file);
  writeAtomically(path, nextText);
  const introduced = [...problemKeys(dir)].filter((k) => !before.has(k));
  if (introduced.length > 0) {
    writeAtomically(path, previousText);
    const reasons = introduced.map((k) => k.split('|').slice(1).join(': ')).join('; ');
    throw new AppError('invalid_knowledge', `Không thể ghi vào ${file}: ${reasons}`, { file });
  }
}

/**
 * Appends items to a block sequence by inserting lines after its last item, with the same indentation, so
 * the rest of the file (comments, folded text, flow lists) keeps its exact bytes. Flow or empty sequences
 * fall back to re-serialising the document.
 */
function appendToSequence(text: string, doc: YAML.Document, seq: YAML.YAMLSeq, values: readonly unknown[]): string {
  const last = seq.items[seq.items.length - 1] as YAML.Node | undefined;
  if (seq.flow || !last?.range) {
    for (const v of values) seq.add(doc.createNode(v));
    return doc.toString();
  }
  const itemStart = last.range[0];
  const lineStart = text.lastIndexOf('\n', itemStart - 1) + 1;
  const prefix = text.slice(lineStart, itemStart);
  if (!/^\s*-\s+$/.test(prefix)) {
    for (const v of values) seq.add(doc.createNode(v));
    return doc.toString();
  }
  const childIndent = ' '.repeat(prefix.length);
  const lineEnd = text.indexOf('\n', last.range[1] - 1);
  const insertAt = lineEnd < 0 ? text.length : lineEnd;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const block = values
    .map((v) => {
      const lines = new YAML.Document(v).toString({ lineWidth: 0 }).replace(/\n$/, '').split('\n');
      return `${prefix}${lines[0]}${lines.slice(1).map((l) => `${eol}${childIndent}${l}`).join('')}`;
    })
    .map((item) => `${eol}${item}`)
    .join('');
  const insert = text.slice(0, insertAt).endsWith('\r') ? insertAt - 1 : insertAt;
  return text.slice(0, insert) + block + text.slice(insert);
}

/** Checks that the only change between two parsed documents is `added` at the end of the list at `path`. */
function assertOnlyAppended(before: Record<string, unknown>, after: Record<string, unknown>, path: [string], added: readonly string[], file: string): void {
  const [field] = path;
  const expected = { ...before, [field]: [...(before[field] as unknown[]), ...added] };
  if (JSON.stringify(expected) !== JSON.stringify(after)) {
    throw new AppError('invalid_knowledge', `Ghi câu hỏi vào ${file} làm thay đổi phần khác của tệp; đã huỷ.`, { file });
  }
}

export function attachQuestionsToGuide(dir: string, guideId: string, questions: readonly string[]): WriteResult {
  if (!GUIDE_ID.test(guideId)) throw new AppError('invalid_request', `Mã hướng dẫn "${guideId}" không hợp lệ.`);
  const file = `${guideId}.md`;
  const path = join(dir, file);
  if (!existsSync(path)) throw new AppError('not_found', `Không có hướng dẫn "${guideId}" trong kho kiến thức.`);
  const previousText = readFileSync(path, 'utf8');
  const { guide, problems } = parseGuide(file, previousText);
  if (!guide) {
    const reason = problems.map((p) => `${p.field}: ${p.reason}`).join('; ');
    throw new AppError('invalid_knowledge', `Hướng dẫn ${file} đang lỗi, hãy sửa trước: ${reason}`, { file });
  }
  const added = newQuestions(guide.questions, questions);
  if (added.length === 0) return { file, added, previousText };

  const m = FRONT_MATTER.exec(previousText);
  if (!m) throw new AppError('invalid_knowledge', `Không tìm thấy front-matter trong ${file}.`, { file });
  const [whole, open, yamlText = '', close] = m;
  const doc = YAML.parseDocument(yamlText);
  const seq = doc.get('questions', true);
  if (!YAML.isSeq(seq)) throw new AppError('invalid_knowledge', `Trường questions trong ${file} không phải danh sách.`, { file });
  const nextYaml = appendToSequence(yamlText, doc, seq, added);
  const nextText = `${open}${nextYaml}${close}${previousText.slice(whole.length)}`;
  assertOnlyAppended(YAML.parse(yamlText), YAML.parse(nextYaml), ['questions'], added, file);

  const check = parseGuide(file, nextText);
  if (!check.guide || check.guide.body !== guide.body) {
    throw new AppError('invalid_knowledge', `Ghi câu hỏi vào ${file} làm hỏng tệp; đã huỷ.`, { file });
  }
  applyValidated(dir, file, previousText, nextText);
  return { file, added, previousText };
}

export function appendOutOfScopeQuestions(dir: string, questions: readonly string[]): WriteResult {
  const file = OUT_OF_SCOPE_FILE;
  const path = join(dir, file);
  const previousText = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const doc = previousText ? YAML.parseDocument(previousText) : new YAML.Document({ subjects: [] });
  if (doc.errors.length > 0) throw new AppError('invalid_knowledge', `${file} đang lỗi YAML: ${doc.errors[0]!.message}`, { file });
  const parsed = OutOfScopeFileSchema.safeParse(doc.toJS());
  if (!parsed.success) throw new AppError('invalid_knowledge', `${file} không đúng cấu trúc, hãy sửa trước.`, { file });

  const allExamples = parsed.data.subjects.flatMap((s) => s.examples);
  const added = newQuestions(allExamples, questions);
  if (added.length === 0) return { file, added, previousText };

  const subjects = doc.get('subjects', true);
  if (!YAML.isSeq(subjects)) throw new AppError('invalid_knowledge', `${file} thiếu danh sách subjects.`, { file });
  const index = parsed.data.subjects.findIndex((s) => s.id === TRIAGE_OUT_OF_SCOPE_SUBJECT);
  let nextText: string;
  if (index < 0) {
    const subject = { id: TRIAGE_OUT_OF_SCOPE_SUBJECT, title: TRIAGE_OUT_OF_SCOPE_TITLE, examples: added };
    nextText = appendToSequence(previousText, doc, subjects, [subject]);
  } else {
    const examples = doc.getIn(['subjects', index, 'examples'], true);
    if (!YAML.isSeq(examples)) throw new AppError('invalid_knowledge', `${file}: examples của ${TRIAGE_OUT_OF_SCOPE_SUBJECT} không phải danh sách.`, { file });
    nextText = appendToSequence(previousText, doc, examples, added);
  }
  const after = OutOfScopeFileSchema.safeParse(YAML.parse(nextText));
  const expected = index < 0 ? added : [...parsed.data.subjects[index]!.examples, ...added];
  const got = after.success ? after.data.subjects.find((s) => s.id === TRIAGE_OUT_OF_SCOPE_SUBJECT)?.examples : undefined;
  if (!after.success || JSON.stringify(got) !== JSON.stringify(expected) || after.data.subjects.length !== parsed.data.subjects.length + (index < 0 ? 1 : 0)) {
    throw new AppError('invalid_knowledge', `Ghi vào ${file} làm hỏng cấu trúc; đã huỷ.`, { file });
  }
  applyValidated(dir, file, previousText, nextText);
  return { file, added, previousText };
}
