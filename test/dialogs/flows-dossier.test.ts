/**
 * "Nộp hồ sơ trực tuyến lần đầu" turn by turn: branching on a user attribute saved by another flow, the
 * fee and tracking steps with their guides, leaving mid-way with a question, and resuming at the right step
 * with a new bot instance over the same SQLite state file (a restart).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStorage } from 'botbuilder';
import type { AnswerEngine } from '../../src/knowledge/engine.js';
import { composeGuideAnswer } from '../../src/knowledge/compose.js';
import { openSqliteDatabase } from '../../src/storage/sqlite-database.js';
import { SqliteBotStateStorage } from '../../src/storage/sqlite-bot-state-storage.js';
import { buildTestEngine } from '../channels/support/engine.js';
import { RecordingRecorder } from '../channels/support/recorder.js';
import { botOver, chat, lastButtons, stepText, texts } from './support.js';

let engine: AnswerEngine;
const dirs: string[] = [];
beforeAll(async () => {
  engine = await buildTestEngine();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const guide = (id: string) => composeGuideAnswer(engine.guide(id)!);
const step = (id: string) => stepText('nop-ho-so-lan-dau', id);

describe('first online dossier (nop-ho-so-lan-dau)', () => {
  it('asks about level 2, then walks login → procedure → fee → tracking, with the guides on request', async () => {
    const { bot } = botOver(new MemoryStorage(), engine);
    const { say } = chat(bot, { userId: '4000000000000000001' });
    const start = await say('Nộp hồ sơ trực tuyến lần đầu');
    expect(texts(start)).toEqual([step('hoi-muc-2')]);
    expect(lastButtons(start).map((b) => b.title)).toEqual(['Có rồi', 'Chưa có', 'Không rõ']);
    expect(texts(await say('khong biet'))).toEqual([step('cach-xem-muc'), step('hoi-muc-2-lai')]);
    expect(texts(await say('Là mức 2'))).toEqual([step('dang-nhap')]);
    expect(texts(await say('bị lỗi'))).toEqual([...guide('vneid-dang-nhap-cong-dvcqg'), step('thu-lai')]);
    expect(texts(await say('tiếp tục'))).toEqual([step('tim-thu-tuc')]);
    expect(texts(await say('có phí'))).toEqual([step('thanh-toan')]);
    expect(texts(await say('xem chi tiết'))).toEqual([...guide('thanh-toan-phi-le-phi-dvc'), step('theo-doi')]);
    expect(texts(await say('1'))).toEqual([...guide('chung-tra-cuu-ho-so'), step('ket-thuc')]);
  });

  it('skips the level-2 question when the readiness flow already saved it (branch on a user attribute)', async () => {
    const { bot } = botOver(new MemoryStorage(), engine);
    const { say } = chat(bot, { userId: '4000000000000000002' });
    await say('start:san-sang-vneid-muc-2');
    await say('Đã dùng mức 2');
    expect(texts(await say('start:nop-ho-so-lan-dau'))).toEqual([step('dang-nhap')]);
    expect(texts(await say('được rồi'))).toEqual([step('tim-thu-tuc')]);
    expect(texts(await say('không phí/chưa rõ'))).toEqual([step('theo-doi')]);
    expect(texts(await say('xong rồi'))).toEqual([step('ket-thuc')]);
  });

  it('without level 2 points to the level-2 guide', async () => {
    const { bot } = botOver(new MemoryStorage(), engine);
    const { say } = chat(bot, { userId: '4000000000000000003' });
    await say('start:nop-ho-so-lan-dau');
    expect(texts(await say('chưa có'))).toEqual([step('can-muc-2'), ...guide('vneid-dang-ky-muc-2')]);
  });

  it('leaves mid-way for a new question (answered from the knowledge base, recorded)', async () => {
    const recorder = new RecordingRecorder();
    const { bot } = botOver(new MemoryStorage(), engine, { recorder });
    const { say } = chat(bot, { userId: '4000000000000000004' });
    await say('start:nop-ho-so-lan-dau');
    await say('có rồi');
    const question = 'làm hộ chiếu hết bao nhiêu tiền';
    const expected = await engine.ask(question);
    expect(texts(await say(question))).toEqual(expected.pieces);
    expect(recorder.turns.at(-1)).toMatchObject({ text: question, status: expected.status, topic: expected.topic });
  });

  it('resumes at the right step after a restart (new bot instance over the same SQLite file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flows-restart-'));
    dirs.push(dir);
    const file = join(dir, 'channels.sqlite');
    const user = '4000000000000000005';

    const db1 = openSqliteDatabase(file);
    const first = chat(botOver(new SqliteBotStateStorage(db1), engine).bot, { userId: user });
    await first.say('start:nop-ho-so-lan-dau');
    expect(texts(await first.say('có rồi'))).toEqual([step('dang-nhap')]);
    expect(texts(await first.say('được'))).toEqual([step('tim-thu-tuc')]);
    db1.close();

    const db2 = openSqliteDatabase(file);
    const second = chat(botOver(new SqliteBotStateStorage(db2), engine).bot, { userId: user });
    // The new process knows nothing in memory: the fee question is answered from the stored dialog state.
    expect(texts(await second.say('có phí'))).toEqual([step('thanh-toan')]);
    // The attribute saved before the restart still drives the branch.
    expect(texts(await second.say('start:nop-ho-so-lan-dau'))).toEqual([step('dang-nhap')]);
    db2.close();
  });
});
