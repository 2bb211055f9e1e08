/**
 * The "gặp cán bộ" flow through TestAdapter: it asks the commune only when unknown, opens a ticket routed to
 * that commune's staff (else the province pool), carries the citizen's last (redacted) question, and says
 * so when the channel cannot reach staff or nobody is registered. Notices go through a recording notifier;
 * the real platform wire is covered by test/channels/handoff.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryStorage } from 'botbuilder';
import type { AnswerEngine } from '../../src/knowledge/engine.js';
import { HandoffService, type ProactiveMessage, type ProactiveNotifier } from '../../src/handoff/service.js';
import { BotStateAddressBook } from '../../src/handoff/address-book.js';
import { SqliteHandoffStore } from '../../src/handoff/store-sqlite.js';
import { CITIZEN, STAFF } from '../../src/handoff/texts.js';
import { FLOW_TEXTS } from '../../src/dialogs/flow-texts.js';
import type { Address } from '../../src/handoff/types.js';
import { buildTestEngine } from '../channels/support/engine.js';
import { RecordingRecorder, testRedact } from '../channels/support/recorder.js';
import { COMMUNES, botOver, chat, lastButtons, stepText, texts } from './support.js';

let engine: AnswerEngine;
beforeAll(async () => {
  engine = await buildTestEngine();
});

class RecordingNotifier implements ProactiveNotifier {
  readonly sent: Array<{ to: Address; message: ProactiveMessage }> = [];
  supports(channel: string) {
    return channel === 'zalo' || channel === 'messenger';
  }
  async send(to: Address, message: ProactiveMessage) {
    this.sent.push({ to, message });
    return { ok: true as const };
  }
}

async function setup(staff: Array<{ communeCode: string | null; id: string }> = []) {
  const storage = new MemoryStorage();
  const store = SqliteHandoffStore.inDataDir(':memory:');
  const notifier = new RecordingNotifier();
  const recorder = new RecordingRecorder();
  const handoff = new HandoffService({
    store, notifier, addresses: new BotStateAddressBook(storage), communes: COMMUNES, recorder, redact: testRedact, log: { warn: () => {} },
  });
  for (const s of staff) await handoff.registerStaff({ channel: 'messenger', platformUserId: s.id, communeCode: s.communeCode, name: 'Cán bộ thử' });
  const { bot } = botOver(storage, engine, { handoff, recorder });
  return { bot, store, notifier, handoff };
}

describe('gặp cán bộ (gap-can-bo)', () => {
  it('asks the commune when unknown (ambiguous → buttons), then opens a ticket for that commune', async () => {
    const { bot, store, notifier } = await setup([{ communeCode: '03217', id: '111111111111' }, { communeCode: null, id: '222222222222' }]);
    const { say } = chat(bot, { userId: '5000000000000000001' });
    expect(texts(await say('gặp cán bộ'))).toEqual([stepText('gap-can-bo', 'hoi-xa')]);
    const which = await say('tủa');
    expect(lastButtons(which).map((b) => b.payload)).toEqual(['commune:03217', 'commune:03220', 'flow:gap-can-bo:hoi-xa:skip']);
    const opened = await say({ text: 'Xã Tủa Chùa', value: { payload: 'commune:03217' } });
    expect(texts(opened)).toEqual([FLOW_TEXTS.communeSaved('xã Tủa Chùa'), CITIZEN.opened(1, 'cán bộ xã Tủa Chùa')]);
    expect(lastButtons(opened)).toEqual([{ title: 'Kết thúc', payload: 'ticket:close:1' }]);
    expect(await store.getTicket(1)).toMatchObject({ communeCode: '03217', routing: 'commune', status: 'open', citizenChannel: 'zalo' });
    expect(notifier.sent).toEqual([
      {
        to: { channel: 'messenger', userId: '111111111111' },
        message: { text: STAFF.newTicket(1, 'ở xã Tủa Chùa', 'Zalo', null), buttons: [{ title: 'Nhận phiếu #1', payload: 'ticket:claim:1' }] },
      },
    ]);
    // While the ticket is open, the citizen's messages are kept for staff, not answered by the bot.
    expect(texts(await say('cho em hỏi thủ tục cấp lại căn cước'))).toEqual([CITIZEN.queued]);
    expect(texts(await say('còn nữa ạ'))).toEqual([]);
    expect((await store.listMessages(1)).map((m) => m.text)).toEqual(['cho em hỏi thủ tục cấp lại căn cước', 'còn nữa ạ']);
    expect(texts(await say('gặp cán bộ'))).toEqual([]); // still routed to the open ticket
    // Until a staff member claims it, "menu" still reaches the bot; the ticket stays open.
    expect(texts(await say('menu'))[0]).toMatch(/^Chào bạn!/);
    expect(await store.getTicket(1)).toMatchObject({ status: 'open' });
    expect(texts(await say('Kết thúc'))).toEqual([CITIZEN.closedByCitizen]);
  });

  it('skips the question when the commune is known, and hands over the last question, redacted', async () => {
    const { bot, store, notifier } = await setup([{ communeCode: null, id: '222222222222' }]);
    const { say, follow } = chat(bot, { userId: '5000000000000000002' });
    await follow();
    await say('Mường Phăng');
    const question = 'số cccd 001099012345 của tôi bị sai ngày sinh thì sửa ở đâu';
    const answer = await say(question);
    const result = await engine.ask(question);
    expect(texts(answer)).toEqual(result.pieces);
    if (result.status === 'uncovered') expect(lastButtons(answer).at(-1)).toEqual({ title: 'Gặp cán bộ', payload: 'handoff' });
    const opened = await say('gap can bo');
    expect(texts(opened)).toEqual([CITIZEN.opened(1, 'tổ hỗ trợ chung của tỉnh')]);
    const ticket = await store.getTicket(1);
    expect(ticket).toMatchObject({ communeCode: '03325', routing: 'province', question: 'số cccd [số] của tôi bị sai ngày sinh thì sửa ở đâu' });
    expect(notifier.sent[0]!.message.text).toBe(STAFF.newTicket(1, 'ở xã Mường Phăng', 'Zalo', 'số cccd [số] của tôi bị sai ngày sinh thì sửa ở đâu'));
  });

  it('the "Gặp cán bộ" button after an uncovered answer starts the same flow', async () => {
    const { bot, store } = await setup([{ communeCode: '03325', id: '111111111111' }]);
    const { say } = chat(bot, { userId: '5000000000000000003' });
    const tapped = await say({ text: 'Gặp cán bộ', value: { payload: 'handoff' } });
    expect(texts(tapped)).toEqual([stepText('gap-can-bo', 'hoi-xa')]);
    await say('bỏ qua');
    expect(await store.getTicket(1)).toMatchObject({ communeCode: null, routing: 'all' });
  });

  it('says so when nobody is registered, or when the channel cannot reach staff', async () => {
    const empty = await setup([]);
    const a = chat(empty.bot, { userId: '5000000000000000004' });
    await a.say('gặp cán bộ');
    expect(texts(await a.say('Mường Phăng'))).toEqual([FLOW_TEXTS.communeSaved('xã Mường Phăng'), CITIZEN.noStaff]);

    const web = await setup([{ communeCode: null, id: '222222222222' }]);
    const b = chat(web.bot, { channelId: 'webchat', userId: 'web-abcdefgh12' });
    await b.say('gặp cán bộ');
    expect(texts(await b.say('bỏ qua'))).toEqual([FLOW_TEXTS.communeSkipped, CITIZEN.unsupportedChannel]);
    expect(web.notifier.sent).toEqual([]);
  });
});
