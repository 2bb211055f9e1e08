import { mkdtempSync, rmSync, readdirSync, cpSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerEngine, toResponse } from '../../src/knowledge/engine.js';
import { loadKnowledgeDir } from '../../src/knowledge/loader.js';
import { usableKnowledge } from '../../src/knowledge/setup.js';
import { defaultEmbedder } from '../../src/knowledge/index-store.js';
import { MAX_PIECE_CHARS } from '../../src/knowledge/compose.js';

const KNOWLEDGE = join(import.meta.dirname, '../../knowledge');
const dataDir = mkdtempSync(join(tmpdir(), 'engine-'));
const kb = usableKnowledge(loadKnowledgeDir(KNOWLEDGE), () => {});
let engine: AnswerEngine;

beforeAll(async () => {
  engine = await AnswerEngine.create(kb, { dataDir, embedder: defaultEmbedder() });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('ranking and decisions on the real knowledge base', () => {
  const answered: Array<[string, string]> = [
    ['cho hoi cach kich hoat vneid', 'vneid-kich-hoat-tai-khoan'],
    ['Tôi quên mật khẩu đăng nhập VNeID, lấy lại thế nào?', 'vneid-quen-mat-khau-passcode'],
    ['e mới đổi đt, vào vneid nó đòi mã gửi về máy cũ mà máy cũ hỏng r', 'vneid-doi-thiet-bi-mat-dien-thoai'],
    ['lam ho chieu lan dau het bao nhieu tien', 'dvc-cap-ho-chieu'],
    ['Đóng tiền phạt nguội trên cổng dịch vụ công như thế nào?', 'dvc-nop-phat-nguoi-giao-thong'],
    ['đổi bằng lái xe online cần giấy khám sức khỏe ko', 'dvc-cap-doi-cap-lai-gplx'],
    ['liên kết tài khoản ngân hàng nhận tiền an sinh trên vneid', 'thanh-toan-tai-khoan-an-sinh-vneid'],
  ];

  it.each(answered)('answers "%s" with %s', async (q, topic) => {
    const r = await engine.ask(q);
    expect(r.status).toBe('answered');
    expect(r.topic).toBe(topic);
    expect(r.candidates[0]!.topic).toBe(topic);
    expect(r.confidence).toBeGreaterThan(0.5);
  });

  it('ranks close topics apart: level 1 registration vs level 2 vs activation', async () => {
    expect((await engine.ask('tự đăng ký vneid mức 1 trên điện thoại')).topic).toBe('vneid-dang-ky-muc-1');
    expect((await engine.ask('lên mức 2 vneid thì ra công an xã mang gì')).topic).toBe('vneid-dang-ky-muc-2');
  });

  it('says honestly that an off-topic question is not covered, with suggestions and hotlines', async () => {
    for (const q of ['Giá vàng SJC hôm nay bao nhiêu?', 'cách nấu phở bò ngon', 'xin giấy phép xây dựng nhà 3 tầng ở đâu']) {
      const r = await engine.ask(q);
      expect(r.status, q).toBe('uncovered');
      expect(r.topic).toBeNull();
      expect(r.text).toContain('1800 1096');
    }
  });

  it('says not covered when a known outside subject clearly leads every guide, even on shared words', async () => {
    // The pension-by-account guide shares "lương hưu" with the question, but computing a pension is outside.
    const r = await engine.ask('đóng bảo hiểm 25 năm rồi, mai mốt nghỉ thì lương hưu mỗi tháng tính ra được mấy triệu');
    expect(r.status).toBe('uncovered');
    expect(r.candidates[0]!.topic).toBe('thanh-toan-luong-huu-tro-cap-qua-tai-khoan');
  });

  it('recognises a question word typed with a telex leftover ("gif"), so the question is not taken for small talk', async () => {
    const r = await engine.ask('tổ công nghệ số cộng đồng là gif');
    expect(r.status).toBe('answered');
    expect(r.topic).toBe('chung-to-cong-nghe-so-cong-dong');
  });

  it('replies politely to small talk', async () => {
    for (const q of ['xin chào', 'cam on ban nhieu', 'bạn là ai vậy', 'tạm biệt nhé']) {
      const r = await engine.ask(q);
      expect(r.status, q).toBe('smalltalk');
      expect(r.topic).toBeNull();
      expect(r.text.length).toBeGreaterThan(10);
    }
  });

  it('answers a greeting followed by a real question with the guide, not small talk', async () => {
    const r = await engine.ask('chào ad, cho e hỏi quên passcode vneid thì làm sao ạ');
    expect(r.status).toBe('answered');
    expect(r.topic).toBe('vneid-quen-mat-khau-passcode');
  });

  it('treats an empty or punctuation-only message as small talk', async () => {
    expect((await engine.ask('   ')).status).toBe('smalltalk');
    expect((await engine.ask('???')).status).toBe('smalltalk');
  });
});

describe('the JSON contract', () => {
  it('has exactly the documented keys and value ranges', async () => {
    const r = toResponse(await engine.ask('đăng ký tạm trú online'));
    expect(Object.keys(r).sort()).toEqual(['candidates', 'confidence', 'q', 'status', 'text', 'topic']);
    expect(r.q).toBe('đăng ký tạm trú online');
    expect(['answered', 'uncovered', 'smalltalk']).toContain(r.status);
    expect(r.confidence).toBeGreaterThanOrEqual(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
    expect(r.candidates.length).toBeLessThanOrEqual(3);
    for (const c of r.candidates) {
      expect(Object.keys(c).sort()).toEqual(['score', 'topic']);
      expect(c.score).toBeGreaterThanOrEqual(0);
      expect(c.score).toBeLessThanOrEqual(1);
    }
    const scores = r.candidates.map((c) => c.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('composes the answer from the guide: title, steps, source; pieces within 2,000 characters', async () => {
    const r = await engine.ask('đăng ký khai sinh cho con trên mạng');
    const guide = engine.guide(r.topic!)!;
    expect(r.pieces[0]).toContain(guide.title);
    expect(r.text).toContain('Các bước:');
    expect(r.text).toMatch(/\n1\. /);
    expect(r.text).toContain(guide.sources[0]!.url);
    expect(r.text).not.toMatch(/\*\*/);
    for (const piece of r.pieces) expect(piece.length).toBeLessThanOrEqual(MAX_PIECE_CHARS);
  });
});

describe('index persistence', () => {
  it('saves the index under DATA_DIR and reuses it when nothing changed', async () => {
    const saved = readdirSync(join(dataDir, 'index')).filter((d) => !d.startsWith('.'));
    expect(saved).toContain(engine.indexHash);
    const files = readdirSync(join(dataDir, 'index', engine.indexHash));
    for (const f of ['meta.json', 'vectors.hnsw', 'lexical.json', 'lexical.bin', 'profiles.json', 'profiles.bin']) expect(files).toContain(f);
    const again = await AnswerEngine.create(kb, { dataDir, embedder: defaultEmbedder() });
    expect(again.indexHash).toBe(engine.indexHash);
    expect(again.indexInfo.buildMs).toBe(0);
    const q = 'quên mật khẩu vneid';
    expect(toResponse(await again.ask(q))).toEqual(toResponse(await engine.ask(q)));
  });

  it('rebuilds when a guide changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-change-'));
    try {
      cpSync(KNOWLEDGE, dir, { recursive: true });
      appendFileSync(join(dir, 'vneid-chu-ky-so.md'), '\n\nThêm một dòng.\n');
      const changed = usableKnowledge(loadKnowledgeDir(dir), () => {});
      const rebuilt = await AnswerEngine.create(changed, { dataDir, embedder: defaultEmbedder() });
      expect(rebuilt.indexHash).not.toBe(engine.indexHash);
      expect(rebuilt.indexInfo.buildMs).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
