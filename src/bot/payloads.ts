/**
 * The strings carried by the bot's buttons and quick replies. Every channel hands them back unchanged
 * (Messenger quick-reply/postback payload, Zalo `oa.query.hide` button text, Bot Framework postBack value),
 * so the grammar is strict: a payload never contains free text, and a channel may keep it unredacted.
 */
import type { Vote } from '../feedback/turn-types.js';

export type BotAction =
  | { kind: 'menu' }
  | { kind: 'topic'; topic: string }
  | { kind: 'vote'; vote: Vote; turnId: string }
  | { kind: 'flow-start'; flow: string }
  | { kind: 'flow-choice'; flow: string; step: string; value: string }
  | { kind: 'commune'; code: string }
  | { kind: 'handoff' }
  | { kind: 'ticket'; op: 'claim' | 'close' | 'save'; ticketId: number };

const SLUG = '[a-z0-9]+(?:-[a-z0-9]+)*';
const TOPIC = new RegExp(`^topic:(${SLUG})$`);
const VOTE = /^vote:(up|down):([A-Za-z0-9_.:-]{1,100})$/;
const FLOW_START = new RegExp(`^start:(${SLUG})$`);
const FLOW_CHOICE = new RegExp(`^flow:(${SLUG}):(${SLUG}):(${SLUG})$`);
const COMMUNE = /^commune:([0-9A-Za-z-]{1,20})$/;
const TICKET = /^ticket:(claim|close|save):(\d{1,12})$/;
const MENU = new Set(['menu', 'GET_STARTED']);
const TURN_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

export const MENU_PAYLOAD = 'menu';
export const HANDOFF_PAYLOAD = 'handoff';

export function topicPayload(topic: string): string {
  return `topic:${topic}`;
}

export function flowStartPayload(flow: string): string {
  return `start:${flow}`;
}

/** Undefined when the turn id cannot travel in a payload (the vote buttons are then left out). */
export function votePayload(vote: Vote, turnId: string): string | undefined {
  return TURN_ID.test(turnId) ? `vote:${vote}:${turnId}` : undefined;
}

export function parsePayload(payload: string): BotAction | undefined {
  if (MENU.has(payload)) return { kind: 'menu' };
  if (payload === HANDOFF_PAYLOAD) return { kind: 'handoff' };
  const topic = TOPIC.exec(payload);
  if (topic) return { kind: 'topic', topic: topic[1]! };
  const vote = VOTE.exec(payload);
  if (vote) return { kind: 'vote', vote: vote[1] as Vote, turnId: vote[2]! };
  const start = FLOW_START.exec(payload);
  if (start) return { kind: 'flow-start', flow: start[1]! };
  const choice = FLOW_CHOICE.exec(payload);
  if (choice) return { kind: 'flow-choice', flow: choice[1]!, step: choice[2]!, value: choice[3]! };
  const commune = COMMUNE.exec(payload);
  if (commune) return { kind: 'commune', code: commune[1]! };
  const ticket = TICKET.exec(payload);
  if (ticket) return { kind: 'ticket', op: ticket[1] as 'claim' | 'close' | 'save', ticketId: Number(ticket[2]) };
  return undefined;
}

/** True for strings the bot itself put on a button (channels store these without redaction). */
export function isBotPayload(text: string): boolean {
  return parsePayload(text) !== undefined;
}
