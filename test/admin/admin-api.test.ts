/**
 * The admin API and dashboard through the real express app (createApp + the routers createFeedback gives
 * main.ts), over loopback, with a real engine on a temp copy of the knowledge base.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createFeedback, type Feedback } from '../../src/admin/index.js';
import { turnFromAsk } from '../../src/feedback/recorder.js';
import { createEngineFixture, type EngineFixture } from '../feedback/engine-fixture.js';

const TOKEN = 'admin-token-0123456789abcdef';

async function listen(feedback: Feedback, fx: EngineFixture): Promise<{ server: Server; base: string }> {
  const app = createApp({ engine: () => fx.engine, log: () => undefined, routers: feedback.routers });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('admin API', () => {
  let fx: EngineFixture;
  let feedback: Feedback;
  let server: Server;
  let base: string;
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const ids: string[] = [];

  beforeAll(async () => {
    fx = await createEngineFixture();
    feedback = await createFeedback({
      engine: () => fx.engine,
      knowledgeDir: fx.knowledgeDir,
      env: { DATA_DIR: join(fx.root, 'data'), ADMIN_TOKEN: TOKEN, USER_KEY_SECRET: 'u'.repeat(32) },
      log: { info: () => undefined, warn: () => undefined },
      republish: fx.republish,
      now: () => new Date('2025-03-12T03:00:00Z'),
    });
    ({ server, base } = await listen(feedback, fx));
    const questions: Array<[string, string]> = [
      ['đăng ký nghĩa vụ quân sự online', '26734'],
      ['dang ky nghia vu quan su online o dau', '26737'],
      ['ví MoMo có rút tiền mặt ở cây ATM được không', '26734'],
      ['làm sao kích hoạt tài khoản định danh điện tử mức 2', '26734'],
    ];
    for (const [q, commune] of questions) {
      const r = await fx.engine.ask(q);
      ids.push(await feedback.recorder.record(turnFromAsk(r, { channel: 'zalo', platformUserId: '1', communeCode: commune, at: new Date('2025-03-11T03:00:00Z') })));
    }
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await feedback.stop();
    fx.cleanup();
  });

  it('answers 401 without credentials and 403 with a wrong token', async () => {
    const none = await fetch(`${base}/api/admin/uncovered`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
    expect(await none.json()).toMatchObject({ error: 'unauthorized' });
    expect((await fetch(`${base}/api/admin/uncovered`, { headers: { Authorization: `Basic ${TOKEN}` } })).status).toBe(401);
    const wrong = await fetch(`${base}/api/admin/uncovered`, { headers: { Authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ error: 'forbidden', message: 'Mã quản trị không đúng.' });
    for (const path of ['/api/admin/reports', '/api/admin/triage/actions', '/api/admin/turns', '/api/admin/guides', '/api/admin/session']) {
      expect((await fetch(`${base}${path}`)).status).toBe(401);
    }
    expect((await fetch(`${base}/api/admin/triage`, { method: 'POST' })).status).toBe(401);
  });

  it('lists uncovered turns and their clusters', async () => {
    const res = await fetch(`${base}/api/admin/uncovered`, { headers: auth });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.total).toBe(3);
    expect(body.turns.map((t: { text: string }) => t.text).sort()).toEqual([
      'dang ky nghia vu quan su online o dau',
      'ví MoMo có rút tiền mặt ở cây ATM được không',
      'đăng ký nghĩa vụ quân sự online',
    ]);
    const army = body.clusters.find((c: { turnIds: string[] }) => c.turnIds.includes(ids[0]!));
    expect(army.turnIds.sort()).toEqual([ids[0], ids[1]].sort());
    expect(army.communes).toEqual([{ code: '26734', count: 1 }, { code: '26737', count: 1 }]);
    expect(typeof army.indicatorLabel).toBe('string');
    expect(body.turns[0]).not.toHaveProperty('userKey');

    const searched = await (await fetch(`${base}/api/admin/uncovered?search=${encodeURIComponent('QUÂN SỰ')}`, { headers: auth })).json();
    expect(searched.total).toBe(2);
    const downvoted = await (await fetch(`${base}/api/admin/uncovered?vote=down`, { headers: auth })).json();
    expect(downvoted).toMatchObject({ total: 0, turns: [], clusters: [] });
  });

  it('searches all turns without diacritics', async () => {
    const body = await (await fetch(`${base}/api/admin/turns?search=dinh%20danh&status=answered`, { headers: auth })).json();
    expect(body.total).toBe(1);
    expect(body.turns[0].text).toBe('làm sao kích hoạt tài khoản định danh điện tử mức 2');
  });

  it('serves reports as JSON and as Excel-ready CSV', async () => {
    const json = await (await fetch(`${base}/api/admin/reports?by=commune&from=2025-03-05&to=2025-03-11`, { headers: auth })).json();
    expect(json).toMatchObject({ by: 'commune', period: 'day', from: '2025-03-05', to: '2025-03-11' });
    expect(json.totals).toMatchObject({ questions: 4, answered: 1, uncovered: 3, answeredPct: 25 });
    expect(json.groups.map((g: { key: string; questions: number }) => [g.key, g.questions])).toEqual([['26734', 3], ['26737', 1]]);
    expect(json.series).toHaveLength(7);

    const csv = await fetch(`${base}/api/admin/reports?by=indicator&from=2025-03-05&to=2025-03-11&format=csv`, { headers: auth });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-chi-so-2025-03-05-2025-03-11.csv"');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('Tỷ lệ trả lời được (%)');

    const defaults = await (await fetch(`${base}/api/admin/reports`, { headers: auth })).json();
    expect([defaults.from, defaults.to, defaults.by]).toEqual(['2025-02-11', '2025-03-12', 'indicator']);
  });

  it('rejects malformed queries with 400 and a Vietnamese message', async () => {
    for (const q of ['by=xa', 'from=2025-02-30', 'from=2025-03-10&to=2025-03-01', 'period=year', 'from=2020-01-01&to=2025-03-01']) {
      const res = await fetch(`${base}/api/admin/reports?${q}`, { headers: auth });
      expect(res.status, q).toBe(400);
      expect((await res.json()).error).toBe('invalid_request');
    }
  });

  it('records a triage action with who and when, and lists it', async () => {
    const bad = await fetch(`${base}/api/admin/triage`, {
      method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ actor: 'Hoa', kind: 'needs_new_guide', turnIds: [] }),
    });
    expect(bad.status).toBe(400);
    const res = await fetch(`${base}/api/admin/triage`, {
      method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ actor: 'Nguyễn Thị Hoa', kind: 'needs_new_guide', turnIds: [ids[2]], note: 'Cần hướng dẫn rút tiền trợ cấp qua ví' }),
    });
    expect(res.status).toBe(201);
    const { action, moved } = await res.json();
    expect(moved).toBe(1);
    expect(action).toMatchObject({ actor: 'Nguyễn Thị Hoa', kind: 'needs_new_guide', at: '2025-03-12T03:00:00.000Z', turnIds: [ids[2]] });
    const { actions } = await (await fetch(`${base}/api/admin/triage/actions`, { headers: auth })).json();
    expect(actions[0]).toMatchObject({ id: action.id, note: 'Cần hướng dẫn rút tiền trợ cấp qua ví' });
    const queue = await (await fetch(`${base}/api/admin/uncovered`, { headers: auth })).json();
    expect(queue.total).toBe(2);
  });

  it('serves the dashboard and its assets from the app with a strict CSP', async () => {
    const page = await fetch(`${base}/admin`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ['app.js', 'charts.js', 'app.css']) {
      const res = await fetch(`${base}/admin/assets/${asset}`);
      expect(res.status, asset).toBe(200);
      expect(await res.text()).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    }
    expect((await fetch(`${base}/admin/assets/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('refuses everyone when ADMIN_TOKEN is not set', async () => {
    const disabled = await createFeedback({
      engine: () => fx.engine,
      knowledgeDir: fx.knowledgeDir,
      env: { DATA_DIR: join(fx.root, 'data-disabled'), USER_KEY_SECRET: 'u'.repeat(32) },
      log: { info: () => undefined, warn: () => undefined },
      republish: fx.republish,
    });
    const other = await listen(disabled, fx);
    try {
      const res = await fetch(`${other.base}/api/admin/uncovered`, { headers: { Authorization: 'Bearer anything-at-all-here' } });
      expect(res.status).toBe(403);
      expect((await res.json()).message).toContain('ADMIN_TOKEN');
    } finally {
      await new Promise((r) => other.server.close(r));
      await disabled.stop();
    }
  });
});
