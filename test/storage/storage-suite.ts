/**
 * One suite every botbuilder `Storage` backend passes (conversation state): botbuilder's MemoryStorage,
 * SQLite (embedded default) and Redis (shared by several instances).
 */
import { describe, expect, it } from 'vitest';
import type { Storage } from 'botbuilder';

export interface StorageSuiteOptions {
  name: string;
  create: () => Storage | Promise<Storage>;
  /** Set when the backend expires idle keys: creates a storage whose keys live `ms`. */
  createWithTtl?: (ms: number) => Storage | Promise<Storage>;
}

const KEY = 'zalo/conversations/8312645790123456789';
const OTHER = 'messenger/conversations/24736194920038211';

export function runStorageSuite({ name, create, createWithTtl }: StorageSuiteOptions) {
  describe(`Storage: ${name}`, () => {
    it('reads nothing for unknown keys and round-trips values with an eTag', async () => {
      const storage = await create();
      expect(await storage.read([KEY])).toEqual({});
      const state = { assistant: { choices: [{ title: 'Kích hoạt VNeID mức 2', payload: 'topic:vneid' }], votable: ['turn-1'] } };
      await storage.write({ [KEY]: state });
      const read = await storage.read([KEY, OTHER]);
      expect(Object.keys(read)).toEqual([KEY]);
      expect(read[KEY]).toMatchObject(state);
      expect(typeof read[KEY].eTag).toBe('string');
    });

    it('gives every write a new eTag and accepts a write carrying the current one', async () => {
      const storage = await create();
      await storage.write({ [KEY]: { n: 1 } });
      const first = (await storage.read([KEY]))[KEY];
      await storage.write({ [KEY]: { ...first, n: 2 } });
      const second = (await storage.read([KEY]))[KEY];
      expect(second.n).toBe(2);
      expect(second.eTag).not.toBe(first.eTag);
    });

    it('rejects a write with a stale eTag and keeps the newer value', async () => {
      const storage = await create();
      await storage.write({ [KEY]: { n: 1 } });
      const stale = (await storage.read([KEY]))[KEY];
      await storage.write({ [KEY]: { ...stale, n: 2 } });
      await expect(storage.write({ [KEY]: { ...stale, n: 3 } })).rejects.toThrow();
      expect((await storage.read([KEY]))[KEY].n).toBe(2);
    });

    it("overwrites with eTag '*' or without an eTag", async () => {
      const storage = await create();
      await storage.write({ [KEY]: { n: 1 } });
      await storage.write({ [KEY]: { n: 2, eTag: '*' } });
      expect((await storage.read([KEY]))[KEY].n).toBe(2);
      await storage.write({ [KEY]: { n: 3 } });
      expect((await storage.read([KEY]))[KEY].n).toBe(3);
    });

    it('writes several keys and deletes some of them', async () => {
      const storage = await create();
      await storage.write({ [KEY]: { n: 1 }, [OTHER]: { n: 2 } });
      expect(Object.keys(await storage.read([KEY, OTHER])).sort()).toEqual([KEY, OTHER].sort());
      await storage.delete([KEY]);
      expect(Object.keys(await storage.read([KEY, OTHER]))).toEqual([OTHER]);
      await storage.delete([KEY]); // deleting a missing key is fine
    });

    it('keeps Vietnamese text and nested values exactly', async () => {
      const storage = await create();
      const value = { text: 'Đăng ký thường trú ở đâu? Chỗ ở hợp pháp — giấy tờ gì ạ?', nested: { list: [1, 'hai', { ba: true }], empty: null } };
      await storage.write({ [KEY]: value });
      const { eTag: _eTag, ...read } = (await storage.read([KEY]))[KEY];
      expect(read).toEqual(value);
    });

    if (createWithTtl) {
      it('forgets state idle longer than its time to live', async () => {
        const storage = await createWithTtl(150);
        await storage.write({ [KEY]: { n: 1 } });
        expect(Object.keys(await storage.read([KEY]))).toEqual([KEY]);
        await new Promise((r) => setTimeout(r, 400));
        expect(await storage.read([KEY])).toEqual({});
      });
    }
  });
}
