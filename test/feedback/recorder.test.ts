import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreTurnRecorder, UNRECORDED_TURN_ID, turnFromAsk } from '../../src/feedback/recorder.js';
import { SqliteTurnLogStore } from '../../src/feedback/store-sqlite.js';
import type { TurnInput } from '../../src/feedback/turn-types.js';
import { GENERATED_SECRET_FILE, pseudonymousUserKey, resolveUserKeySecret } from '../../src/privacy/pseudonym.js';
import type { AskResult } from '../../src/knowledge/engine.js';

const SECRET = 's'.repeat(40);
const ZALO_ID = '8312645790123456789';

function input(overrides: Partial<TurnInput> = {}): TurnInput {
  return {
    channel: 'zalo', platformUserId: ZALO_ID, communeCode: ' 26734 ', text: 'hỏi', status: 'uncovered', topic: null,
    indicator: 'ty-le-kich-hoat-dinh-danh-dien-tu', confidence: 0.21,
    candidates: [1, 2, 3, 4, 5, 6, 7].map((i) => ({ topic: `t${i}`, score: 1 / i })), ...overrides,
  };
}

describe('StoreTurnRecorder', () => {
  let store: SqliteTurnLogStore;
  let warnings: string[];
  let recorder: StoreTurnRecorder;
  beforeEach(async () => {
    store = new SqliteTurnLogStore(':memory:');
    await store.migrate();
    warnings = [];
    recorder = new StoreTurnRecorder({ store, userKeySecret: SECRET, timeZone: 'Asia/Ho_Chi_Minh', log: { warn: (l) => warnings.push(l) } });
  });
  afterEach(async () => store.close());

  it('stores redacted text and a keyed hash instead of the platform id', async () => {
    const id = await recorder.record(input({
      text: 'CCCD 001099012345, sđt 0912 345 678 không nhận được OTP',
      at: new Date('2025-03-09T18:30:00Z'),
    }));
    const row = await store.getTurn(id);
    expect(row?.text).toBe('CCCD [số định danh], sđt [số điện thoại] không nhận được OTP');
    expect(row?.searchText).toBe('cccd [so dinh danh], sdt [so dien thoai] khong nhan duoc otp');
    expect(row?.userKey).toMatch(/^[0-9a-f]{32}$/);
    expect(row?.userKey).not.toContain(ZALO_ID);
    expect(row?.userKey).toBe(pseudonymousUserKey(SECRET, 'zalo', ZALO_ID));
    expect(row?.commune).toBe('26734');
    expect(row?.day).toBe('2025-03-10');
    expect(row?.candidates).toHaveLength(5);
    expect(JSON.stringify(row)).not.toMatch(/001099012345|0912 345 678|8312645790123456789/);
  });

  it('gives the same person the same key on a channel, and different keys elsewhere or with another secret', () => {
    const a = pseudonymousUserKey(SECRET, 'zalo', ZALO_ID);
    expect(pseudonymousUserKey(SECRET, 'zalo', ZALO_ID)).toBe(a);
    expect(pseudonymousUserKey(SECRET, 'messenger', ZALO_ID)).not.toBe(a);
    expect(pseudonymousUserKey('t'.repeat(40), 'zalo', ZALO_ID)).not.toBe(a);
  });

  it('records votes, ignores votes on unknown turns and rejects bad values', async () => {
    const id = await recorder.record(input());
    await recorder.vote(id, 'down');
    expect((await store.getTurn(id))?.vote).toBe('down');
    await recorder.vote('gone', 'up');
    expect(warnings).toEqual(['Bỏ qua đánh giá cho lượt hỏi không còn trong nhật ký: gone']);
    await recorder.vote(UNRECORDED_TURN_ID, 'up');
    await expect(recorder.vote(id, 'meh' as 'up')).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('keeps answering when the store fails, and logs no personal data', async () => {
    await store.close();
    const id = await recorder.record(input({ text: 'sđt 0912345678' }));
    expect(id).toBe(UNRECORDED_TURN_ID);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Không ghi được lượt hỏi vào nhật ký (zalo)');
    expect(warnings[0]).not.toContain('0912345678');
  });

  it('builds a turn from an engine answer', () => {
    const result = { q: 'câu hỏi', status: 'answered', topic: 'g', confidence: 0.9, candidates: [{ topic: 'g', score: 0.9 }], indicator: 'i' } as AskResult;
    expect(turnFromAsk(result, { channel: 'api', platformUserId: 'x' })).toEqual({
      channel: 'api', platformUserId: 'x', communeCode: null, text: 'câu hỏi', status: 'answered', topic: 'g', indicator: 'i',
      confidence: 0.9, candidates: [{ topic: 'g', score: 0.9 }], forwarded: undefined, at: undefined,
    });
  });
});

describe('resolveUserKeySecret', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'userkey-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the configured secret without touching the disk', () => {
    const warnings: string[] = [];
    expect(resolveUserKeySecret('c'.repeat(32), dir, (l) => warnings.push(l))).toBe('c'.repeat(32));
    expect(warnings).toEqual([]);
  });

  it('creates one random secret readable only by its owner and keeps it across restarts', () => {
    const warnings: string[] = [];
    const first = resolveUserKeySecret(undefined, dir, (l) => warnings.push(l));
    const second = resolveUserKeySecret(undefined, dir, (l) => warnings.push(l));
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
    const file = join(dir, GENERATED_SECRET_FILE);
    expect(readFileSync(file, 'utf8')).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warnings[0]).toContain('USER_KEY_SECRET chưa được đặt');
  });
});
