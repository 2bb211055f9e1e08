/** The overlay of database edits on knowledge/, and where validation problems point in the Markdown. */
import { describe, expect, it } from 'vitest';
import { loadKnowledgeDir } from '../../src/knowledge/loader.js';
import { fieldLine } from '../../src/knowledge-admin/field-lines.js';
import { applyOverlay, overlayFromVersions } from '../../src/knowledge-admin/overlay.js';
import type { GuideVersion } from '../../src/knowledge-admin/store.js';
import { newGuideMarkdown, NEW_GUIDE_ID, REAL_KNOWLEDGE_DIR } from './fixtures.js';

const files = loadKnowledgeDir(REAL_KNOWLEDGE_DIR);
const v = (id: number, guideId: string, state: GuideVersion['state'], content: string | null): GuideVersion => ({
  id, guideId, state, content, action: 'update', author: 'a', at: new Date(0), diff: '', rollbackOf: null,
});

describe('overlay', () => {
  it('replaces, adds and hides guides; "file" versions follow the file again', () => {
    const tamVang = files.guides.find((g) => g.id === 'dvc-khai-bao-tam-vang')!;
    const overlay = overlayFromVersions([
      v(1, 'dvc-khai-bao-tam-vang', 'markdown', newGuideMarkdown({ id: 'dvc-khai-bao-tam-vang', title: 'Tiêu đề thay thế từ cơ sở dữ liệu' })),
      v(2, NEW_GUIDE_ID, 'markdown', newGuideMarkdown()),
      v(3, 'dvc-cap-ho-chieu', 'deleted', null),
      v(4, 'vneid-chu-ky-so', 'file', 'ignored'),
    ]);
    expect([...overlay.keys()]).toEqual(['dvc-khai-bao-tam-vang', NEW_GUIDE_ID, 'dvc-cap-ho-chieu']);
    const kb = applyOverlay(files, overlay);
    const ids = kb.guides.map((g) => g.id);
    expect(ids).toContain(NEW_GUIDE_ID);
    expect(ids).not.toContain('dvc-cap-ho-chieu');
    expect(ids).toContain('vneid-chu-ky-so');
    expect(kb.guides.length).toBe(files.guides.length);
    expect(kb.guides.find((g) => g.id === 'dvc-khai-bao-tam-vang')!.title).toBe('Tiêu đề thay thế từ cơ sở dữ liệu');
    expect(tamVang.title).not.toBe('Tiêu đề thay thế từ cơ sở dữ liệu'); // the loaded files are not mutated
    expect(ids).toEqual([...ids].sort());
  });
});

describe('fieldLine', () => {
  const md = newGuideMarkdown();
  const lineOf = (text: string) => md.split('\n').findIndex((l) => l.includes(text)) + 1;

  it('points at front-matter fields, list items and nested fields', () => {
    expect(fieldLine(md, 'title', 'x')).toBe(3);
    expect(fieldLine(md, 'questions.3', 'x')).toBe(lineOf('thủ tục đăng ký nghĩa vụ quân sự lần đầu cần giấy tờ gì'));
    expect(fieldLine(md, 'sources.0.url', 'x')).toBe(lineOf('url: https://dichvucong.gov.vn'));
    expect(fieldLine(md, 'summary', 'x')).toBe(lineOf('summary: >-'));
    expect(fieldLine(md, 'front-matter', 'x')).toBe(1);
  });

  it('points body problems at the heading they name, else at the start of the body', () => {
    expect(fieldLine(md, 'body', 'mục "## Lệ phí" đang để trống')).toBe(lineOf('## Lệ phí'));
    expect(fieldLine(md, 'body', 'thiếu mục "## Không có"')).toBe(lineOf('## Ai làm được'));
    expect(fieldLine(md, 'body', 'nội dung dài 7000 ký tự, vượt quá 6000')).toBe(lineOf('## Ai làm được'));
  });
});
