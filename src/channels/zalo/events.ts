/**
 * Zalo OA webhook events: which ones reach the bot, how they are stored in the inbox (personal data
 * redacted, attachment URLs dropped, ids kept as strings) and how a stored event becomes an Activity.
 */
import { ActivityTypes, type Activity } from 'botbuilder';
import { z } from 'zod';
import { isBotPayload } from '../../bot/payloads.js';
import type { NewInboxItem } from '../../storage/inbox-store.js';

export const ZALO_CHANNEL = 'zalo';
const MAX_TEXT_CHARS = 4000;

const Id = z.string().min(1).max(64);
const Timestamp = z.union([z.string().regex(/^\d{1,16}$/), z.number().int().nonnegative()]);

const UserEventSchema = z.object({
  app_id: z.string(),
  event_name: z.string().regex(/^user_send_[a-z_]+$/),
  sender: z.object({ id: Id }),
  recipient: z.object({ id: Id }),
  message: z.object({
    msg_id: z.string().min(1).max(128),
    text: z.string().optional(),
    attachments: z.array(z.object({ type: z.string().max(40) }).passthrough()).max(50).optional(),
  }),
  timestamp: Timestamp,
});

const FollowEventSchema = z.object({
  app_id: z.string(),
  event_name: z.literal('follow'),
  oa_id: Id,
  follower: z.object({ id: Id }),
  source: z.string().max(100).optional(),
  timestamp: Timestamp,
});

/** What the inbox keeps of a Zalo event; it is also the Activity's `channelData`. */
export interface StoredZaloEvent {
  app_id: string;
  event_name: string;
  timestamp: string;
  sender?: { id: string };
  recipient?: { id: string };
  oa_id?: string;
  follower?: { id: string };
  source?: string;
  message?: { msg_id: string; text?: string; attachments?: Array<{ type: string }> };
}

export type ZaloEventDisposition =
  | { kind: 'store'; item: NewInboxItem }
  | { kind: 'ignore'; reason: 'echo' | 'not_handled' | 'unrecognised' | 'empty' };

/** Decides what to do with one verified webhook body. */
export function zaloInboxItem(body: unknown, redact: (text: string) => string, now = Date.now()): ZaloEventDisposition {
  const eventName = (body as { event_name?: unknown })?.event_name;
  if (typeof eventName !== 'string') return { kind: 'ignore', reason: 'unrecognised' };
  if (eventName.startsWith('oa_send_')) return { kind: 'ignore', reason: 'echo' };

  if (eventName === 'follow') {
    const f = FollowEventSchema.safeParse(body);
    if (!f.success) return { kind: 'ignore', reason: 'unrecognised' };
    const e = f.data;
    const stored: StoredZaloEvent = {
      app_id: e.app_id,
      event_name: 'follow',
      timestamp: String(e.timestamp),
      oa_id: e.oa_id,
      follower: { id: e.follower.id },
      ...(e.source ? { source: e.source } : {}),
    };
    return {
      kind: 'store',
      item: {
        channel: ZALO_CHANNEL,
        externalId: `follow:${e.follower.id}:${e.timestamp}`,
        conversation: `${ZALO_CHANNEL}:${e.follower.id}`,
        payload: JSON.stringify(stored),
        receivedAt: now,
      },
    };
  }

  if (!eventName.startsWith('user_send_')) return { kind: 'ignore', reason: 'not_handled' };
  const u = UserEventSchema.safeParse(body);
  if (!u.success) return { kind: 'ignore', reason: 'unrecognised' };
  const e = u.data;
  const message: NonNullable<StoredZaloEvent['message']> = { msg_id: e.message.msg_id };
  const rawText = (e.message.text ?? '').normalize('NFC').trim().slice(0, MAX_TEXT_CHARS);
  if (e.event_name === 'user_send_text') {
    if (!rawText) return { kind: 'ignore', reason: 'empty' };
    message.text = isBotPayload(rawText) ? rawText : redact(rawText);
  } else {
    // Image, sticker, file, location…: only the kinds are kept (URLs can point at photos of ID papers).
    const kinds = (e.message.attachments ?? []).map((a) => a.type);
    message.attachments = (kinds.length ? kinds : [e.event_name.slice('user_send_'.length)]).map((type) => ({ type }));
    if (rawText) message.text = redact(rawText);
  }
  const stored: StoredZaloEvent = {
    app_id: e.app_id,
    event_name: e.event_name,
    timestamp: String(e.timestamp),
    sender: { id: e.sender.id },
    recipient: { id: e.recipient.id },
    message,
  };
  return {
    kind: 'store',
    item: {
      channel: ZALO_CHANNEL,
      externalId: e.message.msg_id,
      conversation: `${ZALO_CHANNEL}:${e.sender.id}`,
      payload: JSON.stringify(stored),
      receivedAt: now,
    },
  };
}

/** The Activity for a stored event: a message, or a conversationUpdate (member added) for a follow. */
export function zaloActivity(event: StoredZaloEvent, serviceUrl: string): Partial<Activity> {
  const timestamp = new Date(Number(event.timestamp));
  const common = { channelId: ZALO_CHANNEL, serviceUrl, timestamp, locale: 'vi-VN', channelData: event };
  if (event.event_name === 'follow') {
    const userId = event.follower!.id;
    return {
      ...common,
      type: ActivityTypes.ConversationUpdate,
      id: `follow:${userId}:${event.timestamp}`,
      from: { id: userId, name: '', role: 'user' },
      recipient: { id: event.oa_id!, name: '', role: 'bot' },
      conversation: { id: userId, isGroup: false, conversationType: 'personal', name: '' },
      membersAdded: [{ id: userId, name: '' }],
    };
  }
  const userId = event.sender!.id;
  const message = event.message!;
  return {
    ...common,
    type: ActivityTypes.Message,
    id: message.msg_id,
    from: { id: userId, name: '', role: 'user' },
    recipient: { id: event.recipient!.id, name: '', role: 'bot' },
    conversation: { id: userId, isGroup: false, conversationType: 'personal', name: '' },
    text: message.text ?? '',
    attachments: (message.attachments ?? []).map((a) => ({ contentType: `zalo/${a.type}` })),
  };
}
