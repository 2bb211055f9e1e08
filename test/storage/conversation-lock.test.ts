/** One suite for the ConversationLock backends: in-memory (one process) and Redis (several instances). */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryConversationLock, type ConversationLock } from '../../src/storage/conversation-lock.js';
import { RedisConversationLock } from '../../src/storage/redis-conversation-lock.js';
import { assertRedisReachable, dropRedisPrefix, openTestRedis, uniqueRedisPrefix } from './redis-harness.js';

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const prefix = uniqueRedisPrefix('lock');
const clients: Redis[] = [];
let n = 0;

beforeAll(async () => {
  await assertRedisReachable();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await dropRedisPrefix(prefix);
});

/** `create()` returns two handles on one lock (two instances); in memory both are the same object. */
function runLockSuite(name: string, create: () => [ConversationLock, ConversationLock]) {
  describe(`ConversationLock: ${name}`, () => {
    it('lets one holder in at a time and hands out a larger fence to each new holder', async () => {
      const [a, b] = create();
      const first = await a.acquire('zalo:1', 5000);
      expect(first).not.toBeNull();
      expect(await b.acquire('zalo:1', 5000)).toBeNull();
      expect(await b.acquire('zalo:2', 5000)).not.toBeNull(); // other conversations are independent
      await a.release(first!);
      const second = await b.acquire('zalo:1', 5000);
      expect(second!.fence).toBeGreaterThan(first!.fence);
    });

    it('gives exactly one of many concurrent acquirers the lock', async () => {
      const [a, b] = create();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).acquire('zalo:race', 5000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('expires without a heartbeat; the stale holder can then neither extend nor release the new lock', async () => {
      const [a, b] = create();
      const stale = (await a.acquire('zalo:1', 100))!;
      expect(await a.extend(stale, 100)).toBe(true);
      await wait(250);
      const fresh = await b.acquire('zalo:1', 5000);
      expect(fresh!.fence).toBeGreaterThan(stale.fence);
      expect(await a.extend(stale, 5000)).toBe(false);
      await a.release(stale); // compare-and-delete: leaves the new holder's lock alone
      expect(await a.acquire('zalo:1', 5000)).toBeNull();
      expect(await b.extend(fresh!, 5000)).toBe(true);
    });

    it('stays held while a heartbeat extends it past its first expiry', async () => {
      const [a, b] = create();
      const lease = (await a.acquire('zalo:1', 150))!;
      for (let i = 0; i < 4; i++) {
        await wait(60);
        expect(await a.extend(lease, 150)).toBe(true);
      }
      expect(await b.acquire('zalo:1', 150)).toBeNull();
    });
  });
}

runLockSuite('memory', () => {
  const lock = new MemoryConversationLock();
  return [lock, lock];
});
runLockSuite('redis', () => {
  const p = `${prefix}${++n}:`;
  const [c1, c2] = [openTestRedis(), openTestRedis()];
  clients.push(c1, c2);
  return [new RedisConversationLock(c1, p), new RedisConversationLock(c2, p)];
});

describe('MemoryConversationLock', () => {
  it('starts its fences above those of an earlier process (restart after kill -9)', async () => {
    const before = (await new MemoryConversationLock().acquire('zalo:1', 1000))!;
    await wait(2);
    const after = (await new MemoryConversationLock().acquire('zalo:1', 1000))!;
    expect(after.fence).toBeGreaterThan(before.fence);
  });
});

describe('RedisConversationLock', () => {
  it('keeps no conversation id in clear in its keys', async () => {
    const p = `${prefix}${++n}:`;
    const client = openTestRedis();
    clients.push(client);
    await new RedisConversationLock(client, p).acquire('zalo:8312645790123456789', 5000);
    const keys = await client.keys(`${p}*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toContain('8312645790123456789');
  });
});
