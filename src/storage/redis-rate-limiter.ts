/**
 * Rate limits shared by every instance: the sliding-window logs are Redis sorted sets (score = accept time
 * from Redis' own clock), checked and updated in one Lua script so concurrent instances cannot both let the
 * 21st message through. User ids only appear hashed in key names.
 */
import type { Redis } from 'ioredis';
import { hashedKey, redisScript } from './redis-client.js';
import type { RateDecision, RateLimiter, RateLimits } from './rate-limiter.js';

/**
 * KEYS: user log, channel log, user notice. ARGV: window ms, per-user limit, per-channel limit, message id,
 * channel member. Returns 1 allow, 2 notify, 3 drop.
 */
const HIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local perUser = tonumber(ARGV[2])
local perChannel = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then return 1 end
local over = perUser > 0 and redis.call('ZCARD', KEYS[1]) >= perUser
if not over and perChannel > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
  over = redis.call('ZCARD', KEYS[2]) >= perChannel
end
if over then
  local notice = redis.call('GET', KEYS[3])
  if not notice then
    redis.call('SET', KEYS[3], ARGV[4], 'PX', window)
    return 2
  end
  if notice == ARGV[4] then return 2 end
  return 3
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
if perChannel > 0 then
  redis.call('ZADD', KEYS[2], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[2], window)
end
return 1`;

const DECISIONS: Record<number, RateDecision> = { 1: 'allow', 2: 'notify', 3: 'drop' };

export class RedisRateLimiter implements RateLimiter {
  private readonly script;

  constructor(
    client: Redis,
    private readonly keyPrefix: string,
    private readonly limits: RateLimits,
  ) {
    this.script = redisScript<number>(client, 'troLyRateHit', HIT);
  }

  async hit(channel: string, user: string, messageId: string): Promise<RateDecision> {
    const { perUser, perChannel, windowMs } = this.limits;
    const who = hashedKey(`${channel}:${user}`);
    const p = `${this.keyPrefix}rate:`;
    const result = await this.script(
      [`${p}user:${who}`, `${p}channel:${hashedKey(channel)}`, `${p}notice:${who}`],
      [windowMs, perUser, perChannel, messageId, `${who}:${messageId}`],
    );
    return DECISIONS[result] ?? 'allow';
  }
}
