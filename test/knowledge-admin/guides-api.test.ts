/**
 * The guide editing API through the real express routes over loopback, with a real engine on a temp copy of
 * knowledge/ and the default worker-thread index builder: validation errors (field + message + line), create,
 * publish → /api/ask answers from the new guide, diffs, rollback, delete, audit log, preview.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminFetch, newGuideMarkdown, NEW_GUIDE_ID, NEW_GUIDE_QUESTION, startGuidesService, TOKEN, type GuidesService } from './fixtures.js';

describe('guide editing API', () => {
  let svc: GuidesService;
  let api: ReturnType<typeof adminFetch>;
  const ask = async (question: string) =>
    (await fetch(`${svc.base}/api/ask`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ question }) })).json();

  beforeAll(async () => {
    svc = await startGuidesService();
    api = adminFetch(svc.base);
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('requires the admin token', async () => {
    expect((await fetch(`${svc.base}/api/admin/guides`)).status).toBe(401);
    const wrong = await fetch(`${svc.base}/api/admin/knowledge/publish`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(403);
  });

  it('lists the file guides and reads one as Markdown', async () => {
    const list = await (await api('/api/admin/guides')).json();
    expect(list.guides.length).toBeGreaterThanOrEqual(50);
    const tamVang = list.guides.find((g: { id: string }) => g.id === 'dvc-khai-bao-tam-vang');
    expect(tamVang).toMatchObject({ source: 'file', unpublished: false, valid: true, versionId: null });
    expect(list.indicators.length).toBeGreaterThan(3);
    const one = await (await api('/api/admin/guides/dvc-khai-bao-tam-vang')).json();
    expect(one.markdown).toBe(readFileSync(join(svc.knowledgeDir, 'dvc-khai-bao-tam-vang.md'), 'utf8'));
    expect((await api('/api/admin/guides/khong-co-huong-dan-nay')).status).toBe(404);
    expect((await api('/api/admin/guides/Sai%20Ma')).status).toBe(400);
  });

  it('refuses invalid guides with a list of {field, message, line} in Vietnamese', async () => {
    const broken = newGuideMarkdown()
      .replace('title: Đăng ký nghĩa vụ quân sự lần đầu cho nam thanh niên', 'title: Abc')
      .replace('url: https://dichvucong.gov.vn', 'url: http://dichvucong.gov.vn')
      .replace('indicator: ty-le-ho-so-truc-tuyen-25-tthc', 'indicator: chi-so-khong-co')
      .replace('## Lệ phí\n\nMiễn phí.\n\n', '')
      .replace('  - thủ tục đăng ký nghĩa vụ quân sự lần đầu cần giấy tờ gì', '  - Khai báo tạm vắng trên VNeID như thế nào?');
    const res = await api(`/api/admin/guides/${NEW_GUIDE_ID}`, { method: 'POST', body: broken, headers: { 'Content-Type': 'text/markdown' } });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error).toBe('invalid_knowledge');
    const byField = Object.fromEntries(body.errors.map((e: { field: string; message: string }) => [e.field, e.message]));
    expect(byField.title).toBe('quá ngắn: cần ít nhất 5 ký tự');
    expect(byField['sources.0.url']).toBe('nguồn phải dùng https://');
    const lines = broken.split('\n');
    const titleError = body.errors.find((e: { field: string }) => e.field === 'title');
    expect(lines[titleError.line - 1]).toBe('title: Abc');

    // Fix the schema errors: the rules across guides and files come next.
    const schemaOk = broken.replace('title: Abc', 'title: Đăng ký nghĩa vụ quân sự').replace('http://dichvucong', 'https://dichvucong');
    const second = await (await api(`/api/admin/guides/${NEW_GUIDE_ID}`, { method: 'POST', json: { markdown: schemaOk } })).json();
    const messages = second.errors.map((e: { field: string; message: string; line: number }) => `${e.field}: ${e.message}`);
    expect(messages).toContain('indicator: chỉ số "chi-so-khong-co" không có trong indicators.yaml');
    expect(messages).toContain('body: thiếu mục "## Lệ phí"');
    expect(messages).toContain('questions.3: câu hỏi mẫu đã dùng trong dvc-khai-bao-tam-vang');
    const dup = second.errors.find((e: { field: string }) => e.field === 'questions.3');
    expect(schemaOk.split('\n')[dup.line - 1]).toContain('Khai báo tạm vắng trên VNeID');

    // Body over 6,000 characters, an id that is not the URL's, an existing id.
    const long = newGuideMarkdown().replace('## Vướng mắc thường gặp\n', `## Vướng mắc thường gặp\n\n${'Nội dung dài. '.repeat(500)}\n`);
    const tooLong = await (await api(`/api/admin/guides/${NEW_GUIDE_ID}`, { method: 'POST', json: { markdown: long } })).json();
    expect(tooLong.errors.map((e: { message: string }) => e.message).join('\n')).toMatch(/vượt quá 6000/);
    const otherId = await (await api('/api/admin/guides/dvc-mot-ma-khac', { method: 'POST', json: { markdown: newGuideMarkdown() } })).json();
    expect(otherId.errors[0]).toMatchObject({ field: 'id' });
    const exists = await api('/api/admin/guides/dvc-khai-bao-tam-vang', {
      method: 'POST', json: { markdown: readFileSync(join(svc.knowledgeDir, 'dvc-khai-bao-tam-vang.md'), 'utf8') },
    });
    expect(exists.status).toBe(422);
    expect((await exists.json()).errors[0].message).toContain('đã có hướng dẫn');

    const audit = await (await api('/api/admin/knowledge/audit')).json();
    expect(audit.entries).toEqual([]);
  });

  it('creates a guide, publishes it, and /api/ask answers from it', async () => {
    const before = await ask(NEW_GUIDE_QUESTION);
    expect(before.topic).not.toBe(NEW_GUIDE_ID);

    const created = await api(`/api/admin/guides/${NEW_GUIDE_ID}`, { method: 'POST', body: newGuideMarkdown(), headers: { 'Content-Type': 'text/markdown' } });
    expect(created.status).toBe(201);
    const { version, guide } = await created.json();
    expect(version).toMatchObject({ guideId: NEW_GUIDE_ID, action: 'create', author: 'Nguyễn Thị Hoa', published: false });
    expect(version.diff).toContain(`+title: Đăng ký nghĩa vụ quân sự lần đầu cho nam thanh niên`);
    expect(guide).toMatchObject({ source: 'admin', unpublished: true, markdown: newGuideMarkdown() });
    // Saved, not yet published: citizens still get the old answer.
    expect((await ask(NEW_GUIDE_QUESTION)).topic).not.toBe(NEW_GUIDE_ID);
    const status = await (await api('/api/admin/knowledge/status')).json();
    expect(status.pending).toEqual([NEW_GUIDE_ID]);

    const published = await api('/api/admin/knowledge/publish', { method: 'POST', json: { author: 'Trần Văn Nam' } });
    expect(published.status).toBe(200);
    const outcome = await published.json();
    expect(outcome.publication).toMatchObject({ status: 'ok', author: 'Trần Văn Nam', source: 'admin', upToVersion: version.id });
    expect(outcome.changedGuides).toEqual([NEW_GUIDE_ID]);
    const after = await ask(NEW_GUIDE_QUESTION);
    expect(after).toMatchObject({ status: 'answered', topic: NEW_GUIDE_ID });
    expect(after.text).toContain('Đăng ký nghĩa vụ quân sự lần đầu cho nam thanh niên');
  });

  it('updates with a readable diff, rolls back to the old answer, and keeps an audit log', async () => {
    const current = await (await api(`/api/admin/guides/${NEW_GUIDE_ID}`)).json();
    const edited = current.markdown.replace('title: Đăng ký nghĩa vụ quân sự lần đầu cho nam thanh niên', 'title: Đăng ký nghĩa vụ quân sự (bản sửa)');
    const put = await api(`/api/admin/guides/${NEW_GUIDE_ID}`, { method: 'PUT', json: { markdown: edited, baseVersion: current.versionId } });
    expect(put.status).toBe(200);
    const { version: v2 } = await put.json();
    expect(v2.diff).toContain('-title: Đăng ký nghĩa vụ quân sự lần đầu cho nam thanh niên');
    expect(v2.diff).toContain('+title: Đăng ký nghĩa vụ quân sự (bản sửa)');
    expect(v2.diff).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@/m);
    expect([v2.added, v2.removed]).toEqual([1, 1]);

    // A stale base version is a conflict, not a silent overwrite.
    const stale = await api(`/api/admin/guides/${NEW_GUIDE_ID}`, { method: 'PUT', json: { markdown: edited.replace('bản sửa', 'bản khác'), baseVersion: current.versionId } });
    expect(stale.status).toBe(409);
    expect((await stale.json()).errors[0].field).toBe('version');

    await api('/api/admin/knowledge/publish', { method: 'POST' });
    expect((await ask(NEW_GUIDE_QUESTION)).text).toContain('Đăng ký nghĩa vụ quân sự (bản sửa)');

    const { versions } = await (await api(`/api/admin/guides/${NEW_GUIDE_ID}/versions`)).json();
    expect(versions.map((v: { action: string; published: boolean }) => [v.action, v.published])).toEqual([['update', true], ['create', true]]);
    const first = versions[1];
    const rolled = await api(`/api/admin/guides/${NEW_GUIDE_ID}/versions/${first.id}/rollback`, { method: 'POST', json: {} });
    expect(rolled.status).toBe(200);
    const rb = await rolled.json();
    expect(rb.version).toMatchObject({ action: 'rollback', rollbackOf: first.id });
    expect(rb.version.diff).toContain('+title: Đăng ký nghĩa vụ quân sự lần đầu cho nam thanh niên');
    expect(rb.publication.status).toBe('ok');
    const restored = await ask(NEW_GUIDE_QUESTION);
    expect(restored.topic).toBe(NEW_GUIDE_ID);
    expect(restored.text).toContain('Đăng ký nghĩa vụ quân sự lần đầu cho nam thanh niên');
    expect(restored.text).not.toContain('bản sửa');

    const { entries } = await (await api('/api/admin/knowledge/audit')).json();
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['publish', 'rollback', 'publish', 'update', 'publish', 'create']);
    expect(entries.every((e: { actor: string; at: string }) => e.actor && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(entries.find((e: { action: string }) => e.action === 'create')).toMatchObject({ actor: 'Nguyễn Thị Hoa', guideId: NEW_GUIDE_ID });
    expect(entries.find((e: { action: string }) => e.action === 'rollback').detail).toContain(`phiên bản #${first.id}`);
  });

  it('edits a file guide, hides it by deleting, refuses to delete a catalog topic, and rolls back to the file', async () => {
    const id = 'dvc-khai-bao-tam-vang';
    const refused = await api(`/api/admin/guides/${id}`, { method: 'DELETE' });
    expect(refused.status).toBe(422);
    expect((await refused.json()).errors[0].message).toContain('chưa có hướng dẫn');

    const file = readFileSync(join(svc.knowledgeDir, `${id}.md`), 'utf8');
    const edited = file.replace(/^title: .*$/m, 'title: Khai báo tạm vắng (đã sửa trong trang quản trị)');
    expect((await api(`/api/admin/guides/${id}`, { method: 'PUT', json: { markdown: edited } })).status).toBe(200);
    await api('/api/admin/knowledge/publish', { method: 'POST' });
    const q = 'Khai báo tạm vắng trên VNeID như thế nào?';
    expect((await ask(q)).text).toContain('(đã sửa trong trang quản trị)');
    const { versions, file: fileVersion } = await (await api(`/api/admin/guides/${id}/versions`)).json();
    expect(versions[0].diff).toContain('-title: Khai báo tạm vắng (báo công an khi đi khỏi nơi cư trú)');
    expect(fileVersion.markdown).toBe(file);
    const back = await (await api(`/api/admin/guides/${id}/versions/file/rollback`, { method: 'POST' })).json();
    expect(back.version).toMatchObject({ state: 'file', rollbackOf: 0 });
    expect((await ask(q)).text).not.toContain('(đã sửa trong trang quản trị)');
    const list = await (await api('/api/admin/guides')).json();
    expect(list.guides.find((g: { id: string }) => g.id === id)).toMatchObject({ source: 'file', unpublished: false });

    // The admin-created guide can be deleted; it then stops answering, and a rollback restores it.
    const del = await api(`/api/admin/guides/${NEW_GUIDE_ID}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    const deletion = (await del.json()).version;
    expect(deletion.diff).toContain('-id: dvc-dang-ky-nghia-vu-quan-su');
    await api('/api/admin/knowledge/publish', { method: 'POST' });
    expect((await ask(NEW_GUIDE_QUESTION)).topic).not.toBe(NEW_GUIDE_ID);
    const afterDelete = await (await api('/api/admin/guides')).json();
    expect(afterDelete.deleted.map((g: { id: string }) => g.id)).toEqual([NEW_GUIDE_ID]);
    const { versions: history } = await (await api(`/api/admin/guides/${NEW_GUIDE_ID}/versions`)).json();
    await api(`/api/admin/guides/${NEW_GUIDE_ID}/versions/${history[1].id}/rollback`, { method: 'POST' });
    expect((await ask(NEW_GUIDE_QUESTION)).topic).toBe(NEW_GUIDE_ID);
  });

  it('previews a draft without touching the live engine', async () => {
    const draft = newGuideMarkdown({ title: 'Bản nháp chưa xuất bản về nghĩa vụ quân sự', extraQuestion: 'khám sức khỏe nghĩa vụ quân sự ở đâu' });
    const res = await api(`/api/admin/guides/${NEW_GUIDE_ID}/preview`, { method: 'POST', json: { markdown: draft, question: 'cho hỏi khám sức khỏe nghĩa vụ quân sự ở đâu' } });
    expect(res.status).toBe(200);
    const preview = await res.json();
    expect(preview.errors).toEqual([]);
    expect(preview.answers).toHaveLength(12);
    const test = preview.answers.at(-1);
    expect(test).toMatchObject({ kind: 'test', q: 'cho hỏi khám sức khỏe nghĩa vụ quân sự ở đâu', topic: NEW_GUIDE_ID, title: 'Bản nháp chưa xuất bản về nghĩa vụ quân sự' });
    expect(test.candidates[0]).toMatchObject({ topic: NEW_GUIDE_ID, title: 'Bản nháp chưa xuất bản về nghĩa vụ quân sự' });
    const samples = preview.answers.filter((a: { kind: string }) => a.kind === 'sample');
    expect(samples.filter((a: { matchesDraft: boolean }) => a.matchesDraft).length).toBeGreaterThanOrEqual(9);
    // The live engine still serves the published guide.
    expect(svc.admin.engine.guide(NEW_GUIDE_ID)?.title).toBe('Đăng ký nghĩa vụ quân sự lần đầu cho nam thanh niên');
    expect((await ask('cho hỏi khám sức khỏe nghĩa vụ quân sự ở đâu')).text).not.toContain('Bản nháp');

    const broken = await (await api(`/api/admin/guides/${NEW_GUIDE_ID}/validate`, { method: 'POST', json: { markdown: draft.replace(/^group: .*$/m, 'group: khac') } })).json();
    expect(broken.errors[0]).toMatchObject({ field: 'group', line: 4 });
    expect(broken.errors[0].message).toContain('phải là một trong');
  });

  it("defaults the author and serves the editor page with the dashboard's strict CSP", async () => {
    const current = await (await api(`/api/admin/guides/${NEW_GUIDE_ID}`)).json();
    const res = await fetch(`${svc.base}/api/admin/guides/${NEW_GUIDE_ID}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'text/markdown' },
      body: current.markdown.replace('## Lệ phí\n\nMiễn phí.', '## Lệ phí\n\nMiễn phí, không mất tiền.'),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).version.author).toBe('quản trị viên');

    const page = await fetch(`${svc.base}/admin/guides`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('href="/admin"');
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ['guides.js', 'admin-common.js', 'guides-editor.js', 'guides-panels.js', 'guides.css']) {
      const r = await fetch(`${svc.base}/admin/assets/${asset}`);
      expect(r.status, asset).toBe(200);
      // No resource from elsewhere (the only URL is the sample source in the new-guide template).
      expect((await r.text()).replaceAll('https://dichvucong.gov.vn', '')).not.toMatch(/https?:\/\//);
    }
  });
});
