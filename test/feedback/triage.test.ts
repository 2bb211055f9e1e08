import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { AppError } from '../../src/errors/app-error.js';
import { StoreTurnRecorder, turnFromAsk } from '../../src/feedback/recorder.js';
import { SqliteTurnLogStore } from '../../src/feedback/store-sqlite.js';
import { TriageService } from '../../src/feedback/triage.js';
import { fittedHashingEmbedder } from '../../src/feedback/embedding.js';
import { TRIAGE_OUT_OF_SCOPE_SUBJECT } from '../../src/feedback/knowledge-writer.js';
import { loadKnowledgeDir } from '../../src/knowledge/loader.js';
import { validateKnowledgeBase } from '../../src/knowledge/validate.js';
import { createEngineFixture, type EngineFixture } from './engine-fixture.js';

const UNCOVERED_PAYMENT_QUESTION = 'ví MoMo có rút tiền mặt ở cây ATM được không';
const TARGET_GUIDE = 'thanh-toan-tai-khoan-an-sinh-vneid';
const OUT_OF_SCOPE_QUESTION = 'đăng ký nghĩa vụ quân sự online';

describe('triage against a real engine and a temp copy of the knowledge base', () => {
  let fx: EngineFixture;
  let store: SqliteTurnLogStore;
  let recorder: StoreTurnRecorder;
  let triage: TriageService;
  let failNextPublish = false;
  const warnings: string[] = [];

  beforeAll(async () => {
    fx = await createEngineFixture();
    store = new SqliteTurnLogStore(':memory:');
    await store.migrate();
    recorder = new StoreTurnRecorder({ store, userKeySecret: 'k'.repeat(32), timeZone: 'Asia/Ho_Chi_Minh', log: { warn: (l) => warnings.push(l) } });
    triage = new TriageService({
      store,
      knowledgeDir: fx.knowledgeDir,
      engine: () => fx.engine,
      embed: fittedHashingEmbedder(() => fx.engine),
      republish: async () => {
        if (failNextPublish) {
          failNextPublish = false;
          throw new Error('chỉ mục lỗi giả lập');
        }
        await fx.republish();
      },
      similarity: 0.5,
      labelMinScore: 0.35,
      now: () => new Date('2025-03-12T02:00:00Z'),
    });
  });
  afterAll(async () => {
    await store.close();
    fx.cleanup();
  });

  async function askAndRecord(question: string, commune = '26734') {
    const result = await fx.engine.ask(question);
    const id = await recorder.record(turnFromAsk(result, { channel: 'zalo', platformUserId: '8312645790123456789', communeCode: commune }));
    return { result, id };
  }

  it('attaches an uncovered question to a guide; after republishing the same question is answered', async () => {
    const { result: before, id } = await askAndRecord(UNCOVERED_PAYMENT_QUESTION);
    expect(before.status).toBe('uncovered');
    const again = await askAndRecord(UNCOVERED_PAYMENT_QUESTION, '26737');

    const queue = await triage.queue({});
    const cluster = queue.clusters.find((c) => c.turnIds.includes(id));
    expect(cluster?.turnIds.sort()).toEqual([id, again.id].sort());
    expect(cluster?.representative).toBe(UNCOVERED_PAYMENT_QUESTION);

    const guideFile = join(fx.knowledgeDir, `${TARGET_GUIDE}.md`);
    const original = readFileSync(guideFile, 'utf8');
    const publishedBefore = fx.publishCount();

    const { action, added, moved } = await triage.act({
      actor: 'Trần Văn Minh',
      kind: 'attach_to_guide',
      guideId: TARGET_GUIDE,
      turnIds: cluster!.turnIds,
    });
    expect(added).toEqual([UNCOVERED_PAYMENT_QUESTION]);
    expect(moved).toBe(2);
    expect(action).toMatchObject({ actor: 'Trần Văn Minh', kind: 'attach_to_guide', guideId: TARGET_GUIDE, questions: [UNCOVERED_PAYMENT_QUESTION] });
    expect(action.at.toISOString()).toBe('2025-03-12T02:00:00.000Z');
    expect(fx.publishCount()).toBe(publishedBefore + 1);

    // The body is untouched; only the questions list grew by one line.
    const updated = readFileSync(guideFile, 'utf8');
    expect(updated.slice(updated.indexOf('\n---', 4))).toBe(original.slice(original.indexOf('\n---', 4)));
    expect(updated.split('\n').length).toBe(original.split('\n').length + 1);
    expect(updated).toContain(`  - ${UNCOVERED_PAYMENT_QUESTION}\n`);
    expect(validateKnowledgeBase(loadKnowledgeDir(fx.knowledgeDir)).filter((p) => p.file === `${TARGET_GUIDE}.md`)).toEqual([]);

    const after = await fx.engine.ask(UNCOVERED_PAYMENT_QUESTION);
    expect(after.status).toBe('answered');
    expect(after.topic).toBe(TARGET_GUIDE);

    expect((await store.getTurn(id))?.triageState).toBe('attached');
    expect((await triage.queue({})).turns.map((t) => t.id)).not.toContain(id);
    const [logged] = await triage.actions(5);
    expect(logged).toMatchObject({ id: action.id, actor: 'Trần Văn Minh', turnIds: cluster!.turnIds });
  });

  it('marks a question out of scope in out-of-scope.yaml under the triage subject', async () => {
    const { result, id } = await askAndRecord(OUT_OF_SCOPE_QUESTION);
    expect(result.status).toBe('uncovered');
    const publishedBefore = fx.publishCount();
    await triage.act({ actor: 'Lê Thị Lan', kind: 'out_of_scope', turnIds: [id] });
    expect(fx.publishCount()).toBe(publishedBefore + 1);

    const text = readFileSync(join(fx.knowledgeDir, 'out-of-scope.yaml'), 'utf8');
    expect(text).toContain('# Chủ đề người dân hay hỏi nhưng kho kiến thức CỐ Ý KHÔNG trả lời.');
    const parsed = YAML.parse(text) as { subjects: Array<{ id: string; examples: string[] }> };
    expect(parsed.subjects.find((s) => s.id === TRIAGE_OUT_OF_SCOPE_SUBJECT)?.examples).toEqual([OUT_OF_SCOPE_QUESTION]);
    expect(loadKnowledgeDir(fx.knowledgeDir).problems).toEqual([]);
    expect((await store.getTurn(id))?.triageState).toBe('out_of_scope');
    expect((await fx.engine.ask(OUT_OF_SCOPE_QUESTION)).status).toBe('uncovered');
  });

  it('records "cần hướng dẫn mới" with its note and leaves the knowledge base alone', async () => {
    const { id } = await askAndRecord('xin cấp giấy xác nhận tình trạng hôn nhân để mua nhà');
    const publishedBefore = fx.publishCount();
    await expect(triage.act({ actor: 'Lan', kind: 'needs_new_guide', turnIds: [id] })).rejects.toMatchObject({ code: 'invalid_request' });
    const { action } = await triage.act({
      actor: 'Lan',
      kind: 'needs_new_guide',
      turnIds: [id],
      note: 'Cần hướng dẫn xác nhận tình trạng hôn nhân, gọi 0912345678 để hỏi thêm',
    });
    expect(action.note).toBe('Cần hướng dẫn xác nhận tình trạng hôn nhân, gọi [số điện thoại] để hỏi thêm');
    expect(fx.publishCount()).toBe(publishedBefore);
    expect((await store.getTurn(id))?.triageState).toBe('needs_guide');
  });

  it('refuses unknown guides and turns, and undoes the file when republishing fails', async () => {
    const { id } = await askAndRecord('hỏi về thủ tục nhận con nuôi');
    await expect(triage.act({ actor: 'A', kind: 'attach_to_guide', guideId: 'khong-co-huong-dan-nay', turnIds: [id] })).rejects.toMatchObject({ code: 'not_found' });
    await expect(triage.act({ actor: 'A', kind: 'out_of_scope', turnIds: ['missing-turn'] })).rejects.toMatchObject({ code: 'not_found' });

    const file = join(fx.knowledgeDir, 'dvc-dang-ky-khai-sinh.md');
    const before = readFileSync(file, 'utf8');
    failNextPublish = true;
    const err = await triage.act({ actor: 'A', kind: 'attach_to_guide', guideId: 'dvc-dang-ky-khai-sinh', turnIds: [id] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('index_build_failed');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect((await store.getTurn(id))?.triageState).toBe('open');
  });

  it('refuses a question another guide already uses, leaving the file unchanged', async () => {
    const { id } = await askAndRecord('hỏi linh tinh');
    const existing = fx.engine.guide('vneid-dang-ky-muc-2')!.questions[0]!;
    const file = join(fx.knowledgeDir, 'dvc-dang-ky-khai-sinh.md');
    const before = readFileSync(file, 'utf8');
    await expect(
      triage.act({ actor: 'A', kind: 'attach_to_guide', guideId: 'dvc-dang-ky-khai-sinh', turnIds: [id], questions: [existing] }),
    ).rejects.toMatchObject({ code: 'invalid_knowledge' });
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('redacts a question an administrator types by hand before writing it', async () => {
    const { id } = await askAndRecord('đổi số điện thoại trên vneid khi mất sim');
    const { added } = await triage.act({
      actor: 'A',
      kind: 'attach_to_guide',
      guideId: 'vneid-doi-so-dien-thoai',
      turnIds: [id],
      questions: ['mất sim 0987654321 thì đổi số trên VNeID thế nào'],
    });
    expect(added).toEqual(['mất sim [số điện thoại] thì đổi số trên VNeID thế nào']);
    expect(readFileSync(join(fx.knowledgeDir, 'vneid-doi-so-dien-thoai.md'), 'utf8')).not.toContain('0987654321');
  });
});
