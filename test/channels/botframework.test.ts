/**
 * Bot Framework clients through CloudAdapter (`POST /api/messages`, replies POSTed to the activity's
 * serviceUrl) and the built-in web chat page (`/chat`, replies in the HTTP response).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerEngine } from '../../src/knowledge/engine.js';
import { WELCOME } from '../../src/bot/replies.js';
import { MAIN_MENU } from '../../src/bot/main-menu.js';
import { buildTestEngine } from './support/engine.js';
import { FakePlatform } from './support/fake-platform.js';
import { fixtureJson } from './support/fixtures.js';
import { startHarness, type Harness } from './support/harness.js';

let engine: AnswerEngine;
let connector: FakePlatform;
let connectorUrl: string;
let h: Harness;

beforeAll(async () => {
  engine = await buildTestEngine();
  connector = new FakePlatform((_req, i) => ({ status: 200, body: { id: `reply-${i}` } }));
  connectorUrl = await connector.start();
  h = await startHarness({ engine, env: {} });
});
afterAll(async () => {
  await h.close();
  await connector.close();
});
afterEach(() => connector.reset());

describe('POST /api/messages (CloudAdapter, no app id)', () => {
  it('POSTs the reply to the activity serviceUrl, addressed to the incoming activity', async () => {
    const activity = { ...fixtureJson('botframework-message-activity.json'), serviceUrl: connectorUrl };
    const res = await h.post('/api/messages', JSON.stringify(activity));
    expect(res.status).toBe(200);
    expect(res.text).toBe('');

    const result = await engine.ask(activity.text);
    const turn = h.recorder.turns.at(-1)!;
    expect(turn).toMatchObject({ channel: 'botframework', platformUserId: 'dl_8f3c1e52a0b94d7c', text: activity.text });
    const path = `/v3/conversations/${encodeURIComponent(activity.conversation.id)}/activities/${activity.id}`;
    expect(connector.requests.map((r) => `${r.method} ${r.path}`)).toEqual(Array(1 + result.pieces.length).fill(`POST ${path}`));
    expect(connector.requests.every((r) => r.headers.authorization === undefined)).toBe(true);

    const sent = connector.requests.map((r) => r.json);
    expect(sent[0]).toMatchObject({ type: 'typing', replyToId: activity.id });
    expect(sent.slice(1).map((a) => a.text)).toEqual(result.pieces);
    for (const a of sent) {
      expect(a).toMatchObject({
        channelId: 'directline',
        conversation: { id: activity.conversation.id },
        recipient: { id: activity.from.id },
        from: { id: activity.recipient.id },
        replyToId: activity.id,
      });
    }
    const actions = sent.at(-1).suggestedActions.actions;
    if (result.status === 'answered') {
      expect(actions).toEqual([
        { type: 'postBack', title: '👍 Hữu ích', value: `vote:up:${turn.id}` },
        { type: 'postBack', title: '👎 Chưa đúng', value: `vote:down:${turn.id}` },
      ]);
    } else {
      expect(actions.map((a: { value: string }) => a.value)).toEqual(result.suggestions.map((s) => `topic:${s.topic}`));
    }
  });

  it('refuses, without an app id, to POST replies to a non-local serviceUrl', async () => {
    const activity = { ...fixtureJson('botframework-message-activity.json'), serviceUrl: 'https://attacker.example' };
    const res = await h.post('/api/messages', JSON.stringify(activity));
    expect(res.status).toBe(403);
    expect(connector.requests).toHaveLength(0);
  });

  it('returns the replies in the response body with deliveryMode expectReplies', async () => {
    const activity = { ...fixtureJson('botframework-message-activity.json'), id: 'x-1', serviceUrl: 'https://attacker.example', deliveryMode: 'expectReplies', text: 'menu' };
    const res = await h.post('/api/messages', JSON.stringify(activity));
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text);
    expect(body.activities.map((a: { text: string }) => a.text)).toEqual([WELCOME]);
    expect(connector.requests).toHaveLength(0);
  });
});

describe('web chat page', () => {
  it('serves the page and its assets from the app with a strict CSP', async () => {
    const page = await fetch(`${h.url}/chat`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script src="/chat/chat.js"');
    expect(html).not.toMatch(/https?:\/\/(?!localhost)/); // no CDN
    const js = await fetch(`${h.url}/chat/chat.js`);
    expect(js.status).toBe(200);
    expect(await js.text()).toContain('/chat/api/messages');
    expect((await fetch(`${h.url}/chat/chat.css`)).status).toBe(200);
  });

  it('welcomes with the menu, then answers a tapped topic with 👍/👎 actions', async () => {
    const ids = { conversationId: 'conv_12345678', userId: 'user_12345678' };
    const start = await h.post('/chat/api/messages', JSON.stringify({ ...ids, start: true }));
    expect(start.status).toBe(200);
    const welcome = JSON.parse(start.text).activities;
    expect(welcome).toHaveLength(1);
    expect(welcome[0].text).toBe(WELCOME);
    const menu = MAIN_MENU.filter((m) => engine.guide(m.topic));
    expect(welcome[0].suggestedActions.actions.map((a: { title: string }) => a.title)).toEqual(menu.map((m) => m.label));

    const tap = await h.post('/chat/api/messages', JSON.stringify({ ...ids, text: menu[0]!.label, payload: `topic:${menu[0]!.topic}` }));
    const replies = JSON.parse(tap.text).activities.filter((a: { type: string }) => a.type === 'message');
    const turn = h.recorder.turns.at(-1)!;
    expect(turn).toMatchObject({ channel: 'webchat', topic: menu[0]!.topic, text: menu[0]!.label });
    expect(replies.at(-1).suggestedActions.actions.map((a: { value: string }) => a.value)).toEqual([`vote:up:${turn.id}`, `vote:down:${turn.id}`]);
  });

  it('rejects an empty or malformed web chat message with 400', async () => {
    expect((await h.post('/chat/api/messages', JSON.stringify({ conversationId: 'conv_12345678', userId: 'user_12345678', text: ' ' }))).status).toBe(400);
    expect((await h.post('/chat/api/messages', JSON.stringify({ conversationId: '../x', userId: 'user_12345678', text: 'hi' }))).status).toBe(400);
  });
});
