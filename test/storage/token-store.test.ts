/**
 * One suite for the TokenStore backends (memory, SQLite, PostgreSQL), and the shared Zalo token refresh:
 * two token managers on one PostgreSQL store (two instances) refreshing at once spend the single-use refresh
 * token once, and both end with the new pair.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTokenStore, type StoredTokens, type TokenStore } from '../../src/storage/token-store.js';
import { SqliteTokenStore } from '../../src/storage/sqlite-token-store.js';
import { PostgresTokenStore } from '../../src/storage/postgres-token-store.js';
import { openSqliteDatabase } from '../../src/storage/sqlite-database.js';
import { createPlatformHttp } from '../../src/channels/platform-http.js';
import { ZaloTokenManager, ZALO_TOKEN_NAME } from '../../src/channels/zalo/token-manager.js';
import { FakePlatform } from '../channels/support/fake-platform.js';
import { assertPostgresReachable, dropSchema, openChannelPool, uniqueChannelSchema } from './postgres-channel-harness.js';

const root = mkdtempSync(join(tmpdir(), 'token-store-'));
const schemas: string[] = [];
const pools: pg.Pool[] = [];
const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

beforeAll(async () => {
  await assertPostgresReachable();
});
afterAll(async () => {
  for (const p of pools) await p.end();
  for (const s of schemas) await dropSchema(s);
  rmSync(root, { recursive: true, force: true });
});

async function postgresPool(): Promise<pg.Pool> {
  const schema = uniqueChannelSchema();
  schemas.push(schema);
  const pool = await openChannelPool(schema, 4);
  pools.push(pool);
  return pool;
}

const tokens = (accessToken: string, refreshToken: string, seed = 'seed-1'): StoredTokens => ({
  accessToken,
  refreshToken,
  expiresAt: 1_763_890_000_000,
  seed,
  updatedAt: 1_763_800_000_000,
});

/** `create()` returns two handles on one store (two instances); in memory both are the same object. */
function runTokenStoreSuite(name: string, create: () => Promise<[TokenStore, TokenStore]>) {
  describe(`TokenStore: ${name}`, () => {
    it('saves and loads a token pair', async () => {
      const [a, b] = await create();
      expect(await a.load('zalo-oa')).toBeUndefined();
      await a.save('zalo-oa', tokens('access-1', 'refresh-1'));
      expect(await b.load('zalo-oa')).toEqual(tokens('access-1', 'refresh-1'));
    });

    it('seeds a chain only when none with the same seed is stored, never over a rotated pair', async () => {
      const [a, b] = await create();
      expect(await a.seedChain('zalo-oa', tokens('access-1', 'refresh-1'))).toEqual(tokens('access-1', 'refresh-1'));
      await a.save('zalo-oa', tokens('access-2', 'refresh-2')); // rotated by one instance
      expect(await b.seedChain('zalo-oa', tokens('access-1', 'refresh-1'))).toEqual(tokens('access-2', 'refresh-2'));
      // New configured tokens (an OA admin re-consented) start a new chain.
      expect(await b.seedChain('zalo-oa', tokens('access-9', 'refresh-9', 'seed-2'))).toEqual(tokens('access-9', 'refresh-9', 'seed-2'));
    });

    it('gives the refresh lock to one holder at a time until released or expired', async () => {
      const [a, b] = await create();
      expect(await a.acquireRefreshLock('zalo-oa', 'p1', 5000)).toBe(true);
      expect(await b.acquireRefreshLock('zalo-oa', 'p2', 5000)).toBe(false);
      expect(await a.acquireRefreshLock('zalo-oa', 'p1', 5000)).toBe(true); // re-entrant for its holder
      await b.releaseRefreshLock('zalo-oa', 'p2'); // not the holder: no effect
      expect(await b.acquireRefreshLock('zalo-oa', 'p2', 5000)).toBe(false);
      await a.releaseRefreshLock('zalo-oa', 'p1');
      expect(await b.acquireRefreshLock('zalo-oa', 'p2', 50)).toBe(true);
      await wait(120);
      expect(await a.acquireRefreshLock('zalo-oa', 'p1', 5000)).toBe(true);
    });
  });
}

runTokenStoreSuite('memory', async () => {
  const store = new MemoryTokenStore();
  return [store, store];
});
runTokenStoreSuite('sqlite', async () => {
  const file = join(mkdtempSync(join(root, 'db-')), 'channels.sqlite');
  return [new SqliteTokenStore(openSqliteDatabase(file)), new SqliteTokenStore(openSqliteDatabase(file))];
});
runTokenStoreSuite('postgres', async () => {
  const pool = await postgresPool();
  return [new PostgresTokenStore(pool), new PostgresTokenStore(pool)];
});

describe('Zalo token refresh shared by two instances on PostgreSQL', () => {
  it('spends the refresh token once; both instances end with the new pair, which is stored', async () => {
    const oauth = new FakePlatform(() => ({
      status: 200,
      body: { access_token: 'access-2', refresh_token: 'refresh-2', expires_in: '90000' },
      delayMs: 80,
    }));
    const url = await oauth.start();
    // Two pools: two instances, each with its own connections to one database.
    const schema = uniqueChannelSchema();
    schemas.push(schema);
    const [p1, p2] = [await openChannelPool(schema, 3), await openChannelPool(schema, 3)];
    pools.push(p1, p2);
    const manager = (pool: pg.Pool) =>
      new ZaloTokenManager({
        appId: '1234567890',
        appSecretKey: 'test-app-secret-key',
        accessToken: 'access-1',
        refreshToken: 'refresh-1',
        oauthBaseUrl: url,
        http: createPlatformHttp(2000),
        store: new PostgresTokenStore(pool),
        log: { info: () => {}, warn: () => {} },
        sleep: (ms) => wait(Math.min(ms, 20)),
      });
    const [a, b] = [manager(p1), manager(p2)];
    await Promise.all([a.init(), b.init()]);
    // Zalo rejected access-1 on both instances at once (-216): each asks for a refresh.
    expect(await Promise.all([a.afterRejection('access-1'), b.afterRejection('access-1'), a.afterRejection('access-1')])).toEqual([
      'access-2',
      'access-2',
      'access-2',
    ]);
    expect(oauth.requests).toHaveLength(1);
    expect(oauth.requests[0]!.raw).toBe('refresh_token=refresh-1&app_id=1234567890&grant_type=refresh_token');
    expect(await a.accessToken()).toBe('access-2');
    expect(await b.accessToken()).toBe('access-2');
    expect(await new PostgresTokenStore(p1).load(ZALO_TOKEN_NAME)).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' });
    // A third instance starting now continues the rotated chain instead of the spent configured token.
    const c = manager(p2);
    expect(await c.accessToken()).toBe('access-2');
    expect(oauth.requests).toHaveLength(1);
    await oauth.close();
  });
});
