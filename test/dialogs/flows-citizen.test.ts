/**
 * The onboarding, VNeID level-2 readiness and newborn flows, turn by turn through TestAdapter: buttons,
 * numbered and typed answers (with or without diacritics), answers composed from the guides, the global
 * "menu" / "bắt đầu lại" commands, and leaving a flow with a new question.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryStorage } from 'botbuilder';
import type { AnswerEngine } from '../../src/knowledge/engine.js';
import { composeGuideAnswer } from '../../src/knowledge/compose.js';
import { FLOW_TEXTS } from '../../src/dialogs/flow-texts.js';
import { WELCOME } from '../../src/bot/replies.js';
import { buildTestEngine } from '../channels/support/engine.js';
import type { RecordingRecorder } from '../channels/support/recorder.js';
import { botOver, chat, lastButtons, payloads, stepText, texts } from './support.js';

let engine: AnswerEngine;
beforeAll(async () => {
  engine = await buildTestEngine();
});

const guide = (id: string) => composeGuideAnswer(engine.guide(id)!);
const MENU_PAYLOADS = ['start:san-sang-vneid-muc-2', 'start:nop-ho-so-lan-dau', 'start:khai-sinh-cho-be', 'topic:chung-tra-cuu-ho-so', 'start:gap-can-bo'];

describe('onboarding (lam-quen)', () => {
  it('greets a new follower, asks the commune (skippable), saves it and shows the menu', async () => {
    const { bot, recorder } = botOver(new MemoryStorage(), engine);
    const { say, follow } = chat(bot);
    const hello = await follow();
    expect(texts(hello)).toEqual([stepText('lam-quen', 'chao'), stepText('lam-quen', 'hoi-xa')]);
    expect(lastButtons(hello)).toEqual([{ title: 'Bỏ qua', payload: 'flow:lam-quen:hoi-xa:skip' }]);

    const saved = await say('em ở xã muong phang a');
    expect(texts(saved)).toEqual([FLOW_TEXTS.communeSaved('xã Mường Phăng'), stepText('lam-quen', 'menu')]);
    expect(payloads(saved)).toEqual(MENU_PAYLOADS);
    expect(lastButtons(saved).map((b) => b.title)).toEqual(['Sẵn sàng VNeID mức 2', 'Nộp hồ sơ lần đầu', 'Khai sinh cho bé', 'Tra cứu hồ sơ', 'Gặp cán bộ']);

    // Every later turn carries the commune.
    const question = engine.guide('dvc-dang-ky-tam-tru')!.questions[0]!;
    await say(question);
    expect((recorder as RecordingRecorder).turns.at(-1)).toMatchObject({ text: question, communeCode: '03325' });
  });

  it('asks with buttons when the name is ambiguous, and a number picks one', async () => {
    const { bot, recorder } = botOver(new MemoryStorage(), engine);
    const { say, follow } = chat(bot);
    await follow();
    const which = await say('Thanh');
    expect(texts(which)).toEqual([FLOW_TEXTS.communeWhichOne]);
    expect(lastButtons(which)).toEqual([
      { title: 'Phường Mường Thanh', payload: 'commune:03334' },
      { title: 'Xã Thanh An', payload: 'commune:03352' },
      { title: 'Xã Thanh Nưa', payload: 'commune:03328' },
      { title: 'Xã Thanh Yên', payload: 'commune:03349' },
      { title: 'Bỏ qua', payload: 'flow:lam-quen:hoi-xa:skip' },
    ]);
    const picked = await say('3');
    expect(texts(picked)[0]).toBe(FLOW_TEXTS.communeSaved('xã Thanh Nưa'));
    await say('cảm ơn');
    expect((recorder as RecordingRecorder).turns.at(-1)).toMatchObject({ communeCode: '03328' });
  });

  it('takes an old (pre-2025) name, re-asks once for an unknown name, and can be skipped', async () => {
    const { bot } = botOver(new MemoryStorage(), engine);
    const a = chat(bot, { userId: '1000000000000000001' });
    await a.follow();
    expect(texts(await a.say('Him Lam'))[0]).toBe(FLOW_TEXTS.communeSaved('phường Điện Biên Phủ'));

    const b = chat(bot, { userId: '1000000000000000002' });
    await b.follow();
    expect(texts(await b.say('Bản Xyz'))).toEqual([FLOW_TEXTS.communeNotFound]);
    const skipped = await b.say('bo qua');
    expect(texts(skipped)).toEqual([FLOW_TEXTS.communeSkipped, stepText('lam-quen', 'menu')]);
  });

  it('starts on a first greeting, not on a first real question', async () => {
    const { bot } = botOver(new MemoryStorage(), engine);
    const greeter = chat(bot, { userId: '1000000000000000003' });
    expect(texts(await greeter.say('xin chào'))).toEqual([stepText('lam-quen', 'chao'), stepText('lam-quen', 'hoi-xa')]);

    const asker = chat(bot, { userId: '1000000000000000004' });
    const question = engine.guide('vneid-quen-mat-khau-passcode')!.questions[0]!;
    expect(texts(await asker.say(question))).toEqual((await engine.ask(question)).pieces);
    expect(texts(await asker.say('menu'))).toEqual([WELCOME]);
  });
});

describe('VNeID level-2 readiness (san-sang-vneid-muc-2)', () => {
  it('chip card + own SIM + NFC phone → go to any commune police, with the level-2 guide', async () => {
    const { bot } = botOver(new MemoryStorage(), engine);
    const { say } = chat(bot, { userId: '2000000000000000001' });
    const start = await say('start:san-sang-vneid-muc-2');
    expect(texts(start)).toEqual([stepText('san-sang-vneid-muc-2', 'tai-khoan')]);
    expect(lastButtons(start).map((b) => b.title)).toEqual(['Chưa có tài khoản', 'Mới có mức 1', 'Mức 2 chưa kích hoạt', 'Đã dùng mức 2']);
    expect(texts(await say('flow:san-sang-vneid-muc-2:tai-khoan:chua-co'))).toEqual([stepText('san-sang-vneid-muc-2', 'the-chip')]);
    expect(texts(await say('co roi'))).toEqual([stepText('san-sang-vneid-muc-2', 'so-dien-thoai')]); // typed, no diacritics
    expect(texts(await say('1'))).toEqual([stepText('san-sang-vneid-muc-2', 'dien-thoai')]); // numbered
    const done = await say('Có, máy có NFC');
    expect(texts(done)).toEqual([stepText('san-sang-vneid-muc-2', 'ket-qua'), ...guide('vneid-dang-ky-muc-2')]);
  });

  it('no chip card → make the card first (card guide); no smartphone → activation guide', async () => {
    const { bot } = botOver(new MemoryStorage(), engine);
    const a = chat(bot, { userId: '2000000000000000002' });
    await a.say('kiểm tra vneid mức 2'); // trigger phrase
    await a.say('mới có mức 1');
    expect(texts(await a.say('chưa có'))).toEqual([stepText('san-sang-vneid-muc-2', 'can-lam-the'), ...guide('dvc-cap-doi-cap-lai-the-can-cuoc')]);

    const b = chat(bot, { userId: '2000000000000000003' });
    await b.say('kiem tra vneid muc 2');
    await b.say('chưa có tài khoản');
    await b.say('có');
    expect(texts(await b.say('không rõ'))).toEqual([stepText('san-sang-vneid-muc-2', 'can-sim'), stepText('san-sang-vneid-muc-2', 'dien-thoai')]);
    expect(texts(await b.say('khong co'))).toEqual([stepText('san-sang-vneid-muc-2', 'khong-smartphone'), ...guide('vneid-kich-hoat-tai-khoan')]);
  });

  it('leaves the flow for a new question and answers it from the knowledge base', async () => {
    const { bot, recorder } = botOver(new MemoryStorage(), engine);
    const { say } = chat(bot, { userId: '2000000000000000004' });
    await say('start:san-sang-vneid-muc-2');
    await say('chưa có tài khoản');
    const question = 'quên mật khẩu vneid thì lấy lại thế nào';
    const expected = await engine.ask(question);
    expect(expected.status).toBe('answered');
    expect(texts(await say(question))).toEqual(expected.pieces);
    expect((recorder as RecordingRecorder).turns.at(-1)).toMatchObject({ text: question, topic: expected.topic });
    // The flow is over: "có" is no longer an answer to the chip-card question.
    expect(texts(await say('bắt đầu lại'))).toEqual([WELCOME]);
  });

  it('"bắt đầu lại" restarts the running flow; "menu" leaves it', async () => {
    const { bot } = botOver(new MemoryStorage(), engine);
    const { say } = chat(bot, { userId: '2000000000000000005' });
    await say('start:san-sang-vneid-muc-2');
    await say('chưa có tài khoản');
    expect(texts(await say('bat dau lai'))).toEqual([stepText('san-sang-vneid-muc-2', 'tai-khoan')]);
    const menu = await say('MENU');
    expect(texts(menu)).toEqual([WELCOME]);
    expect(payloads(menu)).toEqual(MENU_PAYLOADS);
    // A button of the abandoned step is stale now.
    const stale = await say('flow:san-sang-vneid-muc-2:the-chip:co');
    expect(texts(stale)[0]).toMatch(/^Nút bạn vừa bấm thuộc một bước đã kết thúc/);
  });
});

describe('newborn registration (khai-sinh-cho-be)', () => {
  it('walks the linked birth – residence – health-insurance procedure to the full guide', async () => {
    const { bot } = botOver(new MemoryStorage(), engine);
    const { say } = chat(bot, { userId: '3000000000000000001' });
    const start = await say('làm giấy khai sinh cho con');
    expect(texts(start)).toEqual([stepText('khai-sinh-cho-be', 'gioi-thieu'), stepText('khai-sinh-cho-be', 'hoi-muc-2')]);
    expect(texts(await say('có rồi'))).toEqual([stepText('khai-sinh-cho-be', 'noi-sinh')]);
    expect(texts(await say('Sinh tại nhà'))).toEqual([stepText('khai-sinh-cho-be', 'sinh-tai-nha'), stepText('khai-sinh-cho-be', 'ket-hon')]);
    expect(texts(await say('chưa kết hôn'))).toEqual([stepText('khai-sinh-cho-be', 'luu-y-truong-hop'), stepText('khai-sinh-cho-be', 'cac-buoc')]);
    expect(texts(await say('1'))).toEqual([...guide('dvc-lien-thong-khai-sinh-thuong-tru-bhyt'), stepText('khai-sinh-cho-be', 'ket-thuc')]);
  });

  it('points a parent without level 2 to the level-2 guide', async () => {
    const { bot } = botOver(new MemoryStorage(), engine);
    const { say } = chat(bot, { userId: '3000000000000000002' });
    await say('start:khai-sinh-cho-be');
    expect(texts(await say('chua'))).toEqual([stepText('khai-sinh-cho-be', 'can-muc-2'), ...guide('vneid-dang-ky-muc-2')]);
  });
});
