/**
 * The conversation lock on Redis, shared by every instance: `SET key token NX PX ttl` with a random token,
 * and a fencing token from `INCR` on one counter, both in one script so that a fence is only ever issued to
 * the holder of the lock. Extending and releasing compare the token first (a holder whose lock expired and
 * was taken by another cannot extend or delete the new holder's lock).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ConversationLease, ConversationLock } from './conversation-lock.js';
import { hashedKey, redisScript } from './redis-client.js';

const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return false`;

const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export class RedisConversationLock implements ConversationLock {
  private readonly acquireScript;
  private readonly extendScript;
  private readonly releaseScript;

  constructor(
    client: Redis,
    private readonly keyPrefix: string,
  ) {
    this.acquireScript = redisScript<number | null>(client, 'troLyLockAcquire', ACQUIRE);
    this.extendScript = redisScript<number>(client, 'troLyLockExtend', EXTEND);
    this.releaseScript = redisScript<number>(client, 'troLyLockRelease', RELEASE);
  }

  async acquire(key: string, ttlMs: number): Promise<ConversationLease | null> {
    const token = randomBytes(12).toString('base64url');
    const fence = await this.acquireScript([this.lockKey(key), `${this.keyPrefix}lock-fence`], [token, Math.ceil(ttlMs)]);
    return fence === null || fence === undefined ? null : { key, token, fence: Number(fence) };
  }

  async extend(lease: ConversationLease, ttlMs: number): Promise<boolean> {
    return (await this.extendScript([this.lockKey(lease.key)], [lease.token, Math.ceil(ttlMs)])) === 1;
  }

  async release(lease: ConversationLease): Promise<void> {
    await this.releaseScript([this.lockKey(lease.key)], [lease.token]);
  }

  private lockKey(key: string): string {
    return `${this.keyPrefix}lock:${hashedKey(key)}`;
  }
}
