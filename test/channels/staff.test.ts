/**
 * Commune staff over the real wire: the admin API (behind the admin token) creates one-time join codes,
 * a staff member registers by sending "mã cán bộ …" on Messenger, and "Hỏi giúp: …" returns an answer to
 * copy for a citizen, recorded as a forwarded turn with the staff member's commune.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerEngine } from '../../src/knowledge/engine.js';
import { SqliteHandoffStore } from '../../src/handoff/store-sqlite.js';
import { STAFF } from '../../src/handoff/texts.js';
import { staffAdminRoutes } from '../../src/admin/staff-routes.js';
import { splitText } from '../../src/channels/outbound.js';
import { buildTestEngine } from './support/engine.js';
import { FakePlatform, graphOk } from './support/fake-platform.js';
import { messengerSignature, messengerTextBody } from './support/fixtures.js';
import { messengerEnv, startHarness, type Harness } from './support/harness.js';
import { COMMUNES, FLOWS } from '../dialogs/support.js';

const STAFF_PSID = '25193846071284553';
const OTHER_PSID = '7391028465519203';
const TOKEN = 'admin-token-0123456789abcdef';

let engine: AnswerEngine;
let graph: FakePlatform;
let graphUrl: string;
let h: Harness | undefined;
let store: SqliteHandoffStore | undefined;
let clock = Date.now();

beforeAll(async () => {
  engine = await buildTestEngine();
  graph = new FakePlatform(graphOk);
  graphUrl = await graph.start();
});
afterAll(async () => {
  await graph.close();
});
afterEach(async () => {
  await h?.close();
  store?.close();
  h = undefined;
  graph.reset();
});

async function start() {
  const dataDir = mkdtempSync(join(tmpdir(), 'staff-e2e-'));
  store = SqliteHandoffStore.inDataDir(dataDir);
  clock = Date.now();
  h = await startHarness({
    engine,
    dataDir,
    env: messengerEnv(graphUrl),
    assistant: { flows: FLOWS, communes: COMMUNES, handoffStore: store, now: () => new Date(clock) },
    extraRouters: (channels) => [staffAdminRoutes({ handoff: channels.handoff, communes: COMMUNES, adminToken: TOKEN })],
  });
}

let seq = 0;
async function say(psid: string, text: string) {
  graph.reset();
  const body = messengerTextBody({ psid, mid: `m_staff_${Date.now()}_${seq++}`, text });
  expect((await h!.post('/webhooks/messenger', body, { 'X-Hub-Signature-256': messengerSignature(body) })).status).toBe(200);
  await h!.channels.inbox.idle();
  return graph.requests.filter((r) => r.path === '/me/messages').map((r) => r.json);
}
const textOnly = (psid: string, text: string) => ({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text } });

async function api(method: string, path: string, body?: unknown, token: string | null = TOKEN) {
  const res = await fetch(`${h!.url}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('staff admin API', () => {
  it('is behind the admin token and validates communes and ids', async () => {
    await start();
    expect((await api('GET', '/api/admin/staff', undefined, null)).status).toBe(401);
    expect((await api('GET', '/api/admin/staff', undefined, 'wrong-token-0123456789')).status).toBe(403);
    expect((await api('POST', '/api/admin/staff/join-codes', { communeCode: '03325', name: 'A' }, null)).status).toBe(401);
    const bad = await api('POST', '/api/admin/staff/join-codes', { communeCode: '99999', name: 'Lò Thị Hoa' });
    expect(bad).toMatchObject({ status: 400, json: { error: 'invalid_request', message: 'communeCode: mã xã/phường không có trong danh sách' } });
    const badId = await api('POST', '/api/admin/staff', { channel: 'zalo', platformUserId: 'abc', name: 'Lò Thị Hoa' });
    expect(badId.status).toBe(400);

    const added = await api('POST', '/api/admin/staff', { channel: 'zalo', platformUserId: '8312645790123450001', communeCode: '03334', name: 'Cà Văn Dũng' });
    expect(added).toMatchObject({ status: 201, json: { staff: { channel: 'zalo', platformUserId: '8312645790123450001', commune: 'Phường Mường Thanh', via: 'admin' } } });
    const list = await api('GET', '/api/admin/staff');
    expect(list.json.staff).toHaveLength(1);
    expect(list.json.communes).toHaveLength(45);
    expect((await api('DELETE', `/api/admin/staff/${added.json.staff.id}`)).status).toBe(204);
    expect((await api('GET', '/api/admin/staff')).json.staff).toEqual([]);
    const page = await fetch(`${h!.url}/admin/staff`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Cán bộ xã, phường');
  });
});

describe('join codes', () => {
  it('registers the sender with the code’s commune and name; the code works once', async () => {
    await start();
    const created = await api('POST', '/api/admin/staff/join-codes', { communeCode: '03328', name: 'Lò Thị Hoa' });
    expect(created.status).toBe(201);
    expect(created.json.code).toMatch(/^[A-HJKMNP-Z]{4}-[A-HJKMNP-Z]{4}$/);
    expect(created.json.message).toBe(`Cán bộ nhắn cho trợ lý: mã cán bộ ${created.json.code}`);

    expect(await say(STAFF_PSID, `Mã cán bộ: ${created.json.code.toLowerCase().replace('-', ' ')}`)).toEqual([
      textOnly(STAFF_PSID, STAFF.registered('xã Thanh Nưa')),
    ]);
    const [staff] = (await api('GET', '/api/admin/staff')).json.staff;
    expect(staff).toMatchObject({ channel: 'messenger', platformUserId: STAFF_PSID, communeCode: '03328', name: 'Lò Thị Hoa', via: 'join_code' });
    const codes = (await api('GET', '/api/admin/staff/join-codes')).json.joinCodes;
    expect(codes[0]).toMatchObject({ communeCode: '03328', name: 'Lò Thị Hoa' });
    expect(codes[0].usedAt).not.toBeNull();
    expect(JSON.stringify(codes)).not.toContain(created.json.code); // only a hash is kept

    expect(await say(OTHER_PSID, `ma can bo ${created.json.code}`)).toEqual([textOnly(OTHER_PSID, STAFF.joinUsed)]);
  });

  it('refuses an expired code, an unknown code, and too many wrong tries', async () => {
    await start();
    const created = await api('POST', '/api/admin/staff/join-codes', { communeCode: '03325', name: 'Lò Văn Páo', ttlHours: 1 });
    clock += 2 * 3600_000;
    expect(await say(OTHER_PSID, `mã cán bộ ${created.json.code}`)).toEqual([textOnly(OTHER_PSID, STAFF.joinExpired)]);
    for (let i = 0; i < 4; i++) expect(await say(OTHER_PSID, 'mã cán bộ ABCD-EFGH')).toEqual([textOnly(OTHER_PSID, STAFF.joinUnknown)]);
    expect(await say(OTHER_PSID, 'mã cán bộ ABCD-EFGH')).toEqual([textOnly(OTHER_PSID, STAFF.joinTooMany)]);
    expect((await api('GET', '/api/admin/staff')).json.staff).toEqual([]);
  });
});

describe('"Hỏi giúp:" forwarding', () => {
  it('answers as a block to copy, without buttons, recorded as forwarded with the staff commune', async () => {
    await start();
    await api('POST', '/api/admin/staff', { channel: 'messenger', platformUserId: STAFF_PSID, communeCode: '03334', name: 'Cà Văn Dũng' });
    const question = 'cách đăng ký tạm trú online cho người thuê trọ';
    const result = await engine.ask(question);
    expect(result.status).toBe('answered');
    const [first, ...rest] = result.pieces;
    const expected = [`${STAFF.forwardedHeader}\n\n${first}`, ...rest].flatMap((p) => splitText(p, 2000));
    expect(await say(STAFF_PSID, `Hỏi giúp: ${question}`)).toEqual(expected.map((p) => textOnly(STAFF_PSID, p)));
    expect(h!.recorder.turns.at(-1)).toMatchObject({ channel: 'messenger', platformUserId: STAFF_PSID, text: question, forwarded: true, communeCode: '03334', topic: result.topic });

    // Without diacritics and without the colon works the same.
    await say(STAFF_PSID, `hoi giup ${question}`);
    expect(h!.recorder.turns.at(-1)).toMatchObject({ text: question, forwarded: true, communeCode: '03334' });

    // A question the knowledge base does not cover is recorded for triage, with a short note to the staff member.
    const uncovered = 'thủ tục xin giấy phép khai thác cát sỏi lòng sông';
    if ((await engine.ask(uncovered)).status !== 'answered') {
      expect(await say(STAFF_PSID, `Hỏi giúp: ${uncovered}`)).toEqual([textOnly(STAFF_PSID, STAFF.forwardedUncovered)]);
      expect(h!.recorder.turns.at(-1)).toMatchObject({ text: uncovered, forwarded: true, communeCode: '03334' });
    }

    // The same words from someone who is not staff are just a question.
    await say(OTHER_PSID, `Hỏi giúp: ${question}`);
    const last = h!.recorder.turns.at(-1)!;
    expect(last).toMatchObject({ platformUserId: OTHER_PSID, communeCode: null });
    expect(last.forwarded).toBeFalsy();
  });
});
