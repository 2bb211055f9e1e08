import { mkdtempSync, readFileSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKnowledgeDir, parseGuide } from '../../src/knowledge/loader.js';
import { validateKnowledgeBase } from '../../src/knowledge/validate.js';
import { usableKnowledge } from '../../src/knowledge/setup.js';

const REAL_DIR = join(import.meta.dirname, '../../knowledge');
const GOOD = readFileSync(join(REAL_DIR, 'vneid-dang-ky-muc-1.md'), 'utf8');

function withField(text: string, pattern: RegExp, replacement: string): string {
  const out = text.replace(pattern, replacement);
  expect(out).not.toBe(text);
  return out;
}

describe('guide front-matter validation', () => {
  it('accepts a real guide', () => {
    const { guide, problems } = parseGuide('vneid-dang-ky-muc-1.md', GOOD);
    expect(problems).toEqual([]);
    expect(guide?.id).toBe('vneid-dang-ky-muc-1');
    expect(guide?.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(guide?.sections.map((s) => s.heading)).toContain('Các bước');
  });

  it('names the file, field and reason of a missing field', () => {
    const text = withField(GOOD, /^summary:[\s\S]*?(?=^questions:)/m, '');
    const { guide, problems } = parseGuide('x.md', text);
    expect(guide).toBeUndefined();
    expect(problems).toContainEqual(expect.objectContaining({ file: 'x.md', field: 'summary' }));
  });

  it('rejects a source that is not https', () => {
    const text = withField(GOOD, /url: https:\/\/vneid\.gov\.vn/, 'url: http://vneid.gov.vn');
    const { problems } = parseGuide('x.md', text);
    expect(problems).toContainEqual(
      expect.objectContaining({ field: expect.stringMatching(/^sources\.\d+\.url$/), reason: 'nguồn phải dùng https://' }),
    );
  });

  it('rejects an unknown group and too few questions', () => {
    const text = withField(GOOD, /^group: vneid$/m, 'group: khac');
    expect(parseGuide('x.md', text).problems).toContainEqual(expect.objectContaining({ field: 'group' }));
    const few = GOOD.replace(/^questions:\n((?:  - .*\n)+)/m, 'questions:\n  - một câu hỏi thôi\n');
    expect(parseGuide('x.md', few).problems).toContainEqual(expect.objectContaining({ field: 'questions' }));
  });

  it('reports YAML that cannot be read', () => {
    const { problems } = parseGuide('x.md', '---\nid: [unclosed\n---\nbody');
    expect(problems[0]).toMatchObject({ file: 'x.md', field: 'front-matter' });
    expect(problems[0]!.reason).toMatch(/YAML/);
  });

  it('reports a file without front-matter', () => {
    expect(parseGuide('x.md', '# Chỉ có nội dung').problems[0]).toMatchObject({ field: 'front-matter' });
  });
});

describe('knowledge base rules', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function copyKnowledge(): string {
    const dir = mkdtempSync(join(tmpdir(), 'kb-'));
    dirs.push(dir);
    cpSync(REAL_DIR, dir, { recursive: true });
    return dir;
  }

  it('finds the catalog, indicator, section, size and duplicate problems', () => {
    const dir = copyKnowledge();
    const path = (id: string) => join(dir, `${id}.md`);
    // A missing section and an unknown indicator in one guide.
    writeFileSync(
      path('vneid-dang-ky-muc-1'),
      GOOD.replace('## Lệ phí', '## Chi phí').replace(/^indicator: .*$/m, 'indicator: chi-so-khong-co'),
    );
    // A sample question reused from another guide.
    const other = readFileSync(path('vneid-kich-hoat-tai-khoan'), 'utf8');
    const firstQuestion = /^questions:\n  - (.*)$/m.exec(GOOD)![1]!;
    writeFileSync(path('vneid-kich-hoat-tai-khoan'), other.replace(/^questions:\n/m, `questions:\n  - ${firstQuestion}\n`));
    // A body that is too long.
    const overview = readFileSync(path('vneid-tong-quan-muc-1-muc-2'), 'utf8');
    writeFileSync(path('vneid-tong-quan-muc-1-muc-2'), `${overview}\n\n## Lưu ý\n\n${'Nội dung dài. '.repeat(500)}`);
    // A catalog topic with no guide.
    rmSync(path('vneid-chu-ky-so'));

    const problems = validateKnowledgeBase(loadKnowledgeDir(dir));
    const text = problems.map((p) => `${p.file} [${p.field}] ${p.reason}`);
    expect(text).toContain('vneid-dang-ky-muc-1.md [body] thiếu mục "## Lệ phí"');
    expect(text).toContain('vneid-dang-ky-muc-1.md [indicator] chỉ số "chi-so-khong-co" không có trong indicators.yaml');
    expect(text.some((t) => /^vneid-kich-hoat-tai-khoan\.md \[questions\.\d+\] câu hỏi mẫu đã dùng trong vneid-dang-ky-muc-1$/.test(t) ||
      /^vneid-dang-ky-muc-1\.md \[questions\.\d+\] câu hỏi mẫu đã dùng trong vneid-kich-hoat-tai-khoan$/.test(t))).toBe(true);
    expect(text.some((t) => t.startsWith('vneid-tong-quan-muc-1-muc-2.md [body] nội dung dài'))).toBe(true);
    expect(text).toContain('vneid-chu-ky-so.md [id] chủ đề "vneid-chu-ky-so" trong danh mục chưa có hướng dẫn');
  });

  it('rejects a duplicate id', () => {
    const dir = copyKnowledge();
    writeFileSync(join(dir, 'ban-sao.md'), GOOD);
    const problems = validateKnowledgeBase(loadKnowledgeDir(dir));
    const dup = problems.filter((p) => p.field === 'id' && p.reason.startsWith('trùng id'));
    expect(dup).toHaveLength(1);
    expect([dup[0]!.file, dup[0]!.reason]).toEqual(['vneid-dang-ky-muc-1.md', 'trùng id với ban-sao.md']);
  });

  it('keeps serving the valid guides and says which one was skipped', () => {
    const dir = copyKnowledge();
    writeFileSync(join(dir, 'vneid-dang-ky-muc-1.md'), GOOD.replace(/^title: .*$/m, 'title: 1'));
    const warnings: string[] = [];
    const kb = usableKnowledge(loadKnowledgeDir(dir), (l) => warnings.push(l));
    expect(kb.guides.find((g) => g.id === 'vneid-dang-ky-muc-1')).toBeUndefined();
    expect(kb.guides.length).toBeGreaterThan(10);
    expect(warnings.some((w) => w.startsWith('Bỏ qua vneid-dang-ky-muc-1.md [title]'))).toBe(true);
  });
});
