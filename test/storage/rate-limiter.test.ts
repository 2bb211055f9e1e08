/** One suite for the RateLimiter backends (in-memory, Redis), and the middleware that applies it. */
import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRateLimiter, type RateLimiter, type RateLimits } from '../../src/storage/rate-limiter.js';
import { RedisRateLimiter } from '../../src/storage/redis-rate-limiter.js';
import { RATE_LIMITED_REPLY, rateLimitMiddleware } from '../../src/channels/rate-limit.js';
import { assertRedisReachable, dropRedisPrefix, openTestRedis, uniqueRedisPrefix } from './redis-harness.js';

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const prefix = uniqueRedisPrefix('rate');
const clients: Redis[] = [];
let n = 0;

beforeAll(async () => {
  await assertRedisReachable();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await dropRedisPrefix(prefix);
});

/** `create()` returns two handles on the same limits (two instances); in memory both are the same object. */
function runRateLimiterSuite(name: string, create: (limits: RateLimits) => [RateLimiter, RateLimiter]) {
  describe(`RateLimiter: ${name}`, () => {
    it('allows the per-user limit, notifies once, then drops for the rest of the window', async () => {
      const [a, b] = create({ perUser: 3, perChannel: 0, windowMs: 60_000 });
      const decisions = [];
      for (let i = 0; i < 6; i++) decisions.push(await (i % 2 ? a : b).hit('zalo', 'u1', `m${i}`));
      expect(decisions).toEqual(['allow', 'allow', 'allow', 'notify', 'drop', 'drop']);
      expect(await a.hit('zalo', 'u2', 'x1')).toBe('allow'); // other users keep their own budget
      expect(await a.hit('messenger', 'u1', 'x2')).toBe('allow'); // and so does the same id on another channel
    });

    it('counts a message once and notifies a retried notified message again', async () => {
      const [a, b] = create({ perUser: 2, perChannel: 0, windowMs: 60_000 });
      expect(await a.hit('zalo', 'u1', 'm1')).toBe('allow');
      expect(await b.hit('zalo', 'u1', 'm1')).toBe('allow'); // the same message resumed elsewhere
      expect(await a.hit('zalo', 'u1', 'm2')).toBe('allow');
      expect(await a.hit('zalo', 'u1', 'm3')).toBe('notify');
      expect(await b.hit('zalo', 'u1', 'm3')).toBe('notify'); // its reply failed and is retried
      expect(await b.hit('zalo', 'u1', 'm4')).toBe('drop');
    });

    it('caps a whole channel across users', async () => {
      const [a, b] = create({ perUser: 0, perChannel: 4, windowMs: 60_000 });
      const decisions = [];
      for (let i = 0; i < 6; i++) decisions.push(await (i % 2 ? a : b).hit('zalo', `u${i}`, `m${i}`));
      expect(decisions).toEqual(['allow', 'allow', 'allow', 'allow', 'notify', 'notify']); // one notice per user
      expect(await a.hit('messenger', 'u9', 'm9')).toBe('allow');
    });

    it('slides: messages are allowed again once the oldest leave the window', async () => {
      const [a] = create({ perUser: 2, perChannel: 0, windowMs: 300 });
      expect(await a.hit('zalo', 'u1', 'm1')).toBe('allow');
      expect(await a.hit('zalo', 'u1', 'm2')).toBe('allow');
      expect(await a.hit('zalo', 'u1', 'm3')).toBe('notify');
      await wait(450);
      expect(await a.hit('zalo', 'u1', 'm4')).toBe('allow');
    });

    it('lets exactly the limit through when two instances race', async () => {
      const [a, b] = create({ perUser: 5, perChannel: 0, windowMs: 60_000 });
      const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).hit('zalo', 'u1', `m${i}`)));
      expect(decisions.filter((d) => d === 'allow')).toHaveLength(5);
      expect(decisions.filter((d) => d === 'notify')).toHaveLength(1);
    });
  });
}

runRateLimiterSuite('memory', (limits) => {
  const limiter = new MemoryRateLimiter(limits);
  return [limiter, limiter];
});
runRateLimiterSuite('redis', (limits) => {
  const p = `${prefix}${++n}:`;
  const [c1, c2] = [openTestRedis(), openTestRedis()];
  clients.push(c1, c2);
  return [new RedisRateLimiter(c1, p, limits), new RedisRateLimiter(c2, p, limits)];
});

describe('rateLimitMiddleware', () => {
  const message = (id: string, from = '8312645790123456789'): Partial<Activity> => ({
    type: ActivityTypes.Message,
    id,
    channelId: 'zalo',
    text: 'cccd',
    from: { id: from, name: '' },
  });

  it('runs the bot under the limit, replies once in Vietnamese over it, then stays silent', async () => {
    let botRuns = 0;
    const adapter = new TestAdapter(async (context) => {
      botRuns += 1;
      await context.sendActivity('trả lời');
    });
    adapter.use(rateLimitMiddleware(new MemoryRateLimiter({ perUser: 2, perChannel: 0, windowMs: 60_000 }), { warn: () => {} }));
    await adapter.send(message('m1')).assertReply('trả lời');
    await adapter.send(message('m2')).assertReply('trả lời');
    await adapter.send(message('m3')).assertReply(RATE_LIMITED_REPLY);
    await adapter.send(message('m4')).assertNoReply('dropped silently', 200);
    expect(botRuns).toBe(2);
    expect(RATE_LIMITED_REPLY).toBe('Bạn gửi nhanh quá, vui lòng đợi khoảng 1 phút rồi hỏi tiếp nhé.');
  });

  it('lets messages through when the limiter is unreachable, and never limits a follow', async () => {
    const warnings: string[] = [];
    let botRuns = 0;
    const adapter = new TestAdapter(async () => {
      botRuns += 1;
    });
    const broken: RateLimiter = { hit: async () => Promise.reject(new Error('connect ECONNREFUSED')) };
    adapter.use(rateLimitMiddleware(broken, { warn: (l) => warnings.push(l) }));
    await adapter.send(message('m1'));
    await adapter.send({ type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: 'u', name: '' }], from: { id: 'u', name: '' } });
    expect(botRuns).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Giới hạn tốc độ');
  });
});
