/** Shared-storage configuration: DATABASE_URL / REDIS_URL pick the backends; bad values stop start-up by name. */
import { describe, expect, it } from 'vitest';
import { loadStorageConfig } from '../../src/storage/config.js';
import { loadChannelConfig } from '../../src/channels/config.js';

describe('loadStorageConfig', () => {
  it('keeps the embedded defaults when neither DATABASE_URL nor REDIS_URL is set', () => {
    expect(loadStorageConfig({})).toEqual({ postgres: null, redis: null });
    expect(loadStorageConfig({ DATABASE_URL: '', REDIS_URL: ' ' })).toEqual({ postgres: null, redis: null });
  });

  it('reads PostgreSQL and Redis with their documented defaults', () => {
    expect(loadStorageConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/test', REDIS_URL: 'redis://127.0.0.1:6379/2' })).toEqual({
      postgres: { url: 'postgres://u@127.0.0.1:5432/test', schema: 'feedback', poolSize: 10 },
      redis: { url: 'redis://127.0.0.1:6379/2', keyPrefix: 'tro-ly:' },
    });
    const custom = loadStorageConfig({
      DATABASE_URL: 'postgresql://u:p@db/x',
      DATABASE_SCHEMA: 'tinh_a',
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: 'rediss://:secret@cache:6380',
      REDIS_PREFIX: 'tinh-a',
    });
    expect(custom.postgres).toEqual({ url: 'postgresql://u:p@db/x', schema: 'tinh_a', poolSize: 4 });
    expect(custom.redis).toEqual({ url: 'rediss://:secret@cache:6380', keyPrefix: 'tinh-a:' });
  });

  it.each([
    [{ DATABASE_URL: 'mysql://u@h/db' }, 'DATABASE_URL'],
    [{ DATABASE_SCHEMA: 'Tỉnh-A' }, 'DATABASE_SCHEMA'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
    [{ REDIS_URL: '127.0.0.1:6379' }, 'REDIS_URL'],
    [{ REDIS_PREFIX: 'có dấu cách' }, 'REDIS_PREFIX'],
  ])('stops start-up naming the variable (%o)', (env, variable) => {
    expect(() => loadStorageConfig(env)).toThrowError(expect.objectContaining({ code: 'invalid_config', message: expect.stringContaining(variable) }));
    expect(() => loadChannelConfig(env)).toThrowError(expect.objectContaining({ code: 'invalid_config', message: expect.stringContaining(variable) }));
  });
});

describe('loadChannelConfig: locks and rate limits', () => {
  it('defaults to a 20 s conversation lock, 20 messages a minute per user and 6000 per channel', () => {
    const c = loadChannelConfig({});
    expect(c.lockTtlMs).toBe(20_000);
    expect(c.rateLimits).toEqual({ perUser: 20, perChannel: 6000, windowMs: 60_000 });
    expect(c.shared).toEqual({ postgres: null, redis: null });
    expect(loadChannelConfig({ RATE_LIMIT_USER_PER_MINUTE: '0', RATE_LIMIT_CHANNEL_PER_MINUTE: '0' }).rateLimits).toMatchObject({ perUser: 0, perChannel: 0 });
  });

  it.each([
    [{ CONVERSATION_LOCK_TTL_MS: '500' }, 'CONVERSATION_LOCK_TTL_MS'],
    [{ RATE_LIMIT_USER_PER_MINUTE: 'nhiều' }, 'RATE_LIMIT_USER_PER_MINUTE'],
    [{ RATE_LIMIT_CHANNEL_PER_MINUTE: '-1' }, 'RATE_LIMIT_CHANNEL_PER_MINUTE'],
  ])('stops start-up naming the variable (%o)', (env, variable) => {
    expect(() => loadChannelConfig(env)).toThrowError(expect.objectContaining({ code: 'invalid_config', message: expect.stringContaining(variable) }));
  });
});
