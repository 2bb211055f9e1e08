/**
 * Turns a bot message activity into what a chat platform can show: text pieces under the platform's length
 * limit (cut at section boundaries), and the suggested actions as choices. A channel renders the choices as
 * buttons when it can and falls back to numbered text (the bot understands "1", "2"… replies).
 */
import type { Activity } from 'botbuilder';
import { packBlocks } from '../knowledge/compose.js';

export interface OutboundChoice {
  title: string;
  payload: string;
}

export interface OutboundMessage {
  text: string;
  choices: OutboundChoice[];
}

export function choicesOf(activity: Partial<Activity>): OutboundChoice[] {
  const actions = activity.suggestedActions?.actions ?? [];
  const choices: OutboundChoice[] = [];
  for (const a of actions) {
    const value = a.value as unknown;
    const payload = typeof value === 'string' ? value : typeof (value as { payload?: unknown })?.payload === 'string' ? (value as { payload: string }).payload : a.title;
    if (a.title && payload) choices.push({ title: a.title.normalize('NFC'), payload });
  }
  return choices;
}

/** Splits text under `maxChars` (NFC), preferring blank lines, then line breaks, then spaces. */
export function splitText(text: string, maxChars: number): string[] {
  const blocks = text.normalize('NFC').split(/\n{2,}/).map((b) => b.trim()).filter(Boolean);
  return packBlocks(blocks, maxChars);
}

/**
 * One or more platform messages for an activity; the choices go with the last one. `maxChoices` is how many
 * the platform shows as buttons; with more, or with none supported, they become numbered text.
 */
export function planMessages(activity: Partial<Activity>, maxChars: number, maxChoices: number): OutboundMessage[] {
  const choices = choicesOf(activity);
  const asButtons = choices.length > 0 && choices.length <= maxChoices;
  const text = asButtons ? (activity.text ?? '') : withNumberedChoices(activity.text ?? '', choices);
  const pieces = splitText(text, maxChars);
  if (pieces.length === 0) pieces.push(choices.length ? 'Bạn chọn một mục:' : '');
  return pieces
    .filter((p) => p.length > 0)
    .map((p, i, all) => ({ text: p, choices: asButtons && i === all.length - 1 ? choices : [] }));
}

/** Appends "1. title" lines unless the text already lists every choice that way. */
export function withNumberedChoices(text: string, choices: readonly OutboundChoice[]): string {
  if (!choices.length) return text;
  const lines = new Set(text.normalize('NFC').split('\n').map((l) => l.trim()));
  if (choices.every((c) => lines.has(c.title))) return text;
  const list = choices.map((c, i) => `${i + 1}. ${c.title}`).join('\n');
  return `${text}\n\nNhắn số để chọn:\n${list}`;
}

/** Shortens a button label to `max` characters at a word boundary, marking the cut with "…". */
export function shortenLabel(title: string, max: number): string {
  const all = [...title.normalize('NFC').trim()];
  if (all.length <= max) return all.join('');
  const kept = all.slice(0, max - 1).join('');
  const endsOnWord = /\s/.test(all[max - 1]!);
  const space = kept.lastIndexOf(' ');
  return `${(endsOnWord || space < max / 2 ? kept : kept.slice(0, space)).trimEnd()}…`;
}
