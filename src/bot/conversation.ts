/**
 * What the bot keeps per conversation and per user, and the helpers its parts share: sending texts with
 * buttons, and recording a turn once.
 */
import { ActionTypes, MessageFactory, type Activity, type CardAction, type TurnContext } from 'botbuilder';
import type { ChannelName, TurnInput, TurnRecorder } from '../feedback/turn-types.js';
import { TURN_MEMO_KEY, type TurnMemo } from './turn-memo.js';

/** A button offered in the last reply; a numeric reply ("2") picks it on channels without buttons. */
export interface Choice {
  title: string;
  payload: string;
}

export interface ConversationMemory {
  choices: Choice[];
  /** Turn ids this conversation may vote on (the most recent answers). */
  votable: string[];
  /** The citizen's last question (redacted), handed to staff when they ask for a person. */
  lastQuestion?: string;
  /** The citizen's open handoff ticket. */
  ticketId?: number;
  /** Whether the citizen was told their messages wait for a staff member to claim the ticket. */
  queuedNotice?: number;
  /** The ticket a staff member is answering in this conversation. */
  staffTicketId?: number;
}

export interface UserProfile {
  /** Commune code (communes.csv) when the user gave it. */
  communeCode?: string | null;
  /** Answers flows saved (`save:` / `set` steps). */
  attributes?: Record<string, string>;
  /** The first-contact flow was offered (or skipped because the first message was a question). */
  onboarded?: boolean;
}

export const newMemory = (): ConversationMemory => ({ choices: [], votable: [] });

/** Commune and forwarding facts of this turn, recorded with every turn. */
export const TURN_INFO_KEY = Symbol('assistantTurnInfo');
export interface TurnInfo {
  communeCode: string | null;
}

export function channelNameOf(channelId: string | undefined): ChannelName {
  return channelId === 'zalo' || channelId === 'messenger' || channelId === 'webchat' ? channelId : 'botframework';
}

/** Sends the pieces in order; the choices ride on the last one. */
export async function sendWithChoices(context: TurnContext, pieces: readonly string[], choices: readonly Choice[]): Promise<void> {
  const activities: Array<Partial<Activity>> = pieces.map((p) => MessageFactory.text(p));
  const last = activities[activities.length - 1];
  if (last && choices.length) {
    const actions: CardAction[] = choices.map((c) => ({ type: ActionTypes.PostBack, title: c.title, value: c.payload }));
    last.suggestedActions = { actions, to: [] };
  }
  if (activities.length) await context.sendActivities(activities);
}

/** Records the turn once; a resumed turn reuses the id from its first run. Never fails the answer. */
export async function recordTurn(
  deps: { recorder: TurnRecorder; log: { warn(line: string): void } },
  context: TurnContext,
  turn: Omit<TurnInput, 'channel' | 'platformUserId'>,
): Promise<string | null> {
  const memo = context.turnState.get(TURN_MEMO_KEY) as TurnMemo | undefined;
  if (memo?.turnId) return memo.turnId;
  const info = context.turnState.get(TURN_INFO_KEY) as TurnInfo | undefined;
  try {
    const turnId = await deps.recorder.record({
      communeCode: info?.communeCode ?? null,
      ...turn,
      channel: channelNameOf(context.activity.channelId),
      platformUserId: context.activity.from?.id ?? '',
      at: context.activity.timestamp ? new Date(context.activity.timestamp) : undefined,
    });
    await memo?.remember(turnId);
    return turnId;
  } catch (err) {
    deps.log.warn(`Không ghi được lượt hội thoại (${channelNameOf(context.activity.channelId)}): ${(err as Error).message}`);
    return null;
  }
}
