/** Reads the channel fixtures as exact bytes and signs bodies with the fixture helper (sign.mjs). */
import { readFileSync } from 'node:fs';
import { DEFAULTS, metaHeader, zaloHeader } from '../../fixtures/channels/sign.mjs';

export const ZALO_APP_ID = DEFAULTS.zaloAppId;
export const ZALO_OA_SECRET = DEFAULTS.zaloOaSecret;
export const MESSENGER_APP_SECRET = DEFAULTS.messengerAppSecret;
export const MESSENGER_VERIFY_TOKEN = 'test-verify-token';
export const ZALO_OA_ID = '579745863508352884';
export const PAGE_ID = '104583920011223';

export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../fixtures/channels/${name}`, import.meta.url));
}

export function fixtureJson<T = any>(name: string): T {
  return JSON.parse(fixture(name).toString('utf8')) as T;
}

export function zaloSignature(raw: Buffer | string, opts: { appId?: string; oaSecret?: string } = {}): string {
  const body = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8');
  const { timestamp } = JSON.parse(body.toString('utf8')) as { timestamp: string };
  return zaloHeader(body, { appId: opts.appId ?? ZALO_APP_ID, timestamp, oaSecret: opts.oaSecret ?? ZALO_OA_SECRET });
}

export function messengerSignature(raw: Buffer | string, secret = MESSENGER_APP_SECRET): string {
  return metaHeader(Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8'), secret);
}

/** A compact user_send_text body like Zalo's, for messages the fixtures do not cover. */
export function zaloTextBody(opts: { userId: string; msgId: string; text: string; timestamp?: string }): string {
  return JSON.stringify({
    app_id: ZALO_APP_ID,
    sender: { id: opts.userId },
    user_id_by_app: '5523311447799001122',
    recipient: { id: ZALO_OA_ID },
    event_name: 'user_send_text',
    message: { text: opts.text, msg_id: opts.msgId },
    timestamp: opts.timestamp ?? String(Date.now()),
  });
}

/** A Messenger text notification with one messaging event, ASCII-escaped like Meta's. */
export function messengerTextBody(opts: { psid: string; mid: string; text: string; quickReplyPayload?: string }): string {
  const message: Record<string, unknown> = { mid: opts.mid, text: opts.text };
  if (opts.quickReplyPayload) message.quick_reply = { payload: opts.quickReplyPayload };
  const body = {
    object: 'page',
    entry: [{ id: PAGE_ID, time: Date.now(), messaging: [{ sender: { id: opts.psid }, recipient: { id: PAGE_ID }, timestamp: Date.now(), message }] }],
  };
  return JSON.stringify(body).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
