import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { appendOutOfScopeQuestions, attachQuestionsToGuide, restoreFile, TRIAGE_OUT_OF_SCOPE_SUBJECT } from '../../src/feedback/knowledge-writer.js';
import { loadKnowledgeDir, parseGuide } from '../../src/knowledge/loader.js';
import { REAL_KNOWLEDGE_DIR } from './engine-fixture.js';

const GUIDE = 'vneid-dang-ky-muc-2';

describe('knowledge writer', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'kw-')), 'knowledge');
    cpSync(REAL_KNOWLEDGE_DIR, dir, { recursive: true });
    file = join(dir, `${GUIDE}.md`);
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('inserts lines after the last sample question and keeps every other byte, comments included', () => {
    const withComment = readFileSync(file, 'utf8').replace('\nquestions:\n', '\n# câu hỏi mẫu do người dân hỏi thật\nquestions:\n');
    writeFileSync(file, withComment);
    const result = attachQuestionsToGuide(dir, GUIDE, ['lên mức 2 ở xã khác được không', 'hỏi: "mức 2" #1']);
    expect(result.added).toEqual(['lên mức 2 ở xã khác được không', 'hỏi: "mức 2" #1']);
    const after = readFileSync(file, 'utf8').split('\n');
    const before = withComment.split('\n');
    const inserted = after.filter((_l, i) => after.length - before.length > 0 && !before.includes(after[i]!));
    expect(inserted).toEqual(['  - lên mức 2 ở xã khác được không', `  - 'hỏi: "mức 2" #1'`]);
    expect(after.filter((l) => !inserted.includes(l))).toEqual(before);
    const guide = parseGuide(`${GUIDE}.md`, after.join('\n')).guide!;
    expect(guide.questions.slice(-2)).toEqual(result.added);
    expect(guide.body).toBe(parseGuide(`${GUIDE}.md`, withComment).guide!.body);
  });

  it('skips questions the guide already has and leaves the file untouched', () => {
    const before = readFileSync(file, 'utf8');
    const existing = parseGuide(`${GUIDE}.md`, before).guide!.questions[3]!;
    const result = attachQuestionsToGuide(dir, GUIDE, [existing, existing.toUpperCase()]);
    expect(result.added).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('handles a flow-style questions list', () => {
    const original = readFileSync(file, 'utf8');
    const guide = parseGuide(`${GUIDE}.md`, original).guide!;
    const block = /\nquestions:\n(?: {2}- .*\n)+/.exec(original)![0];
    writeFileSync(file, original.replace(block, `\nquestions: ${JSON.stringify(guide.questions)}\n`));
    attachQuestionsToGuide(dir, GUIDE, ['câu hỏi mới về mức 2 ở xã']);
    const updated = parseGuide(`${GUIDE}.md`, readFileSync(file, 'utf8')).guide!;
    expect(updated.questions).toEqual([...guide.questions, 'câu hỏi mới về mức 2 ở xã']);
    expect(updated.body).toBe(guide.body);
  });

  it('refuses a guide that is already broken, and unknown guides', () => {
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\ntitle: .*\n/, '\n'));
    expect(() => attachQuestionsToGuide(dir, GUIDE, ['một câu hỏi mới'])).toThrow(/đang lỗi/);
    expect(() => attachQuestionsToGuide(dir, 'khong-ton-tai', ['một câu hỏi mới'])).toThrow(/Không có hướng dẫn/);
    expect(() => attachQuestionsToGuide(dir, '../etc/passwd', ['một câu hỏi mới'])).toThrow(/không hợp lệ/);
  });

  it('creates the triage subject once, then extends it, skipping examples other subjects have', () => {
    const path = join(dir, 'out-of-scope.yaml');
    const original = readFileSync(path, 'utf8');
    const first = appendOutOfScopeQuestions(dir, ['xin giấy phép bắn pháo hoa']);
    expect(first.added).toEqual(['xin giấy phép bắn pháo hoa']);
    expect(readFileSync(path, 'utf8').startsWith(original.trimEnd())).toBe(true);
    const existingElsewhere = (YAML.parse(original) as { subjects: Array<{ examples: string[] }> }).subjects[0]!.examples[0]!;
    const second = appendOutOfScopeQuestions(dir, ['đăng ký nghĩa vụ quân sự online', existingElsewhere]);
    expect(second.added).toEqual(['đăng ký nghĩa vụ quân sự online']);
    const kb = loadKnowledgeDir(dir);
    expect(kb.problems).toEqual([]);
    const subject = kb.outOfScope.find((s) => s.id === TRIAGE_OUT_OF_SCOPE_SUBJECT)!;
    expect(subject.examples).toEqual(['xin giấy phép bắn pháo hoa', 'đăng ký nghĩa vụ quân sự online']);
    expect(kb.outOfScope).toHaveLength((YAML.parse(original) as { subjects: unknown[] }).subjects.length + 1);

    restoreFile(dir, second);
    expect(loadKnowledgeDir(dir).outOfScope.find((s) => s.id === TRIAGE_OUT_OF_SCOPE_SUBJECT)?.examples).toEqual(['xin giấy phép bắn pháo hoa']);
  });
});
