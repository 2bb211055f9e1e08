/**
 * The one suite every KnowledgeEditStore backend passes (SQLite and PostgreSQL). Each backend test file calls
 * runKnowledgeStoreSuite with a factory that gives a fresh, empty, migrated store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VersionConflictError, type KnowledgeEditStore, type NewGuideVersion, type NewPublication } from '../../src/knowledge-admin/store.js';

export interface KnowledgeStoreHarness {
  store: KnowledgeEditStore;
  /** A second store on the same database (persistence, idempotent migrations, another instance). */
  reopen(): Promise<KnowledgeEditStore>;
  destroy(): Promise<void>;
}

let clock = Date.parse('2026-11-22T03:00:00.000Z');

function version(overrides: Partial<NewGuideVersion> = {}): NewGuideVersion {
  clock += 1001;
  return {
    guideId: 'dvc-dang-ky-nghia-vu-quan-su',
    action: 'create',
    state: 'markdown',
    content: '---\nid: dvc-dang-ky-nghia-vu-quan-su\ntitle: Đăng ký nghĩa vụ quân sự\n---\n\n## Ai làm được\n\nNam công dân đủ 17 tuổi.\n',
    author: 'Nguyễn Thị Hoa – UBND xã Tân Hòa',
    at: new Date(clock + 123),
    diff: '--- dvc.md\n+++ dvc.md\n@@ -0,0 +1,2 @@\n+id\n+title\n',
    rollbackOf: null,
    detail: 'Tạo hướng dẫn: +2 −0 dòng',
    ...overrides,
  };
}

function publication(overrides: Partial<NewPublication> = {}): NewPublication {
  clock += 1001;
  return {
    status: 'ok', upToVersion: 0, author: 'Trần Văn Nam', at: new Date(clock), source: 'admin', indexHash: 'abc123',
    guides: 57, buildMs: 812.4, swapMs: 35.6, error: null, detail: 'Xuất bản 57 hướng dẫn', ...overrides,
  };
}

export function runKnowledgeStoreSuite(name: string, create: () => Promise<KnowledgeStoreHarness>): void {
  describe(`KnowledgeEditStore (${name})`, () => {
    let h: KnowledgeStoreHarness;
    let store: KnowledgeEditStore;
    beforeEach(async () => {
      h = await create();
      store = h.store;
    });
    afterEach(async () => {
      await h.destroy();
    });

    it('starts empty', async () => {
      expect(await store.latestVersionId()).toBe(0);
      expect(await store.currentVersions()).toEqual([]);
      expect(await store.latestPublication()).toBeUndefined();
      expect(await store.listAudit({ limit: 10 })).toEqual([]);
    });

    it('round-trips versions with Vietnamese text, millisecond time and the audit line', async () => {
      const input = version();
      const v = await store.appendVersion(input);
      expect(v.id).toBeGreaterThan(0);
      const { detail: _d, ...expected } = input;
      expect(await store.getVersion(v.id)).toEqual({ id: v.id, ...expected });
      expect(await store.getVersion(v.id + 1000)).toBeUndefined();
      const [audit] = await store.listAudit({ limit: 5 });
      expect(audit).toEqual({
        id: audit!.id, at: input.at, actor: input.author, action: 'create', guideId: input.guideId, versionId: v.id, publicationId: null,
        detail: 'Tạo hướng dẫn: +2 −0 dòng',
      });
      const deleted = await store.appendVersion(version({ action: 'delete', state: 'deleted', content: null }));
      expect((await store.getVersion(deleted.id))!.content).toBeNull();
      const rolled = await store.appendVersion(version({ action: 'rollback', state: 'file', rollbackOf: 0 }));
      expect((await store.getVersion(rolled.id))!.rollbackOf).toBe(0);
    });

    it('gives the newest version per guide, optionally as of an earlier version', async () => {
      const a1 = await store.appendVersion(version({ guideId: 'a' }));
      const b1 = await store.appendVersion(version({ guideId: 'b' }));
      const a2 = await store.appendVersion(version({ guideId: 'a', action: 'update', content: 'a2' }));
      const c1 = await store.appendVersion(version({ guideId: 'c', action: 'delete', state: 'deleted', content: null }));
      expect(await store.latestVersionId()).toBe(c1.id);
      expect((await store.currentVersions()).map((v) => v.id)).toEqual([a2.id, b1.id, c1.id]);
      expect((await store.currentVersions(b1.id)).map((v) => v.id)).toEqual([a1.id, b1.id]);
      expect(await store.currentVersions(0)).toEqual([]);
      expect((await store.guideVersions('a', 10)).map((v) => v.id)).toEqual([a2.id, a1.id]);
      expect((await store.guideVersions('a', 1)).map((v) => v.id)).toEqual([a2.id]);
      expect(await store.guideVersions('zzz', 10)).toEqual([]);
    });

    it('refuses a save based on a stale version', async () => {
      await expect(store.appendVersion(version(), 5)).rejects.toBeInstanceOf(VersionConflictError);
      const v1 = await store.appendVersion(version(), null);
      await expect(store.appendVersion(version(), null)).rejects.toMatchObject({ latest: v1.id });
      const v2 = await store.appendVersion(version({ action: 'update' }), v1.id);
      await expect(store.appendVersion(version({ action: 'update' }), v1.id)).rejects.toBeInstanceOf(VersionConflictError);
      expect((await store.guideVersions(v1.guideId, 10)).map((v) => v.id)).toEqual([v2.id, v1.id]);
      // Only the refused saves are missing from the audit log.
      expect((await store.listAudit({ limit: 10 })).map((a) => a.versionId)).toEqual([v2.id, v1.id]);
    });

    it('lets exactly one of two concurrent saves on the same base win', async () => {
      const base = await store.appendVersion(version());
      const other = await h.reopen();
      try {
        const results = await Promise.allSettled([
          store.appendVersion(version({ action: 'update', content: 'một' }), base.id),
          other.appendVersion(version({ action: 'update', content: 'hai' }), base.id),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof VersionConflictError)).toHaveLength(1);
      } finally {
        await other.close();
      }
    });

    it('records publications and their audit lines; the latest successful one skips failures', async () => {
      const v = await store.appendVersion(version());
      const ok = await store.recordPublication(publication({ upToVersion: v.id }));
      expect(ok).toMatchObject({ status: 'ok', upToVersion: v.id, buildMs: 812, swapMs: 36, guides: 57, indexHash: 'abc123', source: 'admin' });
      const failed = await store.recordPublication(
        publication({ status: 'failed', upToVersion: v.id, indexHash: null, error: 'không đủ bộ nhớ', detail: 'Xuất bản thất bại', source: 'cli' }),
      );
      expect(await store.latestPublication('ok')).toEqual(ok);
      expect(await store.latestPublication()).toEqual(failed);
      expect(await store.getPublication(failed.id)).toEqual(failed);
      expect((await store.listPublications(10)).map((p) => p.id)).toEqual([failed.id, ok.id]);
      const audit = await store.listAudit({ limit: 10 });
      expect(audit.map((a) => [a.action, a.publicationId, a.versionId])).toEqual([
        ['publish_failed', failed.id, null],
        ['publish', ok.id, null],
        ['create', null, v.id],
      ]);
      expect(audit[0]!.detail).toBe('Xuất bản thất bại');
    });

    it('filters the audit log by guide and limits it', async () => {
      await store.appendVersion(version({ guideId: 'a' }));
      await store.appendVersion(version({ guideId: 'b' }));
      await store.appendVersion(version({ guideId: 'a', action: 'update' }));
      await store.recordPublication(publication());
      expect((await store.listAudit({ limit: 10, guideId: 'a' })).map((a) => a.action)).toEqual(['update', 'create']);
      expect(await store.listAudit({ limit: 2 })).toHaveLength(2);
    });

    it('persists across reopening and migrates idempotently', async () => {
      const v = await store.appendVersion(version());
      await store.recordPublication(publication({ upToVersion: v.id }));
      const again = await h.reopen();
      try {
        await again.migrate();
        expect(await again.latestVersionId()).toBe(v.id);
        expect((await again.latestPublication('ok'))!.upToVersion).toBe(v.id);
        // Versions written by one instance are seen by the other (what publication sync relies on).
        const w = await again.appendVersion(version({ guideId: 'x' }));
        expect((await store.currentVersions()).map((c) => c.id)).toContain(w.id);
      } finally {
        await again.close();
      }
    });
  });
}
