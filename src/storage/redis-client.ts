/**
 * The Redis connection of the shared stores (conversation state, locks, rate limits). Keys start with
 * `<REDIS_PREFIX>:`; parts that would carry a platform user id are hashed first, so no personal id is
 * stored in clear in a key.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RedisConfig } from './config.js';

export type RedisClient = Redis;

export function createRedisClient(config: RedisConfig, onError?: (line: string) => void): Redis {
  const client = new Redis(config.url, {
    // Commands wait for a reconnect instead of failing at once; a turn that cannot reach Redis fails after this.
    maxRetriesPerRequest: 3,
    connectTimeout: 5000,
    lazyConnect: false,
  });
  let last = 0;
  client.on('error', (err: Error) => {
    // Reconnect attempts repeat the same error; say it at most every 10 s.
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    onError?.(`Lỗi kết nối Redis (REDIS_URL): ${err.message}`);
  });
  return client;
}

/** A short, stable, non-reversible name for a key part that may contain a platform user id. */
export function hashedKey(part: string): string {
  return createHash('sha256').update(part).digest('base64url').slice(0, 27);
}

/**
 * A Lua script run atomically by Redis (EVALSHA, loaded on first use). The keys it touches are passed as
 * keys (their count may vary from call to call), the rest as arguments.
 */
export function redisScript<T>(client: Redis, name: string, lua: string): (keys: string[], args: Array<string | number>) => Promise<T> {
  const commands = client as unknown as Record<string, ((...a: Array<string | number>) => Promise<T>) | undefined>;
  if (!commands[name]) client.defineCommand(name, { lua });
  return (keys, args) => commands[name]!(keys.length, ...keys, ...args);
}
