/**
 * Publishing through an injected index builder: a build that throws leaves the old index serving and the API
 * says why (Vietnamese), recorded as a failed publication in the audit log; a slow build keeps citizens'
 * questions answered from the old index until the swap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessIndexBuilder, type IndexBuilder, type KnowledgeInput } from '../../src/knowledge-admin/builder.js';
import { defaultEmbedder } from '../../src/knowledge/index-store.js';
import { adminFetch, newGuideMarkdown, NEW_GUIDE_ID, NEW_GUIDE_QUESTION, startGuidesService, type GuidesService } from './fixtures.js';

class ControlledBuilder implements IndexBuilder {
  failWith: string | null = null;
  gate: Promise<void> | null = null;
  private inner?: InProcessIndexBuilder;

  bind(dataDir: string) {
    this.inner = new InProcessIndexBuilder(dataDir, defaultEmbedder(384));
  }

  async prepare(input: KnowledgeInput) {
    if (this.gate) await this.gate;
    if (this.failWith) throw new Error(this.failWith);
    return this.inner!.prepare(input);
  }

  preview(input: KnowledgeInput, questions: readonly string[]) {
    return this.inner!.preview(input, questions);
  }

  async close() {}
}

describe('publishing with a failing or slow index build', () => {
  const builder = new ControlledBuilder();
  let svc: GuidesService;
  let api: ReturnType<typeof adminFetch>;
  const ask = async (question: string) =>
    (await fetch(`${svc.base}/api/ask`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ question }) })).json();

  beforeAll(async () => {
    svc = await startGuidesService({ builder });
    builder.bind(svc.dataDir);
    api = adminFetch(svc.base, 'Lê Minh Tâm');
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('keeps the old index serving when the build fails, and says why', async () => {
    const oldHash = svc.admin.engine.indexHash;
    expect((await api(`/api/admin/guides/${NEW_GUIDE_ID}`, { method: 'POST', json: { markdown: newGuideMarkdown() } })).status).toBe(201);
    builder.failWith = 'không đủ bộ nhớ để dựng chỉ mục (giả lập)';
    const res = await api('/api/admin/knowledge/publish', { method: 'POST' });
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error).toBe('index_build_failed');
    expect(body.message).toBe('Xuất bản thất bại, câu hỏi vẫn được trả lời bằng chỉ mục cũ. Lý do: không đủ bộ nhớ để dựng chỉ mục (giả lập)');
    expect(body.publication).toMatchObject({ status: 'failed', author: 'Lê Minh Tâm', error: 'không đủ bộ nhớ để dựng chỉ mục (giả lập)' });

    expect(svc.admin.engine.indexHash).toBe(oldHash);
    expect((await ask(NEW_GUIDE_QUESTION)).topic).not.toBe(NEW_GUIDE_ID);
    const status = await (await api('/api/admin/knowledge/status')).json();
    expect(status.lastFailure.message).toBe('không đủ bộ nhớ để dựng chỉ mục (giả lập)');
    expect(status.pending).toEqual([NEW_GUIDE_ID]);
    expect(status.applied.publicationId).toBe(0);
    const { entries } = await (await api('/api/admin/knowledge/audit')).json();
    expect(entries[0]).toMatchObject({ action: 'publish_failed', actor: 'Lê Minh Tâm', publicationId: body.publication.id });
    expect(entries[0].detail).toContain('không đủ bộ nhớ');

    // A rollback whose publish fails keeps the restored version saved and reports the failure the same way.
    const { versions } = await (await api(`/api/admin/guides/${NEW_GUIDE_ID}/versions`)).json();
    const rb = await api(`/api/admin/guides/${NEW_GUIDE_ID}/versions/${versions[0].id}/rollback`, { method: 'POST' });
    expect(rb.status).toBe(500);
    expect((await rb.json()).message).toContain('chỉ mục cũ');

    builder.failWith = null;
    const ok = await (await api('/api/admin/knowledge/publish', { method: 'POST' })).json();
    expect(ok.publication.status).toBe('ok');
    expect((await ask(NEW_GUIDE_QUESTION)).topic).toBe(NEW_GUIDE_ID);
    const after = await (await api('/api/admin/knowledge/status')).json();
    expect(after.lastFailure).toBeNull();
  });

  it('answers from the old index while the new one builds, then swaps', async () => {
    const current = await (await api(`/api/admin/guides/${NEW_GUIDE_ID}`)).json();
    const edited = current.markdown.replace(/^title: .*$/m, 'title: Đăng ký nghĩa vụ quân sự (bản mới nhất)');
    await api(`/api/admin/guides/${NEW_GUIDE_ID}`, { method: 'PUT', json: { markdown: edited } });
    let release!: () => void;
    builder.gate = new Promise((r) => (release = r));
    const publishing = api('/api/admin/knowledge/publish', { method: 'POST' });
    await new Promise((r) => setTimeout(r, 200));
    const status = await (await api('/api/admin/knowledge/status')).json();
    expect(status.building).toBe(true);
    const during = await ask(NEW_GUIDE_QUESTION);
    expect(during.topic).toBe(NEW_GUIDE_ID);
    expect(during.text).not.toContain('bản mới nhất');
    release();
    builder.gate = null;
    expect((await publishing).status).toBe(200);
    expect((await ask(NEW_GUIDE_QUESTION)).text).toContain('Đăng ký nghĩa vụ quân sự (bản mới nhất)');
  });
});
