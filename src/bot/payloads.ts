/**
 * The strings carried by the bot's buttons and quick replies. Every channel hands them back unchanged
 * (Messenger quick-reply/postback payload, Zalo `oa.query.hide` button text, Bot Framework postBack value),
 * so the grammar is strict: a payload never contains free text, and a channel may keep it unredacted.
 */
import type { Vote } from '../feedback/turn-types.js';

export type BotAction =
  | { kind: 'menu' }
  | { kind: 'topic'; topic: string }
  | { kind: 'vote'; vote: Vote; turnId: string };

const TOPIC = /^topic:([a-z0-9]+(?:-[a-z0-9]+)*)$/;
const VOTE = /^vote:(up|down):([A-Za-z0-9_.:-]{1,100})$/;
const MENU = new Set(['menu', 'GET_STARTED']);
const TURN_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

export const MENU_PAYLOAD = 'menu';

export function topicPayload(topic: string): string {
  return `topic:${topic}`;
}

/** Undefined when the turn id cannot travel in a payload (the vote buttons are then left out). */
export function votePayload(vote: Vote, turnId: string): string | undefined {
  return TURN_ID.test(turnId) ? `vote:${vote}:${turnId}` : undefined;
}

export function parsePayload(payload: string): BotAction | undefined {
  if (MENU.has(payload)) return { kind: 'menu' };
  const topic = TOPIC.exec(payload);
  if (topic) return { kind: 'topic', topic: topic[1]! };
  const vote = VOTE.exec(payload);
  if (vote) return { kind: 'vote', vote: vote[1] as Vote, turnId: vote[2]! };
  return undefined;
}

/** True for strings the bot itself put on a button (channels store these without redaction). */
export function isBotPayload(text: string): boolean {
  return parsePayload(text) !== undefined;
}
