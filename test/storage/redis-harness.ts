/**
 * Redis for tests: REDIS_URL or the local server, one key prefix per test file so parallel runs never
 * collide; `dropRedisPrefix` deletes the file's keys afterwards. An unreachable server fails the test.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export function uniqueRedisPrefix(name = 'test'): string {
  return `${name}:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

export function openTestRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 3000 });
}

export async function assertRedisReachable(): Promise<void> {
  const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 0, connectTimeout: 3000, lazyConnect: true, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(
      `Redis không truy cập được tại ${TEST_REDIS_URL.replace(/:[^:@/]*@/, ':***@')} (${(err as Error).message}). ` +
        'Các bộ kiểm thử dùng chung cần Redis: khởi động máy chủ hoặc đặt REDIS_URL.',
    );
  } finally {
    client.disconnect();
  }
}

/** Deletes every key under `prefix`. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const client = openTestRedis();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
