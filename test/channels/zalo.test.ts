/**
 * Zalo OA end to end: real-format signed webhooks into the express app, the durable inbox, the bot, and the
 * exact requests that reach a fake Zalo OA API / OAuth server on loopback.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerEngine } from '../../src/knowledge/engine.js';
import { composeGuideAnswer } from '../../src/knowledge/compose.js';
import { MAIN_MENU } from '../../src/bot/main-menu.js';
import { NON_TEXT, THANKS_UP, TURN_FAILED, WELCOME } from '../../src/bot/replies.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryTokenStore } from '../../src/storage/token-store.js';
import { SqliteTokenStore } from '../../src/storage/sqlite-token-store.js';
import { openSqliteDatabase } from '../../src/storage/sqlite-database.js';
import { ZaloTokenManager } from '../../src/channels/zalo/token-manager.js';
import { createPlatformHttp } from '../../src/channels/platform-http.js';
import { shortenLabel } from '../../src/channels/outbound.js';
import { ZALO_MAX_BUTTON_TITLE } from '../../src/channels/zalo/api-client.js';
import { buildTestEngine } from './support/engine.js';
import { FakePlatform, zaloOk, type RecordedRequest } from './support/fake-platform.js';
import { fixture, fixtureJson, zaloSignature, zaloTextBody, ZALO_OA_ID } from './support/fixtures.js';
import { startHarness, zaloEnv, type Harness } from './support/harness.js';
import { testRedact } from './support/recorder.js';

const USER = '8312645790123456789'; // 19 digits: above 2^53, must stay a string

let engine: AnswerEngine;
let zalo: FakePlatform;
let zaloUrl: string;
let h: Harness | undefined;

beforeAll(async () => {
  engine = await buildTestEngine();
  zalo = new FakePlatform();
  zaloUrl = await zalo.start();
});
afterAll(async () => {
  await zalo.close();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  zalo.reset();
  zalo.respond((_req, i) => zaloOk(i));
});

const sends = () => zalo.requests.filter((r) => r.path === '/v3.0/oa/message/cs');

function expectedBodies(userId: string, pieces: string[], buttons: Array<{ title: string; payload: string }>) {
  return pieces.map((text, i) => ({
    recipient: { user_id: userId },
    message:
      i === pieces.length - 1 && buttons.length
        ? { text, attachment: { type: 'template', payload: { buttons: buttons.map((b) => ({ ...b, type: 'oa.query.hide' })) } } }
        : { text },
  }));
}

async function start(extraEnv: Record<string, string> = {}) {
  h = await startHarness({ engine, env: { ...zaloEnv(zaloUrl), ...extraEnv } });
  return h;
}

/** `signature: null` sends no signature header. */
async function postZalo(body: Buffer | string, signature: string | null = zaloSignature(body)) {
  return h!.post('/webhooks/zalo', body, signature === null ? {} : { 'X-ZEvent-Signature': signature });
}

describe('Zalo webhook → inbox → bot → Zalo OA API', () => {
  it('answers a text question with the engine reply, exact request shape, id kept as a string', async () => {
    await start();
    const res = await postZalo(fixture('zalo-user-send-text.json'));
    expect(res.status).toBe(200);
    await h!.channels.inbox.idle();

    const question = fixtureJson('zalo-user-send-text.json').message.text as string;
    const result = await engine.ask(question);
    const turn = h!.recorder.turns[0]!;
    expect(turn).toMatchObject({ channel: 'zalo', platformUserId: USER, text: question, status: result.status, topic: result.topic });
    const buttons =
      result.status === 'answered'
        ? [
            { title: '👍 Hữu ích', payload: `vote:up:${turn.id}` },
            { title: '👎 Chưa đúng', payload: `vote:down:${turn.id}` },
          ]
        : result.suggestions.map((s, i) => ({ title: shortenLabel(`${i + 1}. ${s.title}`, ZALO_MAX_BUTTON_TITLE), payload: `topic:${s.topic}` }));
    expect(sends().map((r) => r.json)).toEqual(expectedBodies(USER, result.pieces, buttons));
    for (const r of sends()) {
      expect(r.method).toBe('POST');
      expect(r.headers['access_token']).toBe('access-1');
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(r.raw).toContain(`"user_id":"${USER}"`);
    }
  });

  it('welcomes a new follower with the main menu as buttons', async () => {
    await start();
    expect((await postZalo(fixture('zalo-follow.json'))).status).toBe(200);
    await h!.channels.inbox.idle();
    const menu = MAIN_MENU.filter((m) => engine.guide(m.topic)).map((m) => ({ title: m.label, payload: `topic:${m.topic}` }));
    expect(menu.length).toBeGreaterThan(0);
    expect(sends().map((r) => r.json)).toEqual(expectedBodies(USER, [WELCOME], menu));
    expect(h!.recorder.turns).toHaveLength(0);
  });

  it('answers a tapped topic button with that guide and records the 👍 on the turn', async () => {
    await start();
    const topic = MAIN_MENU.find((m) => engine.guide(m.topic))!.topic;
    const tap = zaloTextBody({ userId: USER, msgId: 'a1b2c3d4e5f6a7b8c9d0', text: `topic:${topic}` });
    expect((await postZalo(tap)).status).toBe(200);
    await h!.channels.inbox.idle();
    const turn = h!.recorder.turns[0]!;
    expect(turn).toMatchObject({ status: 'answered', topic, confidence: 1 });
    expect(sends().map((r) => r.json)).toEqual(
      expectedBodies(USER, composeGuideAnswer(engine.guide(topic)!), [
        { title: '👍 Hữu ích', payload: `vote:up:${turn.id}` },
        { title: '👎 Chưa đúng', payload: `vote:down:${turn.id}` },
      ]),
    );

    zalo.reset();
    const vote = zaloTextBody({ userId: USER, msgId: 'b1b2c3d4e5f6a7b8c9d0', text: `vote:up:${turn.id}` });
    expect((await postZalo(vote)).status).toBe(200);
    await h!.channels.inbox.idle();
    expect(h!.recorder.votes).toEqual([{ turnId: turn.id, vote: 'up' }]);
    expect(sends().map((r) => r.json)).toEqual(expectedBodies(USER, [THANKS_UP], []));
  });

  it('replies politely to an image and never stores its URL', async () => {
    await start();
    expect((await postZalo(fixture('zalo-user-send-image.json'))).status).toBe(200);
    await h!.channels.inbox.idle();
    expect(sends().map((r) => r.json)).toEqual(expectedBodies('7046519283746501928', [NON_TEXT], []));
    expect(h!.recorder.turns).toHaveLength(0);
  });

  it('ignores the echo of our own message', async () => {
    await start();
    expect((await postZalo(fixture('zalo-oa-send-text.json'))).status).toBe(200);
    await h!.channels.inbox.idle();
    expect(await h!.channels.inbox.stored()).toEqual({ pending: 0, done: 0, failed: 0 });
    expect(zalo.requests).toHaveLength(0);
  });

  it('rejects a bad, a missing and an OA-id-based signature with 401 and stores nothing', async () => {
    await start();
    const raw = fixture('zalo-user-send-text.json');
    expect((await postZalo(raw, zaloSignature(raw, { oaSecret: 'wrong-secret' }))).status).toBe(401);
    expect((await postZalo(raw, null)).status).toBe(401);
    expect((await postZalo(raw, zaloSignature(raw, { appId: ZALO_OA_ID }))).status).toBe(401);
    // The same JSON re-serialised with spaces keeps the original header: the bytes differ, so it must fail.
    const reformatted = JSON.stringify(JSON.parse(raw.toString('utf8')), null, 1);
    expect((await postZalo(reformatted, zaloSignature(raw))).status).toBe(401);
    await h!.channels.inbox.idle();
    expect(await h!.channels.inbox.stored()).toEqual({ pending: 0, done: 0, failed: 0 });
    expect(zalo.requests).toHaveLength(0);
  });

  it('answers 400 to malformed JSON and 413 to a body over 256 KB, without side effects', async () => {
    await start();
    expect((await postZalo('{"event_name":"user_send_text",', 'mac=' + '0'.repeat(64))).status).toBe(400);
    const big = zaloTextBody({ userId: USER, msgId: 'c1', text: 'a'.repeat(300 * 1024) });
    expect((await postZalo(big)).status).toBe(413);
    await h!.channels.inbox.idle();
    expect(await h!.channels.inbox.stored()).toEqual({ pending: 0, done: 0, failed: 0 });
    expect(zalo.requests).toHaveLength(0);
  });

  it('answers a redelivered msg_id once', async () => {
    await start();
    const raw = fixture('zalo-user-send-text.json');
    const statuses = await Promise.all([postZalo(raw), postZalo(raw)]);
    expect(statuses.map((s) => s.status)).toEqual([200, 200]);
    await h!.channels.inbox.idle();
    expect((await postZalo(raw)).status).toBe(200);
    await h!.channels.inbox.idle();
    expect(h!.recorder.turns).toHaveLength(1);
    const pieces = (await engine.ask(fixtureJson('zalo-user-send-text.json').message.text)).pieces;
    expect(sends()).toHaveLength(pieces.length);
  });

  it('stores only redacted text: the engine and the turn log see no ID number', async () => {
    await start();
    const body = zaloTextBody({ userId: USER, msgId: 'd1', text: 'số cccd của tôi là 001099012345 bị khóa vneid thì làm sao' });
    expect((await postZalo(body)).status).toBe(200);
    await h!.channels.inbox.idle();
    expect(h!.recorder.turns[0]!.text).toBe(testRedact('số cccd của tôi là 001099012345 bị khóa vneid thì làm sao'));
    expect(h!.recorder.turns[0]!.text).not.toContain('001099012345');
  });

  it('refreshes an expired access token once, saves the new pair, then sends with it', async () => {
    zalo.respond((req, i) => {
      if (req.path === '/v4/oa/access_token') {
        return { status: 200, body: { access_token: 'access-2', refresh_token: 'refresh-2', expires_in: '90000' } };
      }
      if (req.headers['access_token'] === 'access-1') return { status: 200, body: { error: -216, message: 'Access token is invalid' } };
      return zaloOk(i);
    });
    await start();
    await postZalo(fixture('zalo-follow.json'));
    await h!.channels.inbox.idle();

    expect(zalo.requests.map((r) => `${r.path} ${r.headers['access_token'] ?? ''}`)).toEqual([
      '/v3.0/oa/message/cs access-1',
      '/v4/oa/access_token ',
      '/v3.0/oa/message/cs access-2',
    ]);
    const refresh = zalo.requests[1]!;
    expect(refresh.method).toBe('POST');
    expect(refresh.headers['secret_key']).toBe('test-app-secret-key');
    expect(refresh.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(refresh.raw))).toEqual({
      refresh_token: 'refresh-1',
      app_id: '1234567890',
      grant_type: 'refresh_token',
    });
    expect(zalo.requests[2]!.json).toEqual(zalo.requests[0]!.json);

    // After a restart on the same DATA_DIR the rotated pair is used, not the dead one from the environment.
    const dataDir = h!.dataDir;
    await h!.close({ keepData: true });
    zalo.reset();
    h = await startHarness({ engine, env: zaloEnv(zaloUrl), dataDir });
    await postZalo(zaloTextBody({ userId: USER, msgId: 'e1', text: 'menu' }));
    await h.channels.inbox.idle();
    expect(zalo.requests.map((r) => `${r.path} ${r.headers['access_token'] ?? ''}`)).toEqual(['/v3.0/oa/message/cs access-2']);
  });

  it('retries a 5xx with backoff, then sends once', async () => {
    zalo.respond((req, i) => (i === 0 ? { status: 502, body: { error: 'bad gateway' } } : zaloOk(i)));
    await start();
    await postZalo(fixture('zalo-follow.json'));
    await h!.channels.inbox.idle();
    expect(sends()).toHaveLength(2);
    expect(sends()[1]!.json).toEqual(sends()[0]!.json);
    expect(await h!.channels.inbox.stored()).toEqual({ pending: 0, done: 1, failed: 0 });
  });

  it('records a permanent failure (window closed, -230) without crashing and keeps serving others', async () => {
    zalo.respond((req, i) =>
      req.json?.recipient?.user_id === USER ? { status: 200, body: { error: -230, message: 'User has not interacted with the OA in 7 days' } } : zaloOk(i),
    );
    await start();
    await postZalo(fixture('zalo-follow.json'));
    await postZalo(fixture('zalo-user-send-image.json'));
    await h!.channels.inbox.idle();
    expect(sends().filter((r) => r.json.recipient.user_id === USER)).toHaveLength(1); // no retry
    expect(sends().filter((r) => r.json.recipient.user_id === '7046519283746501928')).toHaveLength(1);
    expect(await h!.channels.inbox.stored()).toEqual({ pending: 0, done: 1, failed: 1 });
    expect(h!.logs.some((l) => l.includes('zalo:-230'))).toBe(true);
    expect(h!.logs.join('\n')).not.toContain(USER);
  });

  it('apologises once when the turn itself fails (engine error), without retrying it', async () => {
    const broken = new Proxy(engine, {
      get(target, prop) {
        if (prop === 'ask') return async () => Promise.reject(new Error('index unreadable'));
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    h = await startHarness({ engine: broken, env: zaloEnv(zaloUrl) });
    await postZalo(fixture('zalo-user-send-text.json'));
    await h.channels.inbox.idle();
    expect(sends().map((r) => r.json)).toEqual(expectedBodies(USER, [TURN_FAILED], []));
    expect(await h.channels.inbox.stored()).toEqual({ pending: 0, done: 1, failed: 0 });
    expect(h.logs.some((l) => l.includes('index unreadable'))).toBe(true);
  });

  it('falls back to numbered text when Zalo rejects the button template', async () => {
    zalo.respond((req, i) => (req.json?.message?.attachment ? { status: 200, body: { error: -233, message: 'Message type is not supported' } } : zaloOk(i)));
    await start();
    await postZalo(fixture('zalo-follow.json'));
    await h!.channels.inbox.idle();
    const menu = MAIN_MENU.filter((m) => engine.guide(m.topic));
    const numbered = `${WELCOME}\n\nNhắn số để chọn:\n${menu.map((m, i) => `${i + 1}. ${m.label}`).join('\n')}`;
    expect(sends().map((r) => r.json.message)).toEqual([
      expect.objectContaining({ text: WELCOME, attachment: expect.any(Object) }),
      { text: numbered },
    ]);
    // The citizen answers "2": the bot opens the second menu topic.
    zalo.reset();
    await postZalo(zaloTextBody({ userId: USER, msgId: 'f1', text: '2' }));
    await h!.channels.inbox.idle();
    expect(h!.recorder.turns[0]).toMatchObject({ topic: menu[1]!.topic, status: 'answered' });
    // Buttons stay off after -233: the answer's 👍/👎 come as numbered text in the same message.
    expect(sends().every((r: RecordedRequest) => !r.json.message.attachment)).toBe(true);
    expect(sends().at(-1)!.json.message.text).toMatch(/Nhắn số để chọn:\n1\. 👍 Hữu ích\n2\. 👎 Chưa đúng$/);
  });
});

describe('ZaloTokenManager', () => {
  it('runs one refresh for concurrent rejections and persists the pair before returning it', async () => {
    const oauth = new FakePlatform((req) => ({
      status: 200,
      body: { access_token: 'access-2', refresh_token: 'refresh-2', expires_in: '90000' },
      delayMs: 30,
    }));
    const url = await oauth.start();
    const store = new MemoryTokenStore();
    const saved: string[] = [];
    const origSave = store.save.bind(store);
    store.save = async (name, t) => {
      saved.push(t.accessToken);
      return origSave(name, t);
    };
    const tokens = new ZaloTokenManager({
      appId: '1234567890',
      appSecretKey: 'k',
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      oauthBaseUrl: url,
      http: createPlatformHttp(2000),
      store,
      log: { info: () => {}, warn: () => {} },
    });
    const results = await Promise.all([tokens.afterRejection('access-1'), tokens.afterRejection('access-1'), tokens.afterRejection('access-1')]);
    expect(results).toEqual(['access-2', 'access-2', 'access-2']);
    expect(oauth.requests).toHaveLength(1);
    expect(saved).toEqual(['access-1', 'access-2']);
    expect(await store.load('zalo-oa')).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' });
    await oauth.close();
  });

  it('lets only one of two processes sharing the token store spend the refresh token', async () => {
    const oauth = new FakePlatform((req) => ({
      status: 200,
      body: { access_token: 'access-2', refresh_token: 'refresh-2', expires_in: '90000' },
      delayMs: 50,
    }));
    const url = await oauth.start();
    const dir = mkdtempSync(join(tmpdir(), 'tokens-'));
    const store = new SqliteTokenStore(openSqliteDatabase(join(dir, 'channels.sqlite')));
    const manager = () =>
      new ZaloTokenManager({
        appId: '1234567890',
        appSecretKey: 'k',
        accessToken: 'access-1',
        refreshToken: 'refresh-1',
        oauthBaseUrl: url,
        http: createPlatformHttp(2000),
        store,
        log: { info: () => {}, warn: () => {} },
        sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 10))),
      });
    const [a, b] = [manager(), manager()];
    expect(await Promise.all([a.afterRejection('access-1'), b.afterRejection('access-1')])).toEqual(['access-2', 'access-2']);
    expect(oauth.requests).toHaveLength(1);
    await oauth.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a broken refresh chain as a permanent failure', async () => {
    const oauth = new FakePlatform(() => ({ status: 200, body: { error: -14014, error_name: 'Invalid refresh token' } }));
    const url = await oauth.start();
    const warnings: string[] = [];
    const tokens = new ZaloTokenManager({
      appId: '1234567890',
      appSecretKey: 'k',
      accessToken: 'access-1',
      refreshToken: 'dead',
      oauthBaseUrl: url,
      http: createPlatformHttp(2000),
      store: new MemoryTokenStore(),
      log: { info: () => {}, warn: (l) => warnings.push(l) },
    });
    await expect(tokens.afterRejection('access-1')).rejects.toMatchObject({ code: 'upstream_failed', context: { retryable: false } });
    expect(warnings.join('\n')).toContain('cấp quyền lại');
    await oauth.close();
  });
});
