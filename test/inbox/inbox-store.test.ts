/** The shared InboxStore suite on every backend: memory, SQLite (embedded default) and PostgreSQL. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryInboxStore } from '../../src/storage/memory-inbox-store.js';
import { SqliteInboxStore } from '../../src/storage/sqlite-inbox-store.js';
import { PostgresInboxStore } from '../../src/storage/postgres-inbox-store.js';
import { openSqliteDatabase } from '../../src/storage/sqlite-database.js';
import { assertPostgresReachable, dropSchema, openChannelPool, uniqueChannelSchema } from '../storage/postgres-channel-harness.js';
import { inboxItem as item, runInboxStoreSuite } from './inbox-store-suite.js';

const root = mkdtempSync(join(tmpdir(), 'inbox-store-'));
const newFile = () => join(mkdtempSync(join(root, 'db-')), 'inbox.sqlite');
const pools: Array<{ pool: pg.Pool; schema: string }> = [];

beforeAll(async () => {
  await assertPostgresReachable();
});
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  for (const { pool, schema } of pools) {
    await pool.end();
    await dropSchema(schema);
  }
});

runInboxStoreSuite('memory', () => new MemoryInboxStore());
runInboxStoreSuite('sqlite', () => new SqliteInboxStore(openSqliteDatabase(newFile())));
runInboxStoreSuite('postgres', async () => {
  // A schema per test: each test starts from an empty inbox, as with the other backends.
  const schema = uniqueChannelSchema();
  const pool = await openChannelPool(schema, 2);
  pools.push({ pool, schema });
  return new PostgresInboxStore(pool);
});

describe('SqliteInboxStore durability', () => {
  it('reopens the same file with pending items intact, in WAL mode', async () => {
    const file = newFile();
    const db = openSqliteDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const store = new SqliteInboxStore(db);
    const [a] = await store.add([item('a'), item('b')]);
    await store.finish(a!.seq, { status: 'done' });
    db.close();
    const reopened = new SqliteInboxStore(openSqliteDatabase(file));
    expect((await reopened.unfinished()).map((i) => [i.externalId, i.conversation])).toEqual([['b', 'zalo:8312645790123456789']]);
  });

  it('adds the claim columns to an inbox file made by an earlier version', async () => {
    const file = newFile();
    const db = openSqliteDatabase(file);
    db.exec(`CREATE TABLE inbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, external_id TEXT NOT NULL, conversation TEXT NOT NULL,
      payload TEXT, received_at INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
      sent_count INTEGER NOT NULL DEFAULT 0, turn_id TEXT, not_before INTEGER NOT NULL DEFAULT 0, error TEXT, finished_at INTEGER,
      UNIQUE (channel, external_id))`);
    db.prepare(`INSERT INTO inbox (channel, external_id, conversation, payload, received_at) VALUES ('zalo', 'old', 'zalo:1', '{}', 1)`).run();
    const store = new SqliteInboxStore(db);
    expect(await store.claimNext('zalo:1', { owner: 'o', fence: 1, leaseMs: 1000 })).toMatchObject({ kind: 'claimed', item: { externalId: 'old' } });
    db.close();
  });
});

describe('PostgresInboxStore across connections', () => {
  it('stores a redelivery racing on two connections once, and keeps seq order within a conversation', async () => {
    const schema = uniqueChannelSchema();
    const [p1, p2] = [await openChannelPool(schema, 4), await openChannelPool(schema, 4)];
    pools.push({ pool: p1, schema }, { pool: p2, schema });
    const [s1, s2] = [new PostgresInboxStore(p1), new PostgresInboxStore(p2)];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? s1 : s2).add([item(`dup-${i >> 1}`, 'zalo:R')])),
    );
    expect(results.flat()).toHaveLength(10);
    const stored = await s1.unfinished();
    expect(stored.map((i) => i.externalId).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `dup-${i}`).sort());
    // Claims on either connection walk the conversation in seq order, one at a time.
    const order: number[] = [];
    for (let fence = 1; fence <= 10; fence++) {
      const next = await (fence % 2 ? s1 : s2).claimNext('zalo:R', { owner: `o${fence}`, fence, leaseMs: 5000 });
      if (next.kind !== 'claimed') throw new Error(`expected a claim, got ${next.kind}`);
      order.push(next.item.seq);
      await s2.finish(next.item.seq, { status: 'done' }, fence);
    }
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
