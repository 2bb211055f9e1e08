/** One suite every InboxStore backend passes (SQLite default, memory; PostgreSQL later). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InboxStore, NewInboxItem } from '../../src/storage/inbox-store.js';
import { MemoryInboxStore } from '../../src/storage/memory-inbox-store.js';
import { SqliteInboxStore } from '../../src/storage/sqlite-inbox-store.js';
import { openSqliteDatabase } from '../../src/storage/sqlite-database.js';

const item = (externalId: string, conversation = 'zalo:8312645790123456789', channel = 'zalo'): NewInboxItem => ({
  channel,
  externalId,
  conversation,
  payload: JSON.stringify({ id: externalId }),
  receivedAt: 1_763_800_000_000,
});

function runInboxStoreSuite(name: string, create: () => InboxStore) {
  describe(`InboxStore: ${name}`, () => {
    it('stores new items in order and leaves redeliveries out, within and across batches', async () => {
      const store = create();
      const first = await store.add([item('a'), item('b'), item('a')]);
      expect(first.map((i) => i.externalId)).toEqual(['a', 'b']);
      expect(first[1]!.seq).toBeGreaterThan(first[0]!.seq);
      expect(first[0]).toMatchObject({ attempts: 0, sentCount: 0, turnId: null, notBefore: 0, conversation: 'zalo:8312645790123456789' });
      expect(await store.add([item('b'), item('c')])).toHaveLength(1);
      // The same external id on another channel is a different event.
      expect(await store.add([item('a', 'messenger:1', 'messenger')])).toHaveLength(1);
      expect((await store.unfinished()).map((i) => i.externalId)).toEqual(['a', 'b', 'c', 'a']);
      expect(await store.counts()).toEqual({ pending: 4, done: 0, failed: 0 });
    });

    it('keeps progress, the turn id and postponements of unfinished items', async () => {
      const store = create();
      const [a] = await store.add([item('a')]);
      await store.recordProgress(a!.seq, 2);
      await store.rememberTurn(a!.seq, 'turn-7');
      await store.postpone(a!.seq, 1_763_800_060_000, 'upstream_failed:zalo:http_502');
      expect(await store.unfinished()).toEqual([
        { ...item('a'), seq: a!.seq, sentCount: 2, turnId: 'turn-7', attempts: 1, notBefore: 1_763_800_060_000 },
      ]);
    });

    it('finishes items as done or failed and still recognises their redelivery', async () => {
      const store = create();
      const [a, b] = await store.add([item('a'), item('b')]);
      await store.finish(a!.seq, { status: 'done' });
      await store.finish(b!.seq, { status: 'failed', error: 'upstream_failed:zalo:-230' });
      expect(await store.unfinished()).toEqual([]);
      expect(await store.counts()).toEqual({ pending: 0, done: 1, failed: 1 });
      expect(await store.add([item('a'), item('b')])).toEqual([]);
    });

    it('prunes only finished items older than the cut-off', async () => {
      const store = create();
      const [a] = await store.add([item('a'), item('b')]);
      await store.finish(a!.seq, { status: 'done' });
      expect(await store.pruneFinished(Date.now() - 60_000)).toBe(0);
      expect(await store.pruneFinished(Date.now() + 1)).toBe(1);
      expect(await store.counts()).toEqual({ pending: 1, done: 0, failed: 0 });
      expect(await store.add([item('a')])).toHaveLength(1);
    });
  });
}

const root = mkdtempSync(join(tmpdir(), 'inbox-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const newFile = () => join(mkdtempSync(join(root, 'db-')), 'inbox.sqlite');

runInboxStoreSuite('memory', () => new MemoryInboxStore());
runInboxStoreSuite('sqlite', () => new SqliteInboxStore(openSqliteDatabase(newFile())));

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
});
