/** The conversation logic on its own, through botbuilder's TestAdapter (no HTTP, no channel). */
import { beforeAll, describe, expect, it } from 'vitest';
import { ActivityTypes, ConversationState, MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import type { AnswerEngine } from '../../src/knowledge/engine.js';
import { composeGuideAnswer } from '../../src/knowledge/compose.js';
import { AssistantBot } from '../../src/bot/assistant-bot.js';
import { MAIN_MENU } from '../../src/bot/main-menu.js';
import { NON_TEXT, THANKS_DOWN, THANKS_UP, TOPIC_GONE, WELCOME } from '../../src/bot/replies.js';
import { parsePayload, votePayload } from '../../src/bot/payloads.js';
import { buildTestEngine } from '../channels/support/engine.js';
import { RecordingRecorder } from '../channels/support/recorder.js';
import type { TurnRecorder } from '../../src/feedback/turn-types.js';

let engine: AnswerEngine;
beforeAll(async () => {
  engine = await buildTestEngine();
});

function conversation(recorder: TurnRecorder = new RecordingRecorder()) {
  const warnings: string[] = [];
  const state = new ConversationState(new MemoryStorage());
  const bot = new AssistantBot({ engine: () => engine, recorder, conversationState: state, log: { info: () => {}, warn: (l) => warnings.push(l) } });
  const adapter = new TestAdapter(async (context) => bot.run(context));
  /** Runs one turn and returns what the bot sent. */
  async function say(input: string | Partial<Activity>): Promise<Array<Partial<Activity>>> {
    const replies: Array<Partial<Activity>> = [];
    const activity = typeof input === 'string' ? { type: ActivityTypes.Message, text: input } : input;
    await adapter.processActivity(activity, async (context) => {
      context.onSendActivities(async (_c, acts, next) => {
        replies.push(...acts);
        return next();
      });
      await bot.run(context);
    });
    return replies;
  }
  return { say, warnings };
}

const messages = (acts: Array<Partial<Activity>>) => acts.filter((a) => a.type === ActivityTypes.Message);
const actionValues = (a: Partial<Activity> | undefined) => (a?.suggestedActions?.actions ?? []).map((x) => x.value);
const menuTopics = () => MAIN_MENU.filter((m) => engine.guide(m.topic));

describe('AssistantBot', () => {
  it.each(['menu', 'Bắt đầu', 'bat dau!', 'MENU'])('shows the welcome and the main menu on "%s"', async (text) => {
    const { say } = conversation();
    const replies = await say(text);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toBe(WELCOME);
    expect(actionValues(replies[0])).toEqual(menuTopics().map((m) => `topic:${m.topic}`));
  });

  it('welcomes a member added to the conversation (follow, web chat start)', async () => {
    const { say } = conversation();
    const replies = await say({ type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: 'user', name: '' }] });
    expect(replies.map((r) => r.text)).toEqual([WELCOME]);
  });

  it('answers a question: typing, the engine pieces, 👍/👎 with the recorded turn id', async () => {
    const recorder = new RecordingRecorder();
    const { say } = conversation(recorder);
    const question = engine.allGuides()[0]!.questions[0]!;
    const result = await engine.ask(question);
    expect(result.status).toBe('answered');
    const replies = await say(question);
    expect(replies[0]!.type).toBe(ActivityTypes.Typing);
    expect(messages(replies).map((r) => r.text)).toEqual(result.pieces);
    const turn = recorder.turns[0]!;
    expect(turn).toMatchObject({ channel: 'botframework', text: question, status: 'answered', topic: result.topic, confidence: result.confidence });
    expect(actionValues(messages(replies).at(-1))).toEqual([`vote:up:${turn.id}`, `vote:down:${turn.id}`]);
  });

  it('understands a numbered reply after the menu and 👍 typed as text after an answer', async () => {
    const recorder = new RecordingRecorder();
    const { say } = conversation(recorder);
    await say('menu');
    const second = menuTopics()[1]!;
    const replies = await say('2');
    expect(messages(replies).map((r) => r.text)).toEqual(composeGuideAnswer(engine.guide(second.topic)!));
    expect(recorder.turns[0]).toMatchObject({ topic: second.topic, status: 'answered', confidence: 1 });
    const thanks = await say('👍');
    expect(thanks.map((r) => r.text)).toEqual([THANKS_UP]);
    expect(recorder.votes).toEqual([{ turnId: recorder.turns[0]!.id, vote: 'up' }]);
  });

  it('ignores a vote on a turn this conversation was not given, but still thanks', async () => {
    const recorder = new RecordingRecorder();
    const { say } = conversation(recorder);
    const replies = await say({ type: ActivityTypes.Message, text: '👎', value: { payload: 'vote:down:turn-of-someone-else' } });
    expect(replies.map((r) => r.text)).toEqual([THANKS_DOWN]);
    expect(recorder.votes).toEqual([]);
  });

  it('offers the suggested topics of an uncovered question, and a number opens one', async () => {
    const recorder = new RecordingRecorder();
    const { say } = conversation(recorder);
    // Which questions fall outside the knowledge base moves with the knowledge; take the first that does.
    const candidates = ['giá vàng hôm nay bao nhiêu', 'cho em hỏi cách kích hoạt vneid mức 2 ạ', 'xin giấy phép xây dựng nhà ở nông thôn', 'thủ tục ly hôn thuận tình'];
    let question = '';
    let result = await engine.ask(candidates[0]!);
    for (const q of candidates) {
      result = await engine.ask(q);
      question = q;
      if (result.status === 'uncovered' && result.suggestions.length) break;
    }
    expect(result.status).toBe('uncovered');
    const replies = messages(await say(question));
    expect(replies.map((r) => r.text)).toEqual(result.pieces);
    expect(actionValues(replies.at(-1))).toEqual(result.suggestions.map((s) => `topic:${s.topic}`));
    const opened = messages(await say('1'));
    expect(opened.map((r) => r.text)).toEqual(composeGuideAnswer(engine.guide(result.suggestions[0]!.topic)!));
  });

  it('answers attachments with the text-only notice and records nothing', async () => {
    const recorder = new RecordingRecorder();
    const { say } = conversation(recorder);
    const replies = await say({ type: ActivityTypes.Message, text: '', attachments: [{ contentType: 'zalo/sticker' }] });
    expect(replies.map((r) => r.text)).toEqual([NON_TEXT]);
    expect(recorder.turns).toEqual([]);
  });

  it('treats an unknown button payload as the question written on the button', async () => {
    const recorder = new RecordingRecorder();
    const { say } = conversation(recorder);
    await say({ type: ActivityTypes.Message, text: 'Tra cứu hồ sơ', value: { payload: 'TRA_CUU_HO_SO' } });
    expect(recorder.turns[0]).toMatchObject({ text: 'Tra cứu hồ sơ' });
  });

  it('says so and shows the menu when a button points at a topic that no longer exists', async () => {
    const { say } = conversation();
    const replies = await say('topic:chu-de-da-bi-xoa');
    expect(replies.map((r) => r.text)).toEqual([TOPIC_GONE, WELCOME]);
  });

  it('still answers when the turn recorder fails, without vote buttons', async () => {
    const failing: TurnRecorder = {
      record: async () => {
        throw new Error('feedback store down');
      },
      vote: async () => {},
    };
    const { say, warnings } = conversation(failing);
    const question = engine.allGuides()[0]!.questions[0]!;
    const replies = messages(await say(question));
    expect(replies.map((r) => r.text)).toEqual((await engine.ask(question)).pieces);
    expect(replies.at(-1)!.suggestedActions).toBeUndefined();
    expect(warnings.join('\n')).toContain('feedback store down');
  });
});

describe('payloads', () => {
  it('parses only the bot grammar', () => {
    expect(parsePayload('topic:vneid-dang-ky-muc-2')).toEqual({ kind: 'topic', topic: 'vneid-dang-ky-muc-2' });
    expect(parsePayload('vote:down:turn-7')).toEqual({ kind: 'vote', vote: 'down', turnId: 'turn-7' });
    expect(parsePayload('GET_STARTED')).toEqual({ kind: 'menu' });
    expect(parsePayload('topic:Vneid')).toBeUndefined();
    expect(parsePayload('vote:maybe:1')).toBeUndefined();
    expect(parsePayload('topic:a b')).toBeUndefined();
    expect(votePayload('up', 'id with spaces')).toBeUndefined();
  });
});
