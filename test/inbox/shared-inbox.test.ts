/**
 * Two Inbox instances (two pools, two Redis connections) on one PostgreSQL inbox and one Redis lock, in one
 * process: a redelivery is handled once, one conversation is handled one item at a time in seq order
 * whichever instance accepted each item, and a holder that stalls past its lease is fenced out.
 */
import type pg from 'pg';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inbox, type InboxHandler } from '../../src/inbox/inbox.js';
import { PostgresInboxStore } from '../../src/storage/postgres-inbox-store.js';
import { RedisConversationLock } from '../../src/storage/redis-conversation-lock.js';
import type { ConversationLock } from '../../src/storage/conversation-lock.js';
import type { NewInboxItem } from '../../src/storage/inbox-store.js';
import { assertPostgresReachable, dropSchema, openChannelPool, uniqueChannelSchema } from '../storage/postgres-channel-harness.js';
import { assertRedisReachable, dropRedisPrefix, openTestRedis, uniqueRedisPrefix } from '../storage/redis-harness.js';

const quiet = { info: () => {}, warn: () => {} };
const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const schemas: string[] = [];
const pools: pg.Pool[] = [];
const clients: Redis[] = [];
const prefix = uniqueRedisPrefix('shared-inbox');
let n = 0;

beforeAll(async () => {
  await Promise.all([assertPostgresReachable(), assertRedisReachable()]);
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  for (const p of pools) await p.end();
  for (const s of schemas) await dropSchema(s);
  await dropRedisPrefix(prefix);
});

const item = (conversation: string, externalId: string): NewInboxItem => ({
  channel: 'test',
  externalId,
  conversation,
  payload: '{}',
  receivedAt: Date.now(),
});

async function twoInstances(
  handlers: [InboxHandler, InboxHandler],
  options: { leaseMs?: number; wrapLock?: (lock: ConversationLock, index: number) => ConversationLock } = {},
) {
  const schema = uniqueChannelSchema();
  schemas.push(schema);
  const keyPrefix = `${prefix}${++n}:`;
  const boxes: Inbox[] = [];
  const stores: PostgresInboxStore[] = [];
  for (const [i, handle] of handlers.entries()) {
    const pool = await openChannelPool(schema, 4);
    const redis = openTestRedis();
    pools.push(pool);
    clients.push(redis);
    const store = new PostgresInboxStore(pool);
    const lock = new RedisConversationLock(redis, keyPrefix);
    stores.push(store);
    boxes.push(
      new Inbox({
        store,
        handlers: { test: handle },
        concurrency: 4,
        retryDelaysMs: [20],
        log: quiet,
        discoverEveryMs: 30,
        lock: options.wrapLock ? options.wrapLock(lock, i) : lock,
        leaseMs: options.leaseMs ?? 5000,
      }),
    );
  }
  await Promise.all(boxes.map((b) => b.start()));
  return { boxes, store: stores[0]! };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met after ${timeoutMs} ms`);
    await wait(10);
  }
}

describe('two inbox instances sharing PostgreSQL and Redis', () => {
  it('handles a redelivery reaching both instances once', async () => {
    const handled: string[] = [];
    const handle: InboxHandler = async (it) => {
      handled.push(it.externalId);
    };
    const { boxes, store } = await twoInstances([handle, handle]);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => boxes[i % 2]!.accept([item(`zalo:${i >> 1}`, `msg-${i >> 1}`)])),
    );
    expect(results.reduce((s, r) => s + r.stored, 0)).toBe(5);
    await until(async () => (await store.counts()).done === 5, 10_000);
    await wait(100);
    expect(handled.sort()).toEqual(['msg-0', 'msg-1', 'msg-2', 'msg-3', 'msg-4']);
    await Promise.all(boxes.map((b) => b.stop()));
  });

  it('answers one conversation in arrival order, one item at a time, whichever instance received each item', async () => {
    const order = new Map<string, string[]>();
    const running = new Set<string>();
    let overlaps = 0;
    const handler =
      (who: string): InboxHandler =>
      async (it) => {
        if (running.has(it.conversation)) overlaps += 1;
        running.add(it.conversation);
        await wait(1 + (it.seq % 4));
        order.set(it.conversation, [...(order.get(it.conversation) ?? []), `${it.externalId}@${who}`]);
        running.delete(it.conversation);
      };
    const { boxes, store } = await twoInstances([handler('A'), handler('B')]);
    const expected = new Map<string, string[]>();
    for (let round = 0; round < 12; round++) {
      // Alternately to each instance, each acknowledged before the next is sent (like a user typing).
      await Promise.all(
        ['zalo:u1', 'zalo:u2', 'zalo:u3'].map(async (c) => {
          const id = `${c}-${round}`;
          expected.set(c, [...(expected.get(c) ?? []), id]);
          await boxes[round % 2]!.accept([item(c, id)]);
        }),
      );
    }
    await until(async () => (await store.counts()).done === 36, 15_000);
    expect(overlaps).toBe(0);
    for (const [c, ids] of expected) expect(order.get(c)!.map((s) => s.split('@')[0])).toEqual(ids);
    const handledBy = new Set([...order.values()].flat().map((s) => s.split('@')[1]));
    console.info(`shared inbox: items handled by instance(s) ${[...handledBy].join(', ')}`);
    await Promise.all(boxes.map((b) => b.stop()));
  });

  it('fences out a holder that stalled past its lease: the other instance takes over and finishes the item', async () => {
    let releaseStalled!: () => void;
    const stalled = new Promise<void>((r) => (releaseStalled = r));
    const staleWrites: boolean[] = [];
    const handledByB: string[] = [];
    let started = false;
    const handlerA: InboxHandler = async (it, progress) => {
      started = true;
      await stalled; // a long GC pause or a network partition: no heartbeat gets through meanwhile
      try {
        await progress.recordProgress(1);
        staleWrites.push(true);
      } catch (err) {
        staleWrites.push(false);
        throw err;
      }
    };
    const handlerB: InboxHandler = async (it) => {
      handledByB.push(it.externalId);
    };
    // Instance A's heartbeat never reaches Redis (its extend hangs); B's lock works normally.
    const { boxes, store } = await twoInstances([handlerA, handlerB], {
      leaseMs: 400,
      wrapLock: (lock, i) => (i === 0 ? { ...bind(lock), extend: () => new Promise<boolean>(() => {}) } : lock),
    });
    const t0 = Date.now();
    await boxes[0]!.accept([item('zalo:stall', 'm-1')]);
    await until(() => started, 5000);
    await until(() => handledByB.length === 1, 5000);
    const takeoverMs = Date.now() - t0;
    expect(takeoverMs).toBeLessThan(400 + 1000);
    releaseStalled();
    await until(() => staleWrites.length === 1, 5000);
    expect(staleWrites).toEqual([false]);
    await boxes[0]!.idle();
    expect(boxes[0]!.stats()).toMatchObject({ abandoned: 1, done: 0 });
    expect(await store.counts()).toEqual({ pending: 0, done: 1, failed: 0 });
    await Promise.all(boxes.map((b) => b.stop()));
  });
});

function bind(lock: ConversationLock): ConversationLock {
  return { acquire: lock.acquire.bind(lock), extend: lock.extend.bind(lock), release: lock.release.bind(lock) };
}
