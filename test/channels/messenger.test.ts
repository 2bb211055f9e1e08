/**
 * Messenger end to end: signed Graph webhooks (escaped-unicode bodies) into the express app, the inbox, the
 * bot, and the exact Send API requests at a fake Graph server on loopback.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerEngine, AskResult } from '../../src/knowledge/engine.js';
import { NON_TEXT } from '../../src/bot/replies.js';
import { shortenLabel } from '../../src/channels/outbound.js';
import { buildTestEngine } from './support/engine.js';
import { FakePlatform, graphOk } from './support/fake-platform.js';
import { fixture, fixtureJson, messengerSignature, messengerTextBody, MESSENGER_VERIFY_TOKEN, MESSENGER_APP_SECRET } from './support/fixtures.js';
import { messengerEnv, startHarness, type Harness } from './support/harness.js';
import type { RecordingRecorder } from './support/recorder.js';

const PSID_A = '25193846071284553'; // 17 digits: above 2^53
const PSID_B = '7391028465519203';
const TOKEN = 'page-token-1';
const PROOF = createHmac('sha256', MESSENGER_APP_SECRET).update(TOKEN).digest('hex');

let engine: AnswerEngine;
let graph: FakePlatform;
let graphUrl: string;
let h: Harness | undefined;

beforeAll(async () => {
  engine = await buildTestEngine();
  graph = new FakePlatform(graphOk);
  graphUrl = await graph.start();
});
afterAll(async () => {
  await graph.close();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  graph.reset();
  graph.respond(graphOk);
});

async function start() {
  h = await startHarness({ engine, env: messengerEnv(graphUrl) });
  return h;
}

async function postMessenger(body: Buffer | string, signature: string | null = messengerSignature(body)) {
  return h!.post('/webhooks/messenger', body, signature === null ? {} : { 'X-Hub-Signature-256': signature });
}

/** The choices the bot attaches to an engine result (same rules as AssistantBot). */
function choicesFor(result: AskResult, recorder: RecordingRecorder, question: string) {
  const turn = recorder.turns.find((t) => t.text === question)!;
  if (result.status === 'answered') {
    return [
      { title: '👍 Hữu ích', payload: `vote:up:${turn.id}` },
      { title: '👎 Chưa đúng', payload: `vote:down:${turn.id}` },
    ];
  }
  if (result.status === 'uncovered') return result.suggestions.map((s, i) => ({ title: `${i + 1}. ${s.title}`, payload: `topic:${s.topic}` }));
  return [];
}

/** typing_on, then one Send API call per piece; quick replies ride on the last one. */
function expectedCalls(psid: string, pieces: string[], choices: Array<{ title: string; payload: string }>) {
  return [
    { recipient: { id: psid }, sender_action: 'typing_on' },
    ...pieces.map((text, i) => ({
      recipient: { id: psid },
      messaging_type: 'RESPONSE',
      message:
        i === pieces.length - 1 && choices.length
          ? { text, quick_replies: choices.map((c) => ({ content_type: 'text', title: shortenLabel(c.title, 20), payload: c.payload })) }
          : { text },
    })),
  ];
}

async function expectedAnswer(psid: string, question: string) {
  const result = await engine.ask(question);
  return expectedCalls(psid, result.pieces, choicesFor(result, h!.recorder, question));
}

const callsTo = (psid: string) => graph.requests.filter((r) => r.json?.recipient?.id === psid).map((r) => r.json);

describe('Messenger webhook verification (GET)', () => {
  it('echoes hub.challenge for the right verify token and refuses a wrong one', async () => {
    await start();
    const ok = await fetch(`${h!.url}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${MESSENGER_VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${h!.url}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444`);
    expect(bad.status).toBe(403);
    expect(await bad.text()).not.toContain('1158201444');
  });
});

describe('Messenger webhook → inbox → bot → Send API', () => {
  it('answers a text message: typing_on, then the reply with quick replies, token and proof in the query', async () => {
    await start();
    expect((await postMessenger(fixture('messenger-text.json'))).status).toBe(200);
    await h!.channels.inbox.idle();
    const question = fixtureJson('messenger-text.json').entry[0].messaging[0].message.text as string;
    expect(h!.recorder.turns[0]).toMatchObject({ channel: 'messenger', platformUserId: PSID_A, text: question });
    expect(graph.requests.map((r) => r.json)).toEqual(await expectedAnswer(PSID_A, question));
    for (const r of graph.requests) {
      expect(`${r.method} ${r.path}`).toBe('POST /me/messages');
      expect(r.query).toEqual({ access_token: TOKEN, appsecret_proof: PROOF });
      expect(r.raw).toContain(`"id":"${PSID_A}"`);
    }
    for (const qr of graph.requests.flatMap((r) => r.json.message?.quick_replies ?? [])) {
      expect([...qr.title].length).toBeLessThanOrEqual(20);
    }
  });

  it('answers a quick reply and a postback whose payloads are not ours by their titles', async () => {
    await start();
    await postMessenger(fixture('messenger-quick-reply.json'));
    await postMessenger(fixture('messenger-postback.json'));
    await h!.channels.inbox.idle();
    expect(callsTo(PSID_A)).toEqual(await expectedAnswer(PSID_A, 'Cấp lại CCCD'));
    expect(callsTo(PSID_B)).toEqual(await expectedAnswer(PSID_B, 'Tra cứu hồ sơ'));
  });

  it('opens a topic from our own quick-reply payload and records a 👎 from the next one', async () => {
    await start();
    const topic = 'dvc-dang-ky-tam-tru';
    await postMessenger(messengerTextBody({ psid: PSID_A, mid: 'm_topic_1', text: 'Đăng ký tạm trú', quickReplyPayload: `topic:${topic}` }));
    await h!.channels.inbox.idle();
    const turn = h!.recorder.turns[0]!;
    expect(turn).toMatchObject({ topic, status: 'answered', confidence: 1, text: 'Đăng ký tạm trú' });
    await postMessenger(messengerTextBody({ psid: PSID_A, mid: 'm_vote_1', text: '👎 Chưa đúng', quickReplyPayload: `vote:down:${turn.id}` }));
    await h!.channels.inbox.idle();
    expect(h!.recorder.votes).toEqual([{ turnId: turn.id, vote: 'down' }]);
  });

  it('handles a batch of several entries: every message answered, each user in order', async () => {
    await start();
    expect((await postMessenger(fixture('messenger-batch.json'))).status).toBe(200);
    await h!.channels.inbox.idle();
    const batch = fixtureJson('messenger-batch.json');
    const textsA = [batch.entry[0].messaging[0].message.text, batch.entry[1].messaging[0].message.text] as string[];
    const textB = batch.entry[0].messaging[1].message.text as string;
    expect(h!.recorder.turns.map((t) => t.text).sort()).toEqual([...textsA, textB].sort());
    expect(callsTo(PSID_A)).toEqual([...(await expectedAnswer(PSID_A, textsA[0]!)), ...(await expectedAnswer(PSID_A, textsA[1]!))]);
    expect(callsTo(PSID_B)).toEqual(await expectedAnswer(PSID_B, textB));
  });

  it('ignores echoes of the Page\'s own messages', async () => {
    await start();
    expect((await postMessenger(fixture('messenger-echo.json'))).status).toBe(200);
    await h!.channels.inbox.idle();
    expect(await h!.channels.inbox.stored()).toEqual({ pending: 0, done: 0, failed: 0 });
    expect(graph.requests).toHaveLength(0);
  });

  it('replies politely to an image attachment', async () => {
    await start();
    const body = JSON.stringify({
      object: 'page',
      entry: [{ id: '104583920011223', time: 1, messaging: [{ sender: { id: PSID_A }, recipient: { id: '104583920011223' }, timestamp: 2,
        message: { mid: 'm_img_1', attachments: [{ type: 'image', payload: { url: 'https://scontent.example/cccd.jpg' } }] } }] }],
    });
    await postMessenger(body);
    await h!.channels.inbox.idle();
    expect(graph.requests.map((r) => r.json)).toEqual([{ recipient: { id: PSID_A }, messaging_type: 'RESPONSE', message: { text: NON_TEXT } }]);
  });

  it('rejects a wrong, a missing and a re-serialised signature with 401', async () => {
    await start();
    const raw = fixture('messenger-text.json');
    expect((await postMessenger(raw, messengerSignature(raw, 'wrong-secret'))).status).toBe(401);
    expect((await postMessenger(raw, null)).status).toBe(401);
    // JSON.stringify(JSON.parse()) un-escapes the \uXXXX sequences Meta signed.
    expect((await postMessenger(JSON.stringify(JSON.parse(raw.toString('utf8'))), messengerSignature(raw))).status).toBe(401);
    expect((await postMessenger(raw, messengerSignature(raw).replace('sha256=', ''))).status).toBe(401);
    await h!.channels.inbox.idle();
    expect(await h!.channels.inbox.stored()).toEqual({ pending: 0, done: 0, failed: 0 });
    expect(graph.requests).toHaveLength(0);
  });

  it('answers 400 to signed malformed JSON', async () => {
    await start();
    const bad = '{"object":"page","entry":[';
    expect((await postMessenger(bad)).status).toBe(400);
    expect(graph.requests).toHaveLength(0);
  });

  it('answers a redelivered mid once', async () => {
    await start();
    const raw = fixture('messenger-text.json');
    await Promise.all([postMessenger(raw), postMessenger(raw), postMessenger(raw)]);
    await h!.channels.inbox.idle();
    expect(h!.recorder.turns).toHaveLength(1);
    const question = fixtureJson('messenger-text.json').entry[0].messaging[0].message.text as string;
    expect(graph.requests.map((r) => r.json)).toEqual(await expectedAnswer(PSID_A, question));
  });

  it('backs off on a 500 and on a rate limit (613), then delivers each message once', async () => {
    let failures = 0;
    graph.respond((req, i) => {
      if (req.json?.message && failures < 2) {
        failures += 1;
        return failures === 1
          ? { status: 500, body: { error: { message: 'An unexpected error has occurred.', code: 2, type: 'OAuthException' } } }
          : { status: 400, body: { error: { message: 'Calls to this api have exceeded the rate limit.', code: 613 } }, headers: { 'Retry-After': '0' } };
      }
      return graphOk(req, i);
    });
    await start();
    await postMessenger(fixture('messenger-text.json'));
    await h!.channels.inbox.idle();
    const question = fixtureJson('messenger-text.json').entry[0].messaging[0].message.text as string;
    const expected = await expectedAnswer(PSID_A, question);
    const first = expected[1]!;
    // typing_on, the first message three times (500, 613, success), then the rest once.
    expect(graph.requests.map((r) => r.json)).toEqual([expected[0], first, first, ...expected.slice(1)]);
    expect(await h!.channels.inbox.stored()).toEqual({ pending: 0, done: 1, failed: 0 });
  });

  it('records a closed 24-hour window (10/2018278) as failed without retrying', async () => {
    graph.respond((req, i) =>
      req.json?.message
        ? { status: 400, body: { error: { message: 'This message is sent outside of allowed window.', code: 10, error_subcode: 2018278 } } }
        : graphOk(req, i),
    );
    await start();
    await postMessenger(fixture('messenger-text.json'));
    await h!.channels.inbox.idle();
    expect(graph.requests.filter((r) => r.json.message)).toHaveLength(1);
    expect(await h!.channels.inbox.stored()).toEqual({ pending: 0, done: 0, failed: 1 });
    expect(h!.logs.some((l) => l.includes('messenger:10/2018278'))).toBe(true);
  });
});
