/**
 * The guide editor (/admin/guides) in headless Chromium (Debian's `chromium`, driven by playwright-core): log
 * in, open a guide, break a field and see the error next to its line, fix it, preview a test question,
 * publish, see the version and its diff, roll back. Screenshots go to test/artifacts/ (ignored by git).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuidesService, TOKEN, type GuidesService } from '../knowledge-admin/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../artifacts');
const ACTOR = 'Phạm Thu Hà – UBND xã Tân Hòa';
const GUIDE = 'dvc-khai-bao-tam-vang';
const OLD_TITLE = 'Khai báo tạm vắng (báo công an khi đi khỏi nơi cư trú)';
const NEW_TITLE = 'Khai báo tạm vắng khi đi làm ăn xa (bản sửa trên trình duyệt)';
const QUESTION = 'Khai báo tạm vắng trên VNeID như thế nào?';

describe('guide editor in headless Chromium', () => {
  let svc: GuidesService;
  let browser: Browser;
  let page: Page;
  const ask = async (question: string) =>
    (await fetch(`${svc.base}/api/ask`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ question }) })).json();
  const toast = async (pattern: RegExp) => {
    await page.waitForFunction((src) => {
      const t = document.getElementById('toast');
      return t && !t.hidden && new RegExp(src).test(t.textContent ?? '');
    }, pattern.source, { timeout: 30_000 });
    return page.textContent('#toast');
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Không thấy ${CHROMIUM}: cài bằng "apt-get install -y chromium".`);
    mkdirSync(ARTIFACTS, { recursive: true });
    svc = await startGuidesService();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1500, height: 900 }, locale: 'vi-VN' });
    page = await context.newPage();
    await page.route('**/*', (route) => (route.request().url().startsWith(svc.base) ? route.continue() : route.abort()));
  });

  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('edits, previews, publishes, shows the diff and rolls back', async () => {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${svc.base}/admin/guides`);
    await page.fill('#login-actor', ACTOR);
    await page.fill('#login-token', TOKEN);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    expect(await page.locator('nav.pages a[href="/admin"]').count()).toBe(1);
    expect(await page.textContent('#live-status')).toContain('các tệp trong knowledge/');

    // Open a guide from the list.
    await page.fill('#guide-filter', 'tạm vắng');
    await page.click(`.guide-items li[data-id="${GUIDE}"] button`);
    await page.waitForSelector(`body[data-guide="${GUIDE}"]`);
    const original = await page.inputValue('#markdown');
    expect(original).toBe(readFileSync(join(svc.knowledgeDir, `${GUIDE}.md`), 'utf8'));

    // Break the title: the error appears next to the title line, while typing and again on save.
    const broken = original.replace(`title: ${OLD_TITLE}`, 'title: Abc');
    await page.fill('#markdown', broken);
    const note = page.locator('.field-error[data-field="title"]');
    await note.waitFor({ timeout: 10_000 });
    expect(await note.textContent()).toContain('quá ngắn: cần ít nhất 5 ký tự');
    const titleLine = broken.split('\n').indexOf('title: Abc') + 1;
    expect(await note.getAttribute('data-line')).toBe(String(titleLine));
    const noteBox = (await note.boundingBox())!;
    const lineBox = (await page.locator('#gutter .ln').nth(titleLine - 1).boundingBox())!;
    expect(Math.abs(noteBox.y - lineBox.y)).toBeLessThan(4); // on the same row as the line
    expect(noteBox.x).toBeGreaterThan(lineBox.x + 300); // beside the text, not over it
    expect(await page.locator('#gutter .ln.has-error').count()).toBe(1);
    await page.click('#save');
    expect(await toast(/lỗi/)).toContain('Hướng dẫn chưa hợp lệ: 1 lỗi.');
    expect(await page.textContent('#error-list')).toContain(`Dòng ${titleLine}`);
    await page.screenshot({ path: join(ARTIFACTS, 'guides-error.png') });

    // Fix it (with a new title), then preview a typed question against the draft.
    await page.fill('#markdown', original.replace(`title: ${OLD_TITLE}`, `title: ${NEW_TITLE}`));
    await page.waitForFunction(() => document.querySelectorAll('.field-error').length === 0, null, { timeout: 10_000 });
    await page.fill('#test-question', 'đi làm xa mấy tháng có phải báo tạm vắng không');
    await page.click('#run-preview');
    await page.waitForSelector('#preview-results tr[data-kind="test"]', { timeout: 30_000 });
    expect(await page.textContent('#preview-results tr[data-kind="test"]')).toContain(NEW_TITLE);
    expect(await page.textContent('#preview-summary')).toMatch(/^\d+\/\d+ câu hỏi mẫu được trả lời bằng hướng dẫn này/);
    expect((await ask(QUESTION)).text).not.toContain(NEW_TITLE); // a preview publishes nothing
    await page.screenshot({ path: join(ARTIFACTS, 'guides-preview.png') });

    // Save, then publish: citizens get the new text.
    await page.click('#save');
    expect(await toast(/Đã lưu phiên bản/)).toMatch(/^Đã lưu phiên bản #1\./);
    // The status line is refreshed after the save answers: wait for it rather than read it at once.
    await page.waitForFunction((id) => document.querySelector('#pending-status')?.textContent?.includes(id), GUIDE, { timeout: 10_000 });
    expect(await page.textContent('#pending-status')).toContain(GUIDE);
    await page.click('#publish');
    expect(await toast(/Đã xuất bản/)).toMatch(/^Đã xuất bản lần #1: \d+ hướng dẫn/);
    expect((await ask(QUESTION)).text).toContain(NEW_TITLE);
    await page.waitForFunction(() => document.querySelector('#live-status')?.textContent?.includes('lần xuất bản #1'), null, { timeout: 10_000 });
    expect(await page.textContent('#live-status')).toContain('lần xuất bản #1');

    // Versions: the saved version, published, with its diff.
    await page.click('.tab[data-tab="versions"]');
    const v1 = page.locator('#version-list li[data-version-id="1"]');
    await v1.waitFor();
    expect(await v1.textContent()).toContain('đã xuất bản');
    expect(await v1.textContent()).toContain(ACTOR);
    await v1.locator('button[data-action="diff"]').click();
    const diff = v1.locator('pre.diff');
    await diff.waitFor();
    expect(await diff.locator('span.del').allTextContents()).toContain(`-title: ${OLD_TITLE}\n`);
    expect(await diff.locator('span.add').allTextContents()).toContain(`+title: ${NEW_TITLE}\n`);
    await page.screenshot({ path: join(ARTIFACTS, 'guides-versions.png') });

    // Roll back to the knowledge/ file: a new version, published at once.
    await page.click('#version-list li[data-version-id="file"] button[data-action="rollback"]');
    expect(await toast(/Đã khôi phục/)).toMatch(/^Đã khôi phục tệp gốc trong knowledge\/ \(phiên bản #2\) và xuất bản lần #2\.$/);
    expect((await ask(QUESTION)).text).toContain(OLD_TITLE);
    await page.waitForSelector('#version-list li[data-version-id="2"]');
    expect(await page.inputValue('#markdown')).toBe(original);

    await page.click('.tab[data-tab="audit"]');
    await page.waitForSelector('#audit-list li[data-action="rollback"]');
    const actions = await page.locator('#audit-list li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.action));
    expect(actions).toEqual(['publish', 'rollback', 'publish', 'update']);
    expect(await page.textContent('#audit-list')).toContain(ACTOR);
    await page.screenshot({ path: join(ARTIFACTS, 'guides-audit.png'), fullPage: true });
    expect(requests.every((u) => u.startsWith(svc.base))).toBe(true);
  });
});
