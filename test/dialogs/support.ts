/**
 * The real bot with the shipped flows and communes, driven through botbuilder's TestAdapter over a given
 * Storage (memory, or the SQLite bot state file to restart on).
 */
import { resolve } from 'node:path';
import { ActivityTypes, ConversationState, TestAdapter, UserState, type Activity, type ConversationReference, type Storage } from 'botbuilder';
import type { AnswerEngine } from '../../src/knowledge/engine.js';
import { AssistantBot } from '../../src/bot/assistant-bot.js';
import { loadCommunesFile } from '../../src/communes/commune-directory.js';
import { loadFlowsDir } from '../../src/dialogs/flow-loader.js';
import type { HandoffService } from '../../src/handoff/service.js';
import type { TurnRecorder } from '../../src/feedback/turn-types.js';
import { RecordingRecorder, testRedact } from '../channels/support/recorder.js';

export const FLOWS = loadFlowsDir(resolve(new URL('../../flows', import.meta.url).pathname)).flows;
export const COMMUNES = loadCommunesFile(resolve(new URL('../../knowledge/communes.csv', import.meta.url).pathname)).directory;
export const CITIZEN_ID = '8312645790123456789';

export function botOver(storage: Storage, engine: AnswerEngine, options: { recorder?: TurnRecorder; handoff?: HandoffService; warnings?: string[] } = {}) {
  const recorder = options.recorder ?? new RecordingRecorder();
  const bot = new AssistantBot({
    engine: () => engine,
    recorder,
    conversationState: new ConversationState(storage),
    userState: new UserState(storage),
    flows: FLOWS,
    communes: COMMUNES,
    handoff: options.handoff,
    redact: testRedact,
    log: { info: () => {}, warn: (l) => options.warnings?.push(l) },
  });
  return { bot, recorder };
}

export type Reply = Partial<Activity>;

/** One person talking to the bot; `say` runs one turn and returns the message activities sent back. */
export function chat(bot: AssistantBot, who: { channelId?: string; userId?: string } = {}) {
  const userId = who.userId ?? CITIZEN_ID;
  const reference = {
    channelId: who.channelId ?? 'zalo',
    serviceUrl: 'https://test.invalid',
    user: { id: userId, name: '', role: 'user' },
    bot: { id: '579745863508352884', name: '', role: 'bot' },
    conversation: { id: userId, isGroup: false, conversationType: 'personal', name: '' },
  } as ConversationReference;
  const adapter = new TestAdapter(reference);
  let seq = 0;
  async function say(input: string | Partial<Activity>): Promise<Reply[]> {
    const replies: Reply[] = [];
    const activity: Partial<Activity> =
      typeof input === 'string' ? { type: ActivityTypes.Message, text: input } : { type: ActivityTypes.Message, ...input };
    activity.id ??= `${userId}-${Date.now()}-${seq++}`;
    await adapter.processActivity(activity, async (context) => {
      context.onSendActivities(async (_c, acts, next) => {
        replies.push(...acts.filter((a) => a.type === ActivityTypes.Message));
        return next();
      });
      await bot.run(context);
    });
    return replies;
  }
  const follow = () => say({ type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: userId, name: '' }] });
  return { say, follow };
}

export const texts = (replies: Reply[]) => replies.map((r) => r.text);
export const buttons = (reply: Reply | undefined) => (reply?.suggestedActions?.actions ?? []).map((a) => ({ title: a.title, payload: a.value }));
export const lastButtons = (replies: Reply[]) => buttons(replies.at(-1));
export const payloads = (replies: Reply[]) => lastButtons(replies).map((b) => b.payload);

/** The text of a step of a shipped flow. */
export function stepText(flowId: string, stepId: string): string {
  const step = FLOWS.find((f) => f.id === flowId)?.steps.get(stepId);
  if (!step || !('text' in step)) throw new Error(`no text step ${flowId}/${stepId}`);
  return step.text;
}
