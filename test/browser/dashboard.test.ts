/**
 * The admin dashboard in headless Chromium (Debian's `chromium`, driven by playwright-core): log in, see
 * the charts drawn, attach an uncovered cluster to a guide, check through the API that the action was
 * recorded, export CSV. Screenshots go to test/artifacts/ (ignored by git).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createFeedback, type Feedback } from '../../src/admin/index.js';
import { turnFromAsk } from '../../src/feedback/recorder.js';
import { createEngineFixture, type EngineFixture } from '../feedback/engine-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../artifacts');
const TOKEN = 'browser-admin-token-0123456789';
const ACTOR = 'Phạm Thu Hà – UBND xã Tân Hòa';
const COMMUNES = ['26734', '26737', '26740', '26743', '26746'];
const QUESTIONS = [
  'làm sao kích hoạt tài khoản định danh điện tử mức 2',
  'đăng ký khai sinh cho con trên cổng dịch vụ công',
  'thanh toán tiền điện qua ngân hàng thế nào',
  'quên mật khẩu vneid phải làm sao',
  'gia hạn thẻ bảo hiểm y tế hộ gia đình online',
  'đăng ký tạm trú online cho người thuê trọ',
  'ví MoMo có rút tiền mặt ở cây ATM được không',
  'rút tiền mặt từ ví MoMo ở cây ATM được không',
  'đăng ký nghĩa vụ quân sự online',
  'dang ky nghia vu quan su online o dau',
  'xin giấy phép xây dựng nhà ở nông thôn',
];

function seededRandom(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

describe('admin dashboard in headless Chromium', () => {
  let fx: EngineFixture;
  let feedback: Feedback;
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Không thấy ${CHROMIUM}: cài bằng "apt-get install -y chromium".`);
    mkdirSync(ARTIFACTS, { recursive: true });
    fx = await createEngineFixture();
    feedback = await createFeedback({
      engine: () => fx.engine,
      knowledgeDir: fx.knowledgeDir,
      env: { DATA_DIR: join(fx.root, 'data'), ADMIN_TOKEN: TOKEN, USER_KEY_SECRET: 'b'.repeat(32) },
      log: { info: () => undefined, warn: () => undefined },
      republish: fx.republish,
    });
    const app = createApp({ engine: () => fx.engine, log: () => undefined, routers: feedback.routers });
    server = await new Promise<Server>((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // 400 turns over the last 30 days in five communes; each distinct question is asked to the engine once.
    const results = await Promise.all(QUESTIONS.map((q) => fx.engine.ask(q)));
    const rnd = seededRandom(7);
    for (let i = 0; i < 400; i++) {
      const k = Math.floor(rnd() * results.length);
      const at = new Date(Date.now() - Math.floor(rnd() * 29 * 86_400_000));
      const id = await feedback.recorder.record(
        turnFromAsk(results[k]!, { channel: rnd() < 0.7 ? 'zalo' : 'messenger', platformUserId: String(1000 + i), communeCode: COMMUNES[k % 5]!, at }),
      );
      if (rnd() < 0.08) await feedback.recorder.vote(id, 'down');
    }

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true, locale: 'vi-VN' });
    page = await context.newPage();
    // Offline: anything that is not our own server fails the test.
    await page.route('**/*', (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort()));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await feedback?.stop();
    fx?.cleanup();
  });

  it('logs in, draws the charts, triages a cluster and exports CSV', async () => {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${base}/admin`);
    await expect(page.locator('#login-form').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'login.png') });
    await page.fill('#login-actor', ACTOR);
    await page.fill('#login-token', 'wrong-token-but-long-enough');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#login-error:not([hidden])');
    expect(await page.textContent('#login-error')).toBe('Mã quản trị không đúng.');

    await page.fill('#login-token', TOKEN);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    expect(await page.evaluate(() => sessionStorage.getItem('admin.token'))).toBe(TOKEN);

    // Time chart: one stacked bar per day of the 30-day range, some of them tall, and the share line.
    const time = page.locator('#chart-time svg[data-chart="time"]');
    expect(await time.locator('rect.answered').count()).toBe(30);
    const heights = await time.locator('rect').evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))));
    expect(heights.filter((h) => h > 5).length).toBeGreaterThan(20);
    const points = (await time.locator('polyline.share-line').getAttribute('points'))!.trim().split(' ');
    expect(points.length).toBeGreaterThan(20);
    const box = await time.boundingBox();
    expect(box!.width).toBeGreaterThan(500);

    // Per-indicator and per-commune bars with their labels.
    const indicatorLabels = await page.locator('#chart-indicator svg text.label').allTextContents();
    expect(indicatorLabels.length).toBeGreaterThanOrEqual(3);
    expect(indicatorLabels.join(' ')).toContain('Tỷ lệ');
    expect(await page.locator('#chart-commune svg text.label').allTextContents()).toEqual(expect.arrayContaining(COMMUNES));
    const total = Number((await page.textContent('#kpi-questions'))!.replace(/\D/g, ''));
    expect(total).toBeGreaterThan(300);

    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png') });

    // Triage: attach the "rút tiền mặt từ ví" cluster to the social-welfare account guide.
    const card = page.locator('article.cluster', { hasText: 'MoMo' }).first();
    await card.waitFor();
    const clusterId = await card.getAttribute('data-cluster-id');
    await card.locator('select.guide-select').selectOption('thanh-toan-tai-khoan-an-sinh-vneid');
    await card.locator('button[data-action="attach"]').click();
    await page.waitForSelector('#toast:not([hidden])', { timeout: 30_000 });
    expect(await page.textContent('#toast')).toMatch(/^Đã gắn \d câu vào “.+” \(\d+ câu hỏi\)\.$/);
    await page.waitForFunction((id) => !document.querySelector(`article.cluster[data-cluster-id="${id}"]`), clusterId);

    const api = await fetch(`${base}/api/admin/triage/actions`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const { actions } = await api.json();
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ actor: ACTOR, kind: 'attach_to_guide', guideId: 'thanh-toan-tai-khoan-an-sinh-vneid' });
    expect(actions[0].turnIds.length).toBeGreaterThan(10);
    expect((await fx.engine.ask('ví MoMo có rút tiền mặt ở cây ATM được không')).topic).toBe('thanh-toan-tai-khoan-an-sinh-vneid');

    await page.click('.tab[data-tab="log"]');
    await page.waitForSelector('#action-log li');
    expect(await page.textContent('#action-log')).toContain(ACTOR);
    await page.click('.tab[data-tab="queue"]');

    // Export: the downloaded file is UTF-8 with a BOM and keeps Vietnamese.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-indicator')]);
    expect(download.suggestedFilename()).toMatch(/^bao-cao-chi-so-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('Tỷ lệ trả lời được (%)');
    expect(text).toContain('Tỷ lệ công dân được cấp và kích hoạt tài khoản định danh điện tử');

    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-after-triage.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-full.png'), fullPage: true });
    expect(requests.every((u) => u.startsWith(base) || u.startsWith('blob:'))).toBe(true);
  });
});
