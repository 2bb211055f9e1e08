/**
 * botbuilder `Storage` on Redis: conversation state shared by every instance. Same eTag rules as
 * botbuilder's MemoryStorage and the SQLite storage: '*' or no eTag overwrites, any other eTag must match
 * the stored one; several keys are written all or nothing (one Lua script). Each key lives in a hash
 * {v: JSON value, e: eTag} under a hashed name, and expires after `ttlMs` without writes.
 */
import { randomBytes } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Redis } from 'ioredis';
import { AppError } from '../errors/app-error.js';
import { hashedKey, redisScript } from './redis-client.js';

/** ARGV[1] ttl (ms, 0 = none), then per key: expected eTag ('' = any), value, new eTag. Returns the 1-based index of a conflicting key, or 0. */
const WRITE = `
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS do
  local expected = ARGV[2 + (i - 1) * 3]
  if expected ~= '' then
    local current = redis.call('HGET', KEYS[i], 'e')
    if current and current ~= expected then return i end
  end
end
for i = 1, #KEYS do
  redis.call('HSET', KEYS[i], 'v', ARGV[3 + (i - 1) * 3], 'e', ARGV[4 + (i - 1) * 3])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 0`;

export class RedisBotStateStorage implements Storage {
  private readonly writeScript;

  constructor(
    private readonly client: Redis,
    private readonly keyPrefix: string,
    private readonly ttlMs: number,
  ) {
    this.writeScript = redisScript<number>(client, 'troLyStateWrite', WRITE);
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    const pipeline = this.client.pipeline();
    for (const key of keys) pipeline.hmget(this.redisKey(key), 'v', 'e');
    const results = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const [err, value] = results[i] ?? [null, null];
      if (err) throw err;
      const [v, e] = (value as [string | null, string | null] | null) ?? [null, null];
      if (v !== null && e !== null) items[key] = { ...JSON.parse(v), eTag: e };
    });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    const args: Array<string | number> = [Math.max(0, Math.round(this.ttlMs))];
    for (const key of keys) {
      const { eTag, ...value } = (changes[key] ?? {}) as Record<string, unknown> & { eTag?: string };
      args.push(eTag === undefined || eTag === '*' ? '' : eTag, JSON.stringify(value), newETag());
    }
    const conflict = await this.writeScript(keys.map((k) => this.redisKey(k)), args);
    if (conflict) {
      // The key names the conversation (a platform user id): not in the message.
      throw new AppError('invalid_request', 'Trạng thái hội thoại đã bị thay đổi đồng thời (eTag conflict).', { reason: 'etag_conflict' });
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.client.del(...keys.map((k) => this.redisKey(k)));
  }

  private redisKey(key: string): string {
    return `${this.keyPrefix}state:${hashedKey(key)}`;
  }
}

function newETag(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('base64url')}`;
}
