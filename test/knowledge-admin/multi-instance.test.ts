/**
 * Two real server processes (src/main.ts) on loopback sharing one PostgreSQL schema and one Redis prefix:
 * a guide published through instance A's admin API is served by instance B within seconds (Redis pub/sub
 * carries the publication id; the database poll is set to 10 minutes so it cannot be what delivers it).
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertPostgresReachable, TEST_DATABASE_URL, uniqueSchema } from '../feedback/postgres-harness.js';
import { adminFetch, newGuideMarkdown, NEW_GUIDE_ID, NEW_GUIDE_QUESTION, REAL_KNOWLEDGE_DIR, TOKEN } from './fixtures.js';
import { askService, startService, waitFor, type ServiceProcess } from './service-process.js';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

describe('two instances sharing PostgreSQL and Redis', () => {
  const root = mkdtempSync(join(tmpdir(), 'kb-multi-'));
  const schema = uniqueSchema('test_kb_multi');
  const prefix = `test-kb-${process.pid}-${randomBytes(4).toString('hex')}`;
  let a: ServiceProcess | undefined;
  let b: ServiceProcess | undefined;
  const env = (name: string) => ({
    DATA_DIR: join(root, `data-${name}`),
    KNOWLEDGE_DIR: join(root, 'knowledge'),
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    KNOWLEDGE_POLL_SECONDS: '600',
    ADMIN_TOKEN: TOKEN,
    USER_KEY_SECRET: 'k'.repeat(40),
  });

  beforeAll(async () => {
    await assertPostgresReachable();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
    await redis.connect().catch((err: Error) => {
      throw new Error(`Redis không truy cập được tại ${REDIS_URL} (${err.message}); kiểm thử nhiều máy chủ cần Redis.`);
    });
    redis.disconnect();
    cpSync(REAL_KNOWLEDGE_DIR, join(root, 'knowledge'), { recursive: true });
    [a, b] = await Promise.all([startService(env('a')), startService(env('b'))]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves on B a guide published through A within seconds, and on a newly started C at once', async () => {
    expect((await askService(b!.url, NEW_GUIDE_QUESTION)).topic).not.toBe(NEW_GUIDE_ID);
    const api = adminFetch(a!.url, 'Quản trị máy A');
    expect((await api(`/api/admin/guides/${NEW_GUIDE_ID}`, { method: 'POST', json: { markdown: newGuideMarkdown() } })).status).toBe(201);
    const res = await api('/api/admin/knowledge/publish', { method: 'POST' });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect((await askService(a!.url, NEW_GUIDE_QUESTION)).topic).toBe(NEW_GUIDE_ID);

    const ms = await waitFor(async () => (await askService(b!.url, NEW_GUIDE_QUESTION)).topic === NEW_GUIDE_ID, 15_000, 'instance B to serve the new guide')
      .catch((err: Error) => {
        throw new Error(`${err.message}\n--- B ---\n${b!.output.join('')}`);
      });
    console.info(`instance B served publication #${body.publication.id} ${ms} ms after A's publish returned`);
    expect(ms).toBeLessThan(10_000);
    expect(b!.output.join('')).toContain(`thông báo Redis về lần xuất bản #${body.publication.id}`);

    // B's admin API sees the same versions and the same publication (one shared database).
    const status = await (await adminFetch(b!.url)('/api/admin/knowledge/status')).json();
    expect(status).toMatchObject({ storage: 'postgres', redis: true, pending: [] });
    expect(status.applied.publicationId).toBe(body.publication.id);

    // A third instance started now serves the newest publication from the start.
    const c = await startService(env('c'));
    try {
      expect((await askService(c.url, NEW_GUIDE_QUESTION)).topic).toBe(NEW_GUIDE_ID);
    } finally {
      await c.stop();
    }

    // A deletion published on B reaches A the same way.
    const del = await adminFetch(b!.url, 'Quản trị máy B')(`/api/admin/guides/${NEW_GUIDE_ID}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect((await adminFetch(b!.url)('/api/admin/knowledge/publish', { method: 'POST' })).status).toBe(200);
    await waitFor(async () => (await askService(a!.url, NEW_GUIDE_QUESTION)).topic !== NEW_GUIDE_ID, 15_000, 'instance A to drop the deleted guide');
  });
});
