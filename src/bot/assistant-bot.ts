/**
 * The one conversation logic for every channel. It answers from the engine, offers suggestions and
 * 👍/👎 buttons as `suggestedActions` (each channel renders them as buttons, quick replies or numbered text),
 * welcomes new followers with the main menu, and records every turn through the TurnRecorder.
 */
import {
  ActionTypes,
  ActivityHandler,
  ActivityTypes,
  MessageFactory,
  type Activity,
  type CardAction,
  type ConversationState,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import { composeGuideAnswer } from '../knowledge/compose.js';
import type { AnswerEngine } from '../knowledge/engine.js';
import type { ChannelName, TurnInput, TurnRecorder, Vote } from '../feedback/turn-types.js';
import { foldDiacritics } from '../text/fold.js';
import { MAIN_MENU } from './main-menu.js';
import { parsePayload, topicPayload, votePayload, type BotAction } from './payloads.js';
import { NON_TEXT, THANKS_DOWN, THANKS_UP, TOPIC_GONE, VOTE_DOWN_TITLE, VOTE_UP_TITLE, WELCOME } from './replies.js';
import { TURN_MEMO_KEY, type TurnMemo } from './turn-memo.js';

export interface BotLog {
  info(line: string): void;
  warn(line: string): void;
}

export interface AssistantBotDeps {
  engine: () => AnswerEngine;
  recorder: TurnRecorder;
  conversationState: ConversationState;
  log: BotLog;
}

/** A button offered in the last reply; a numeric reply ("2") picks it on channels without buttons. */
export interface Choice {
  title: string;
  payload: string;
}

interface ConversationMemory {
  choices: Choice[];
  /** Turn ids this conversation may vote on (the most recent answers). */
  votable: string[];
}

const MAX_VOTABLE = 10;
const MENU_WORDS = new Set(['menu', 'bat dau', 'start', 'get started', 'menu chinh', 'danh muc']);
const MAX_QUESTION_CHARS = 2000;

export function channelNameOf(channelId: string | undefined): ChannelName {
  return channelId === 'zalo' || channelId === 'messenger' || channelId === 'webchat' ? channelId : 'botframework';
}

export class AssistantBot extends ActivityHandler {
  private readonly memory: StatePropertyAccessor<ConversationMemory>;

  constructor(private readonly deps: AssistantBotDeps) {
    super();
    this.memory = deps.conversationState.createProperty<ConversationMemory>('assistant');
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id !== botId)) await this.welcome(context);
      await next();
    });
  }

  /** Runs the turn, then saves the conversation memory. */
  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.deps.conversationState.saveChanges(context, false);
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const text = (activity.text ?? '').normalize('NFC').trim();
    const memory = await this.memory.get(context, { choices: [], votable: [] });

    const action = readAction(activity, text) ?? pickChoice(text, memory.choices);
    if (!action && (activity.attachments?.length ?? 0) > 0) {
      memory.choices = [];
      await context.sendActivity(MessageFactory.text(NON_TEXT));
      return;
    }
    if (action === 'unknown-payload' || !action) {
      if (isMenuRequest(text)) return this.welcome(context);
      if (text) await this.answerQuestion(context, text.slice(0, MAX_QUESTION_CHARS), memory);
      return;
    }
    if (action.kind === 'menu') return this.welcome(context);
    if (action.kind === 'topic') return this.answerTopic(context, action.topic, text, memory);
    return this.vote(context, action.vote, action.turnId, memory);
  }

  private async welcome(context: TurnContext): Promise<void> {
    const memory = await this.memory.get(context, { choices: [], votable: [] });
    const engine = this.deps.engine();
    const choices = MAIN_MENU.filter((m) => engine.guide(m.topic)).map((m) => ({ title: m.label, payload: topicPayload(m.topic) }));
    memory.choices = choices;
    await sendWithChoices(context, [WELCOME], choices);
  }

  private async answerQuestion(context: TurnContext, question: string, memory: ConversationMemory): Promise<void> {
    await context.sendActivity({ type: ActivityTypes.Typing });
    const result = await this.deps.engine().ask(question);
    const turnId = await this.recordTurn(context, {
      text: question,
      status: result.status,
      topic: result.topic,
      indicator: result.indicator,
      confidence: result.confidence,
      candidates: result.candidates,
    });
    let choices: Choice[] = [];
    if (result.status === 'answered') choices = voteChoices(turnId);
    else if (result.status === 'uncovered') {
      // composeUncovered lists the suggestions as "1. title" lines; the same titles let channels without
      // buttons see that the choices are already in the text.
      choices = result.suggestions.map((s, i) => ({ title: `${i + 1}. ${s.title}`, payload: topicPayload(s.topic) }));
    }
    rememberVotable(memory, result.status === 'answered' ? turnId : null);
    memory.choices = choices;
    await sendWithChoices(context, result.pieces, choices);
  }

  private async answerTopic(context: TurnContext, topic: string, tappedTitle: string, memory: ConversationMemory): Promise<void> {
    const guide = this.deps.engine().guide(topic);
    if (!guide) {
      await context.sendActivity(MessageFactory.text(TOPIC_GONE));
      return this.welcome(context);
    }
    const pieces = composeGuideAnswer(guide);
    const turnId = await this.recordTurn(context, {
      text: tappedTitle && !parsePayload(tappedTitle) ? tappedTitle : guide.title,
      status: 'answered',
      topic: guide.id,
      indicator: guide.indicator,
      confidence: 1,
      candidates: [{ topic: guide.id, score: 1 }],
    });
    const choices = voteChoices(turnId);
    rememberVotable(memory, turnId);
    memory.choices = choices;
    await sendWithChoices(context, pieces, choices);
  }

  private async vote(context: TurnContext, vote: Vote, turnId: string, memory: ConversationMemory): Promise<void> {
    // Only turns answered in this conversation can be voted on; a typed "vote:up:<id>" cannot touch others.
    if (memory.votable.includes(turnId)) {
      try {
        await this.deps.recorder.vote(turnId, vote);
      } catch (err) {
        this.deps.log.warn(`Không ghi được đánh giá ${vote} cho lượt ${turnId}: ${(err as Error).message}`);
      }
      memory.votable = memory.votable.filter((id) => id !== turnId);
    }
    memory.choices = [];
    await context.sendActivity(MessageFactory.text(vote === 'up' ? THANKS_UP : THANKS_DOWN));
  }

  /** Records the turn once; a resumed turn reuses the id from its first run. Never fails the answer. */
  private async recordTurn(context: TurnContext, turn: Omit<TurnInput, 'channel' | 'platformUserId'>): Promise<string | null> {
    const memo = context.turnState.get(TURN_MEMO_KEY) as TurnMemo | undefined;
    if (memo?.turnId) return memo.turnId;
    try {
      const turnId = await this.deps.recorder.record({
        ...turn,
        channel: channelNameOf(context.activity.channelId),
        platformUserId: context.activity.from?.id ?? '',
        at: context.activity.timestamp ? new Date(context.activity.timestamp) : undefined,
      });
      await memo?.remember(turnId);
      return turnId;
    } catch (err) {
      this.deps.log.warn(`Không ghi được lượt hội thoại (${channelNameOf(context.activity.channelId)}): ${(err as Error).message}`);
      return null;
    }
  }
}

function voteChoices(turnId: string | null): Choice[] {
  if (!turnId) return [];
  const up = votePayload('up', turnId);
  const down = votePayload('down', turnId);
  return up && down ? [{ title: VOTE_UP_TITLE, payload: up }, { title: VOTE_DOWN_TITLE, payload: down }] : [];
}

function rememberVotable(memory: ConversationMemory, turnId: string | null): void {
  if (!turnId) return;
  memory.votable = [...memory.votable.filter((id) => id !== turnId), turnId].slice(-MAX_VOTABLE);
}

/** A payload from a button (`value.payload`, or text that is exactly a payload). */
function readAction(activity: Partial<Activity>, text: string): BotAction | 'unknown-payload' | undefined {
  const value = activity.value as { payload?: unknown } | undefined;
  if (value && typeof value.payload === 'string') return parsePayload(value.payload) ?? 'unknown-payload';
  return text ? parsePayload(text) : undefined;
}

/** "2" picks the second offered choice; 👍/👎 pick the vote buttons when they were offered. */
function pickChoice(text: string, choices: readonly Choice[]): BotAction | undefined {
  if (!choices.length) return undefined;
  const n = /^(\d{1,2})\.?$/.exec(text);
  const picked = n
    ? choices[Number(n[1]) - 1]
    : /^👍/u.test(text)
      ? choices.find((c) => c.payload.startsWith('vote:up:'))
      : /^👎/u.test(text)
        ? choices.find((c) => c.payload.startsWith('vote:down:'))
        : undefined;
  return picked ? parsePayload(picked.payload) : undefined;
}

function isMenuRequest(text: string): boolean {
  const folded = foldDiacritics(text.toLowerCase()).replace(/[^a-z ]/g, '').replace(/\s+/g, ' ').trim();
  return MENU_WORDS.has(folded);
}

/** Sends the pieces in order; the choices ride on the last one. */
async function sendWithChoices(context: TurnContext, pieces: readonly string[], choices: readonly Choice[]): Promise<void> {
  const activities: Array<Partial<Activity>> = pieces.map((p) => MessageFactory.text(p));
  const last = activities[activities.length - 1];
  if (last && choices.length) {
    const actions: CardAction[] = choices.map((c) => ({ type: ActionTypes.PostBack, title: c.title, value: c.payload }));
    last.suggestedActions = { actions, to: [] };
  }
  if (activities.length) await context.sendActivities(activities);
}

