/** The shared Storage suite on botbuilder's MemoryStorage, SQLite and Redis. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage } from 'botbuilder';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/storage/sqlite-database.js';
import { SqliteBotStateStorage } from '../../src/storage/sqlite-bot-state-storage.js';
import { RedisBotStateStorage } from '../../src/storage/redis-bot-state-storage.js';
import { assertRedisReachable, dropRedisPrefix, openTestRedis, uniqueRedisPrefix } from './redis-harness.js';
import { runStorageSuite } from './storage-suite.js';

const root = mkdtempSync(join(tmpdir(), 'bot-state-'));
const prefix = uniqueRedisPrefix('state');
let redis: Redis;
let n = 0;

beforeAll(async () => {
  await assertRedisReachable();
  redis = openTestRedis();
});
afterAll(async () => {
  redis?.disconnect();
  await dropRedisPrefix(prefix);
  rmSync(root, { recursive: true, force: true });
});

runStorageSuite({ name: 'memory (botbuilder)', create: () => new MemoryStorage() });
runStorageSuite({
  name: 'sqlite',
  create: () => new SqliteBotStateStorage(openSqliteDatabase(join(mkdtempSync(join(root, 'db-')), 'channels.sqlite'))),
});
// Each test gets its own sub-prefix: an empty storage, like the other backends.
runStorageSuite({
  name: 'redis',
  create: () => new RedisBotStateStorage(redis, `${prefix}${++n}:`, 60_000),
  createWithTtl: (ms) => new RedisBotStateStorage(redis, `${prefix}${++n}:`, ms),
});

describe('RedisBotStateStorage', () => {
  it('stores no conversation key in clear and writes several keys all or nothing', async () => {
    const p = `${prefix}${++n}:`;
    const storage = new RedisBotStateStorage(redis, p, 60_000);
    await storage.write({ 'zalo/conversations/8312645790123456789': { n: 1 } });
    const keys = await redis.keys(`${p}*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('8312645790123456789');
    const stale = (await storage.read(['zalo/conversations/8312645790123456789']))['zalo/conversations/8312645790123456789'];
    await storage.write({ 'zalo/conversations/8312645790123456789': { ...stale, n: 2 } });
    await expect(storage.write({ 'zalo/conversations/other': { n: 9 }, 'zalo/conversations/8312645790123456789': { ...stale, n: 3 } })).rejects.toMatchObject({
      message: expect.not.stringContaining('8312645790123456789'),
    });
    expect(await storage.read(['zalo/conversations/other'])).toEqual({});
  });
});
