/**
 * Handoff end to end over loopback: signed Zalo and Messenger webhooks into the real app, the inbox, the
 * bot and its flows, the handoff store, and the exact requests reaching the fake Zalo OA API and Graph API.
 * A citizen on Zalo asks for staff → the commune's staff member on Messenger is notified → claims → replies
 * → the citizen receives it → the ticket is closed → the bot answers the citizen again. Then the Messenger
 * windows: a staff reply after 24 h goes out with the HUMAN_AGENT tag, after 7 days it is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerEngine } from '../../src/knowledge/engine.js';
import { SqliteHandoffStore } from '../../src/handoff/store-sqlite.js';
import { CITIZEN, STAFF } from '../../src/handoff/texts.js';
import { FLOW_TEXTS } from '../../src/dialogs/flow-texts.js';
import { staffAdminRoutes } from '../../src/admin/staff-routes.js';
import { buildTestEngine } from './support/engine.js';
import { FakePlatform, graphOk, zaloOk } from './support/fake-platform.js';
import { messengerSignature, messengerTextBody, zaloSignature, zaloTextBody } from './support/fixtures.js';
import { messengerEnv, startHarness, zaloEnv, type Harness } from './support/harness.js';
import { COMMUNES, FLOWS, stepText } from '../dialogs/support.js';

const CITIZEN_ZALO = '8312645790123456789';
const STAFF_PSID = '25193846071284553';
const CITIZEN_PSID = '7391028465519203';
const STAFF_ZALO = '8312645790123450001';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

let engine: AnswerEngine;
let zalo: FakePlatform;
let graph: FakePlatform;
let zaloUrl: string;
let graphUrl: string;
let h: Harness | undefined;
let store: SqliteHandoffStore | undefined;
let dataDir: string;
let clock = Date.now();

beforeAll(async () => {
  engine = await buildTestEngine();
  zalo = new FakePlatform((_req, i) => zaloOk(i));
  graph = new FakePlatform(graphOk);
  zaloUrl = await zalo.start();
  graphUrl = await graph.start();
});
afterAll(async () => {
  await zalo.close();
  await graph.close();
});
afterEach(async () => {
  await h?.close();
  store?.close();
  h = undefined;
  store = undefined;
  zalo.reset();
  graph.reset();
});

async function start() {
  dataDir = mkdtempSync(join(tmpdir(), 'handoff-e2e-'));
  store = SqliteHandoffStore.inDataDir(dataDir);
  clock = Date.now();
  h = await startHarness({
    engine,
    dataDir,
    env: { ...zaloEnv(zaloUrl), ...messengerEnv(graphUrl) },
    assistant: { flows: FLOWS, communes: COMMUNES, handoffStore: store, now: () => new Date(clock) },
    extraRouters: (channels) => [staffAdminRoutes({ handoff: channels.handoff, communes: COMMUNES, adminToken: ADMIN_TOKEN })],
  });
  return h;
}

let msgSeq = 0;
async function fromCitizenZalo(text: string) {
  const body = zaloTextBody({ userId: CITIZEN_ZALO, msgId: `zmsg${Date.now()}${msgSeq++}`, text });
  expect((await h!.post('/webhooks/zalo', body, { 'X-ZEvent-Signature': zaloSignature(body) })).status).toBe(200);
  await h!.channels.inbox.idle();
}
async function fromStaffZalo(text: string) {
  const body = zaloTextBody({ userId: STAFF_ZALO, msgId: `zmsg${Date.now()}${msgSeq++}`, text });
  expect((await h!.post('/webhooks/zalo', body, { 'X-ZEvent-Signature': zaloSignature(body) })).status).toBe(200);
  await h!.channels.inbox.idle();
}
async function fromMessenger(psid: string, text: string, quickReplyPayload?: string) {
  const body = messengerTextBody({ psid, mid: `m_${Date.now()}_${msgSeq++}`, text, quickReplyPayload });
  expect((await h!.post('/webhooks/messenger', body, { 'X-Hub-Signature-256': messengerSignature(body) })).status).toBe(200);
  await h!.channels.inbox.idle();
}

/** What the fake platforms received since the last reset, as JSON bodies. */
const zaloSends = () => zalo.requests.filter((r) => r.path === '/v3.0/oa/message/cs').map((r) => r.json);
const graphSends = () => graph.requests.filter((r) => r.path === '/me/messages').map((r) => r.json);
const take = () => {
  const sent = { zalo: zaloSends(), graph: graphSends() };
  zalo.reset();
  graph.reset();
  return sent;
};

const zaloText = (text: string, buttons: Array<{ title: string; payload: string }> = []) => ({
  recipient: { user_id: CITIZEN_ZALO },
  message: buttons.length
    ? { text, attachment: { type: 'template', payload: { buttons: buttons.map((b) => ({ ...b, type: 'oa.query.hide' })) } } }
    : { text },
});
const graphText = (psid: string, text: string, replies: Array<{ title: string; payload: string }> = [], tagged = false) => ({
  recipient: { id: psid },
  ...(tagged ? { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } : { messaging_type: 'RESPONSE' }),
  message: replies.length ? { text, quick_replies: replies.map((r) => ({ content_type: 'text', ...r })) } : { text },
});

async function admin(path: string, body: unknown) {
  const res = await fetch(`${h!.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe('handoff: citizen on Zalo, commune staff on Messenger', () => {
  it('notifies, claims, relays both ways, closes, then the bot answers again', async () => {
    await start();
    // The administrator creates a one-time code for xã Mường Phăng; the staff member sends it to the bot.
    const created = await admin('/api/admin/staff/join-codes', { communeCode: '03325', name: 'Lò Thị Hoa' });
    expect(created.status).toBe(201);
    await fromMessenger(STAFF_PSID, `mã cán bộ ${created.json.code}`);
    expect(take().graph).toEqual([graphText(STAFF_PSID, STAFF.registered('xã Mường Phăng'))]);

    // The citizen asks for a person; the flow asks the commune first.
    await fromCitizenZalo('gặp cán bộ');
    expect(take().zalo).toEqual([zaloText(stepText('gap-can-bo', 'hoi-xa'), [{ title: 'Bỏ qua', payload: 'flow:gap-can-bo:hoi-xa:skip' }])]);

    await fromCitizenZalo('Mường Phăng');
    const opened = take();
    expect(opened.zalo).toEqual([
      zaloText(FLOW_TEXTS.communeSaved('xã Mường Phăng')),
      zaloText(CITIZEN.opened(1, 'cán bộ xã Mường Phăng'), [{ title: 'Kết thúc', payload: 'ticket:close:1' }]),
    ]);
    expect(opened.graph).toEqual([
      graphText(STAFF_PSID, STAFF.newTicket(1, 'ở xã Mường Phăng', 'Zalo', null), [{ title: 'Nhận phiếu #1', payload: 'ticket:claim:1' }]),
    ]);

    // Before anyone claims it, the citizen's message is kept and they are told once.
    const question = 'Cho em hỏi làm căn cước cho bé 3 tuổi ở đâu ạ';
    await fromCitizenZalo(question);
    expect(take()).toEqual({ zalo: [zaloText(CITIZEN.queued, [{ title: 'Kết thúc', payload: 'ticket:close:1' }])], graph: [] });

    // The staff member taps "Nhận phiếu #1".
    await fromMessenger(STAFF_PSID, 'Nhận phiếu #1', 'ticket:claim:1');
    const claimed = take();
    expect(claimed.graph).toEqual([graphText(STAFF_PSID, STAFF.claimed(1, [question]), [{ title: 'Đóng phiếu #1', payload: 'ticket:close:1' }])]);
    expect(claimed.zalo).toEqual([zaloText(CITIZEN.claimed('xã Mường Phăng'), [{ title: 'Kết thúc', payload: 'ticket:close:1' }])]);

    // The staff member's reply reaches the citizen on Zalo, exactly once.
    const answer = 'Chào em, trẻ dưới 6 tuổi bố mẹ làm thẻ căn cước hoàn toàn trực tuyến trên VNeID, không cần đưa bé đến.';
    await fromMessenger(STAFF_PSID, answer);
    const relayed = take();
    expect(relayed.zalo).toEqual([zaloText(CITIZEN.staffReply('xã Mường Phăng', answer), [{ title: 'Kết thúc', payload: 'ticket:close:1' }])]);
    expect(relayed.graph).toEqual([
      graphText(STAFF_PSID, STAFF.delivered, [
        { title: 'Đóng phiếu #1', payload: 'ticket:close:1' },
        { title: 'Lưu làm gợi ý', payload: 'ticket:save:1' },
      ]),
    ]);

    // The citizen's next message goes to the staff member, not to the bot.
    await fromCitizenZalo('Dạ em cảm ơn cán bộ');
    expect(take()).toEqual({
      zalo: [],
      graph: [graphText(STAFF_PSID, STAFF.citizenSays(1, 'Dạ em cảm ơn cán bộ'), [{ title: 'Đóng phiếu #1', payload: 'ticket:close:1' }])],
    });

    // The answer is saved as a knowledge suggestion: a forwarded, uncovered turn of the commune for triage.
    await fromMessenger(STAFF_PSID, 'lưu gợi ý');
    expect(take().graph).toEqual([graphText(STAFF_PSID, STAFF.suggestionSaved)]);
    expect(h!.recorder.turns.at(-1)).toMatchObject({ text: question, status: 'uncovered', forwarded: true, communeCode: '03325', channel: 'messenger' });
    const [suggestion] = await store!.listSuggestions(10);
    expect(suggestion).toMatchObject({ ticketId: 1, question, answer, communeCode: '03325', staffName: 'Lò Thị Hoa' });

    // The staff member closes the ticket; the citizen is told and the bot answers them again.
    await fromMessenger(STAFF_PSID, 'đóng');
    expect(take()).toEqual({ graph: [graphText(STAFF_PSID, STAFF.youClosed(1))], zalo: [zaloText(CITIZEN.closedByStaff)] });
    expect((await store!.getTicket(1))).toMatchObject({ status: 'closed', closedBy: 'staff' });

    const next = engine.guide('dvc-dang-ky-tam-tru')!.questions[0]!;
    const result = await engine.ask(next);
    await fromCitizenZalo(next);
    const answered = take();
    expect(answered.graph).toEqual([]);
    expect(answered.zalo.map((b: any) => b.message.text)).toEqual(result.pieces);
    expect(h!.recorder.turns.at(-1)).toMatchObject({ channel: 'zalo', text: next, topic: result.topic, communeCode: '03325' });
  });

  it('the citizen may end the conversation; a second claim is refused', async () => {
    await start();
    expect((await admin('/api/admin/staff', { channel: 'messenger', platformUserId: STAFF_PSID, communeCode: '03325', name: 'Lò Thị Hoa' })).status).toBe(201);
    await fromCitizenZalo('gap can bo');
    await fromCitizenZalo('xa muong phang');
    await fromMessenger(STAFF_PSID, 'Nhận phiếu #1', 'ticket:claim:1');
    take();
    await fromCitizenZalo('kết thúc');
    expect(take()).toEqual({ zalo: [zaloText(CITIZEN.closedByCitizen)], graph: [graphText(STAFF_PSID, STAFF.citizenClosed(1))] });
    await fromMessenger(STAFF_PSID, 'Nhận phiếu #1', 'ticket:claim:1');
    expect(take().graph).toEqual([graphText(STAFF_PSID, STAFF.closedAlready(1))]);
  });
});

describe('handoff: citizen on Messenger, province staff on Zalo, messaging windows', () => {
  it('tags a reply after 24 hours as HUMAN_AGENT and refuses one after 7 days', async () => {
    await start();
    const registered = await admin('/api/admin/staff', { channel: 'zalo', platformUserId: STAFF_ZALO, name: 'Cà Văn Dũng' });
    expect(registered.json.staff).toMatchObject({ communeCode: null, via: 'admin' });

    await fromMessenger(CITIZEN_PSID, 'tôi muốn gặp cán bộ');
    await fromMessenger(CITIZEN_PSID, 'Bỏ qua', 'flow:gap-can-bo:hoi-xa:skip');
    const opened = take();
    expect(opened.graph.at(-1)).toEqual(graphText(CITIZEN_PSID, CITIZEN.opened(1, 'tổ hỗ trợ chung của tỉnh'), [{ title: 'Kết thúc', payload: 'ticket:close:1' }]));
    expect(opened.zalo).toEqual([
      {
        recipient: { user_id: STAFF_ZALO },
        message: {
          text: STAFF.newTicket(1, 'chưa rõ xã/phường', 'Messenger', null),
          attachment: { type: 'template', payload: { buttons: [{ title: 'Nhận phiếu #1', type: 'oa.query.hide', payload: 'ticket:claim:1' }] } },
        },
      },
    ]);
    await fromStaffZalo('ticket:claim:1');
    take();

    clock += 30 * 3600_000; // 30 hours after the citizen's last message
    await fromStaffZalo('Anh chị gọi tổng đài VNeID để được hỗ trợ khóa tài khoản nhé.');
    const late = take();
    expect(late.graph).toEqual([
      graphText(CITIZEN_PSID, CITIZEN.staffReply('tổ hỗ trợ chung của tỉnh', 'Anh chị gọi tổng đài VNeID để được hỗ trợ khóa tài khoản nhé.'), [{ title: 'Kết thúc', payload: 'ticket:close:1' }], true),
    ]);
    expect(late.zalo.map((b: any) => b.message.text)).toEqual([STAFF.deliveredHumanAgent]);

    clock += 7 * 24 * 3600_000; // past the 7-day human-agent window
    await fromStaffZalo('Anh chị còn cần hỗ trợ không?');
    const refused = take();
    expect(refused.graph).toEqual([]);
    expect(refused.zalo.map((b: any) => b.message.text)).toEqual([STAFF.windowClosed('Messenger')]);
    const messages = await store!.listMessages(1);
    expect(messages.map((m) => [m.author, m.delivered])).toEqual([
      ['staff', true],
      ['staff', false],
    ]);
  });
});

afterAll(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});
