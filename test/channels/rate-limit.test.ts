/**
 * Rate limits through the whole Zalo path (signed webhook → inbox → adapter middleware → fake Zalo API), on
 * the embedded defaults and on the shared backends (PostgreSQL inbox, Redis limits): over the per-user limit
 * the citizen gets one polite reply, later messages in the window are dropped silently, and every item is
 * still marked done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerEngine } from '../../src/knowledge/engine.js';
import { WELCOME } from '../../src/bot/replies.js';
import { RATE_LIMITED_REPLY } from '../../src/channels/rate-limit.js';
import { buildTestEngine } from './support/engine.js';
import { FakePlatform, zaloOk } from './support/fake-platform.js';
import { zaloSignature, zaloTextBody } from './support/fixtures.js';
import { startHarness, zaloEnv } from './support/harness.js';
import { assertPostgresReachable, dropSchema, TEST_DATABASE_URL, uniqueChannelSchema } from '../storage/postgres-channel-harness.js';
import { assertRedisReachable, dropRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../storage/redis-harness.js';

let engine: AnswerEngine;
let zalo: FakePlatform;
let zaloUrl: string;
const schema = uniqueChannelSchema();
const redisPrefix = uniqueRedisPrefix('rate-e2e').replace(/:$/, '');

beforeAll(async () => {
  await Promise.all([assertPostgresReachable(), assertRedisReachable()]);
  engine = await buildTestEngine();
  zalo = new FakePlatform((_req, i) => zaloOk(i));
  zaloUrl = await zalo.start();
});
afterAll(async () => {
  await zalo.close();
  await dropSchema(schema);
  await dropRedisPrefix(`${redisPrefix}:`);
});

const backends: Array<[string, Record<string, string>]> = [
  ['embedded SQLite, in-memory limits', {}],
  ['PostgreSQL inbox, Redis limits', { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redisPrefix }],
];

describe.each(backends)('rate limits (%s)', (_name, sharedEnv) => {
  it('answers up to the per-user limit, replies once in Vietnamese, then drops silently; all items done', async () => {
    zalo.reset();
    const userId = sharedEnv.REDIS_URL ? '8312645790700000002' : '8312645790700000001';
    const h = await startHarness({ engine, env: { ...zaloEnv(zaloUrl), ...sharedEnv, RATE_LIMIT_USER_PER_MINUTE: '2' } });
    try {
      for (let i = 0; i < 5; i++) {
        const body = zaloTextBody({ userId, msgId: `rl-${userId}-${i}`, text: 'menu', timestamp: String(1_763_800_000_000 + i) });
        expect((await h.post('/webhooks/zalo', body, { 'X-ZEvent-Signature': zaloSignature(body) })).status).toBe(200);
      }
      await h.channels.inbox.idle();
      await zalo.waitUntil(() => zalo.requests.length >= 3, 10_000);
      const texts = zalo.requests.map((r) => r.json.message.text);
      expect(texts).toEqual([WELCOME, WELCOME, RATE_LIMITED_REPLY]);
      expect(zalo.requests[2]!.json).toEqual({ recipient: { user_id: userId }, message: { text: RATE_LIMITED_REPLY } });
      expect(await h.channels.inbox.stored()).toMatchObject({ pending: 0, failed: 0 });
      // Another user is not affected.
      const other = zaloTextBody({ userId: '8312645790700000009', msgId: `rl-other-${userId}`, text: 'menu' });
      await h.post('/webhooks/zalo', other, { 'X-ZEvent-Signature': zaloSignature(other) });
      await zalo.waitUntil(() => zalo.requests.length >= 4, 10_000);
      expect(zalo.requests[3]!.json.message.text).toBe(WELCOME);
    } finally {
      await h.close();
    }
  });
});
