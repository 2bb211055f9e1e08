/**
 * Messenger webhook events: a POST carries `entry[]`, each with `messaging[]` (every one is handled; `standby`
 * belongs to another app under the handover protocol and is ignored). Echoes, deliveries, reads and
 * reactions never reach the bot. Stored events keep ids as strings and redact the citizen's text.
 */
import { ActivityTypes, type Activity } from 'botbuilder';
import { z } from 'zod';
import type { NewInboxItem } from '../../storage/inbox-store.js';

export const MESSENGER_CHANNEL = 'messenger';
const MAX_TEXT_CHARS = 4000;
/** Payloads are the bot's own strings; anything else is dropped rather than stored unredacted. */
const SAFE_PAYLOAD = /^[A-Za-z0-9_.:\-]{1,1000}$/;

const Id = z.string().min(1).max(64);

const MessagingEventSchema = z.object({
  sender: z.object({ id: Id }),
  recipient: z.object({ id: Id }),
  timestamp: z.number().int().nonnegative(),
  message: z
    .object({
      mid: z.string().min(1).max(512),
      is_echo: z.boolean().optional(),
      text: z.string().optional(),
      quick_reply: z.object({ payload: z.string() }).optional(),
      attachments: z.array(z.object({ type: z.string().max(40) }).passthrough()).max(50).optional(),
    })
    .optional(),
  postback: z
    .object({
      mid: z.string().max(512).optional(),
      title: z.string().optional(),
      payload: z.string().optional(),
    })
    .optional(),
});

const BodySchema = z.object({
  object: z.string(),
  entry: z.array(z.object({ id: z.string(), messaging: z.array(z.unknown()).optional() })).max(1000),
});

/** What the inbox keeps of a Messenger event; it is also the Activity's `channelData`. */
export interface StoredMessengerEvent {
  page_id: string;
  sender: { id: string };
  recipient: { id: string };
  timestamp: number;
  message?: { mid: string; text?: string; quick_reply?: { payload: string }; attachments?: Array<{ type: string }> };
  postback?: { mid?: string; title?: string; payload?: string };
}

export interface MessengerBatch {
  items: NewInboxItem[];
  echoes: number;
  ignored: number;
  unrecognised: number;
}

export function messengerInboxItems(body: unknown, redact: (text: string) => string, now = Date.now()): MessengerBatch {
  const batch: MessengerBatch = { items: [], echoes: 0, ignored: 0, unrecognised: 0 };
  const parsed = BodySchema.safeParse(body);
  if (!parsed.success) {
    batch.unrecognised += 1;
    return batch;
  }
  if (parsed.data.object !== 'page') {
    batch.ignored += 1;
    return batch;
  }
  for (const entry of parsed.data.entry) {
    for (const raw of entry.messaging ?? []) {
      const ev = MessagingEventSchema.safeParse(raw);
      if (!ev.success) {
        batch.unrecognised += 1;
        continue;
      }
      const e = ev.data;
      if (e.message?.is_echo) {
        batch.echoes += 1;
        continue;
      }
      const stored = storedEvent(entry.id, e, redact);
      if (!stored) {
        batch.ignored += 1; // delivery, read, reaction, referral, optin…
        continue;
      }
      const externalId = stored.message?.mid ?? stored.postback?.mid ?? `postback:${e.sender.id}:${e.timestamp}`;
      batch.items.push({
        channel: MESSENGER_CHANNEL,
        externalId,
        conversation: `${MESSENGER_CHANNEL}:${e.sender.id}`,
        payload: JSON.stringify(stored),
        receivedAt: now,
      });
    }
  }
  return batch;
}

function storedEvent(pageId: string, e: z.infer<typeof MessagingEventSchema>, redact: (text: string) => string): StoredMessengerEvent | undefined {
  const base = { page_id: pageId, sender: { id: e.sender.id }, recipient: { id: e.recipient.id }, timestamp: e.timestamp };
  const text = (s: string | undefined) => {
    const t = (s ?? '').normalize('NFC').trim().slice(0, MAX_TEXT_CHARS);
    return t ? redact(t) : undefined;
  };
  if (e.message) {
    const message: NonNullable<StoredMessengerEvent['message']> = { mid: e.message.mid };
    const t = text(e.message.text);
    if (t) message.text = t;
    const payload = e.message.quick_reply?.payload;
    if (payload && SAFE_PAYLOAD.test(payload)) message.quick_reply = { payload };
    if (e.message.attachments?.length) message.attachments = e.message.attachments.map((a) => ({ type: a.type }));
    if (!message.text && !message.attachments && !message.quick_reply) return undefined;
    return { ...base, message };
  }
  if (e.postback) {
    const postback: NonNullable<StoredMessengerEvent['postback']> = {};
    if (e.postback.mid) postback.mid = e.postback.mid;
    const title = text(e.postback.title);
    if (title) postback.title = title;
    if (e.postback.payload && SAFE_PAYLOAD.test(e.postback.payload)) postback.payload = e.postback.payload;
    return { ...base, postback };
  }
  return undefined;
}

export function messengerActivity(event: StoredMessengerEvent, serviceUrl: string): Partial<Activity> {
  const payload = event.message?.quick_reply?.payload ?? event.postback?.payload;
  const id = event.message?.mid ?? event.postback?.mid ?? `postback:${event.sender.id}:${event.timestamp}`;
  // A message with text is read as text even if it also carries a link preview or similar attachment.
  const attachments = event.message?.text ? [] : (event.message?.attachments ?? []).map((a) => ({ contentType: `messenger/${a.type}` }));
  return {
    type: ActivityTypes.Message,
    id,
    channelId: MESSENGER_CHANNEL,
    serviceUrl,
    timestamp: new Date(event.timestamp),
    locale: 'vi-VN',
    from: { id: event.sender.id, name: '', role: 'user' },
    recipient: { id: event.recipient.id, name: '', role: 'bot' },
    conversation: { id: event.sender.id, isGroup: false, conversationType: 'personal', name: '' },
    text: event.message?.text ?? event.postback?.title ?? '',
    attachments,
    ...(payload ? { value: { payload } } : {}),
    channelData: event,
  };
}
