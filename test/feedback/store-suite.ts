/**
 * The one suite every TurnLogStore backend passes (SQLite and PostgreSQL). Each backend test file calls
 * runTurnLogStoreSuite with a factory that gives a fresh, empty, migrated store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewTurnRow, TurnLogStore } from '../../src/feedback/store.js';
import { bucketsOf } from '../../src/feedback/calendar.js';
import { foldSearchText } from '../../src/feedback/recorder.js';

export interface StoreHarness {
  store: TurnLogStore;
  /** Opens a second store on the same database (to check persistence and idempotent migrations). */
  reopen(): Promise<TurnLogStore>;
  destroy(): Promise<void>;
}

const TZ = 'Asia/Ho_Chi_Minh';
let seq = 0;

export function makeTurn(overrides: Partial<NewTurnRow> & { at?: Date } = {}): NewTurnRow {
  const at = overrides.at ?? new Date('2025-03-10T03:00:00Z');
  const text = overrides.text ?? 'làm sao kích hoạt tài khoản định danh mức 2';
  seq += 1;
  return {
    id: `t-${seq.toString().padStart(5, '0')}`,
    ...bucketsOf(at, TZ),
    channel: 'zalo',
    userKey: 'u-1',
    commune: '00001',
    status: 'answered',
    topic: 'vneid-dang-ky-muc-2',
    indicator: 'ty-le-kich-hoat-dinh-danh-dien-tu',
    confidence: 0.91,
    candidates: [{ topic: 'vneid-dang-ky-muc-2', score: 0.91 }],
    forwarded: false,
    ...overrides,
    at,
    text,
    searchText: overrides.searchText ?? foldSearchText(text),
  };
}

export function runTurnLogStoreSuite(name: string, create: () => Promise<StoreHarness>): void {
  describe(`TurnLogStore (${name})`, () => {
    let h: StoreHarness;
    let store: TurnLogStore;
    beforeEach(async () => {
      h = await create();
      store = h.store;
    });
    afterEach(async () => {
      await h.destroy();
    });

    it('round-trips a turn with Vietnamese text, candidates and millisecond time', async () => {
      const turn = makeTurn({
        at: new Date('2025-03-09T17:30:00.123Z'),
        text: 'Số CCCD [số định danh] đăng ký tạm trú ở đâu?',
        commune: null,
        topic: null,
        status: 'uncovered',
        candidates: [
          { topic: 'dvc-dang-ky-tam-tru', score: 0.42 },
          { topic: 'dvc-khai-bao-tam-vang', score: 0.3 },
        ],
        forwarded: true,
      });
      await store.insertTurn(turn);
      const got = await store.getTurn(turn.id);
      expect(got).toEqual({ ...turn, vote: null, votedAt: null, triageState: 'open', triageActionId: null });
      // 17:30 UTC on the 9th is 00:30 on the 10th in Vietnam.
      expect(got?.day).toBe('2025-03-10');
      expect(got?.week).toBe('2025-03-10');
      expect(got?.month).toBe('2025-03');
      expect(await store.getTurn('no-such-turn')).toBeUndefined();
    });

    it('records votes only on existing turns', async () => {
      const turn = makeTurn();
      await store.insertTurn(turn);
      const at = new Date('2025-03-10T04:00:00Z');
      expect(await store.setVote(turn.id, 'down', at)).toBe(true);
      expect(await store.setVote('missing', 'up', at)).toBe(false);
      const got = await store.getTurn(turn.id);
      expect(got?.vote).toBe('down');
      expect(got?.votedAt?.toISOString()).toBe(at.toISOString());
      await store.setVote(turn.id, 'up', at);
      expect((await store.getTurn(turn.id))?.vote).toBe('up');
    });

    it('rejects a duplicate turn id', async () => {
      const turn = makeTurn();
      await store.insertTurn(turn);
      await expect(store.insertTurn(turn)).rejects.toThrow();
    });

    it('filters, searches, orders and pages the turn list', async () => {
      const base = Date.parse('2025-03-01T02:00:00Z');
      const day = (n: number) => new Date(base + n * 86_400_000);
      const rows = [
        makeTurn({ at: day(0), status: 'answered', text: 'Lệ phí đổi thẻ căn cước' }),
        makeTurn({ at: day(1), status: 'uncovered', text: 'xin giấy phép xây nhà', commune: '00002', indicator: null, topic: null }),
        makeTurn({ at: day(2), status: 'uncovered', text: 'Giảm 50% học phí không', indicator: 'ty-le-thanh-toan-khong-tien-mat-dan-cu', topic: null }),
        makeTurn({ at: day(3), status: 'smalltalk', text: 'chào em', indicator: null, topic: null }),
        makeTurn({ at: day(4), status: 'answered', text: 'Đăng ký khai sinh cho con', commune: '00002' }),
      ];
      for (const r of rows) await store.insertTurn(r);
      await store.setVote(rows[4]!.id, 'down', day(4));

      const triage = await store.listTurns({ needsTriage: true });
      expect(triage.map((t) => t.id)).toEqual([rows[4]!.id, rows[2]!.id, rows[1]!.id]);
      expect(await store.countTurns({ needsTriage: true })).toBe(3);

      expect((await store.listTurns({ statuses: ['smalltalk'] })).map((t) => t.id)).toEqual([rows[3]!.id]);
      expect((await store.listTurns({ vote: 'down' })).map((t) => t.id)).toEqual([rows[4]!.id]);
      expect((await store.listTurns({ commune: '00002' })).map((t) => t.id)).toEqual([rows[4]!.id, rows[1]!.id]);
      expect((await store.listTurns({ fromDay: rows[1]!.day, toDay: rows[3]!.day })).map((t) => t.id)).toEqual([
        rows[3]!.id,
        rows[2]!.id,
        rows[1]!.id,
      ]);
      expect(await store.countTurns({ indicator: 'ty-le-kich-hoat-dinh-danh-dien-tu' })).toBe(2);

      // Search is folded: without diacritics and case-insensitive; LIKE wildcards are literal.
      expect((await store.listTurns({ search: foldSearchText('CĂN CƯỚC') })).map((t) => t.id)).toEqual([rows[0]!.id]);
      expect((await store.listTurns({ search: '50%' })).map((t) => t.id)).toEqual([rows[2]!.id]);
      expect(await store.listTurns({ search: '%' })).toHaveLength(1);
      expect(await store.listTurns({ search: 'khong co dau' })).toHaveLength(0);

      const page1 = await store.listTurns({ limit: 2 });
      const page2 = await store.listTurns({ limit: 2, offset: 2 });
      expect([...page1, ...page2].map((t) => t.id)).toEqual([rows[4]!.id, rows[3]!.id, rows[2]!.id, rows[1]!.id]);
    });

    it('aggregates answered, uncovered, votes and people per key and bucket', async () => {
      const a = new Date('2025-03-03T02:00:00Z'); // Monday
      const b = new Date('2025-03-04T02:00:00Z'); // Tuesday, same week
      const c = new Date('2025-03-11T02:00:00Z'); // next week
      const ind = 'ty-le-kich-hoat-dinh-danh-dien-tu';
      const turns = [
        makeTurn({ at: a, status: 'answered', userKey: 'u1' }),
        makeTurn({ at: a, status: 'uncovered', userKey: 'u1' }),
        makeTurn({ at: b, status: 'answered', userKey: 'u2', commune: '00002' }),
        makeTurn({ at: b, status: 'smalltalk', userKey: 'u3', indicator: null }),
        makeTurn({ at: c, status: 'uncovered', userKey: 'u2', indicator: null, commune: null }),
        makeTurn({ at: c, status: 'answered', userKey: 'u4', indicator: 'ty-le-thanh-toan-truc-tuyen' }),
      ];
      for (const t of turns) await store.insertTurn(t);
      await store.setVote(turns[0]!.id, 'down', a);
      await store.setVote(turns[2]!.id, 'up', b);

      const daily = await store.aggregate({ by: 'indicator', period: 'day', fromDay: '2025-03-01', toDay: '2025-03-31' });
      const find = (key: string | null, bucket: string) => daily.find((r) => r.key === key && r.bucket === bucket);
      expect(find(ind, '2025-03-03')).toEqual({
        key: ind, bucket: '2025-03-03', answered: 1, uncovered: 1, smalltalk: 0, downvotes: 1, upvotes: 0, users: 1,
      });
      expect(find(ind, '2025-03-04')).toMatchObject({ answered: 1, uncovered: 0, upvotes: 1, users: 1 });
      expect(find(null, '2025-03-04')).toMatchObject({ smalltalk: 1, users: 1 });
      expect(find(null, '2025-03-11')).toMatchObject({ uncovered: 1 });
      expect(daily).toHaveLength(5);

      const weekly = await store.aggregate({ by: 'indicator', period: 'week', fromDay: '2025-03-01', toDay: '2025-03-31' });
      expect(weekly.find((r) => r.key === ind && r.bucket === '2025-03-03')).toMatchObject({
        answered: 2, uncovered: 1, downvotes: 1, upvotes: 1, users: 2,
      });

      const monthly = await store.aggregate({ by: 'commune', period: 'month', fromDay: '2025-03-01', toDay: '2025-03-31' });
      expect(monthly.find((r) => r.key === '00001')).toMatchObject({ bucket: '2025-03', answered: 2, uncovered: 1, smalltalk: 1, users: 3 });
      expect(monthly.find((r) => r.key === '00002')).toMatchObject({ answered: 1, users: 1 });
      expect(monthly.find((r) => r.key === null)).toMatchObject({ uncovered: 1 });

      const total = await store.aggregate({ by: 'commune', period: 'total', fromDay: '2025-03-01', toDay: '2025-03-31' });
      expect(total.find((r) => r.key === '00001')).toMatchObject({ bucket: 'total', users: 3 });

      const filtered = await store.aggregate({ by: 'commune', period: 'total', fromDay: '2025-03-04', toDay: '2025-03-10', indicator: ind });
      expect(filtered).toEqual([
        { key: '00002', bucket: 'total', answered: 1, uncovered: 0, smalltalk: 0, downvotes: 0, upvotes: 1, users: 1 },
      ]);
    });

    it('records a triage action and moves its turns atomically', async () => {
      const t1 = makeTurn({ status: 'uncovered' });
      const t2 = makeTurn({ status: 'uncovered' });
      const t3 = makeTurn({ status: 'uncovered' });
      for (const t of [t1, t2, t3]) await store.insertTurn(t);
      const action = {
        id: 'a-1',
        at: new Date('2025-03-12T08:00:00.500Z'),
        actor: 'Nguyễn Thị Hoa',
        kind: 'attach_to_guide' as const,
        guideId: 'vneid-dang-ky-muc-2',
        note: null,
        questions: ['làm sao kích hoạt tài khoản định danh mức 2'],
        turnIds: [t1.id, t2.id, 'missing'],
      };
      expect(await store.recordTriageAction(action)).toBe(2);
      expect((await store.getTurn(t1.id))?.triageState).toBe('attached');
      expect((await store.getTurn(t2.id))?.triageActionId).toBe('a-1');
      expect((await store.getTurn(t3.id))?.triageState).toBe('open');
      expect(await store.countTurns({ needsTriage: true, triageState: 'open' })).toBe(1);

      await store.recordTriageAction({ ...action, id: 'a-2', at: new Date('2025-03-12T09:00:00Z'), kind: 'needs_new_guide', guideId: null, note: 'Cần hướng dẫn về đổi tên', turnIds: [t3.id] });
      expect((await store.getTurn(t3.id))?.triageState).toBe('needs_guide');
      const actions = await store.listTriageActions(10);
      expect(actions.map((a) => a.id)).toEqual(['a-2', 'a-1']);
      expect(actions[1]).toEqual(action);
    });

    it('purges turns older than the retention cut-off', async () => {
      const old = makeTurn({ at: new Date('2024-01-01T00:00:00Z') });
      const recent = makeTurn({ at: new Date('2025-03-01T00:00:00Z') });
      await store.insertTurn(old);
      await store.insertTurn(recent);
      expect(await store.purgeTurnsBefore(new Date('2025-01-01T00:00:00Z'))).toBe(1);
      expect(await store.getTurn(old.id)).toBeUndefined();
      expect(await store.getTurn(recent.id)).toBeDefined();
    });

    it('keeps an outbox that is idempotent per key and reschedules failures', async () => {
      const t0 = new Date('2025-03-10T00:00:00Z');
      expect(await store.enqueueOutbox('daily:2025-03-09', '{"a":1}', t0)).toBe(true);
      expect(await store.enqueueOutbox('daily:2025-03-09', '{"a":2}', t0)).toBe(false);
      expect(await store.enqueueOutbox('daily:2025-03-08', '{"b":1}', new Date(t0.getTime() - 1000))).toBe(true);
      let due = await store.dueOutbox(t0, 10);
      expect(due.map((d) => d.key)).toEqual(['daily:2025-03-08', 'daily:2025-03-09']);
      expect(due[1]!.payload).toBe('{"a":1}');

      const later = new Date(t0.getTime() + 60_000);
      await store.markOutboxFailed('daily:2025-03-08', 1, later, 'HTTP 503');
      due = await store.dueOutbox(t0, 10);
      expect(due.map((d) => d.key)).toEqual(['daily:2025-03-09']);
      expect(await store.getOutbox('daily:2025-03-08')).toMatchObject({ attempts: 1, lastError: 'HTTP 503', deliveredAt: null });

      await store.markOutboxDelivered('daily:2025-03-09', 1, t0);
      due = await store.dueOutbox(later, 10);
      expect(due.map((d) => d.key)).toEqual(['daily:2025-03-08']);
      expect((await store.getOutbox('daily:2025-03-09'))?.deliveredAt?.toISOString()).toBe(t0.toISOString());
    });

    it('persists across reopen and runs migrations only once', async () => {
      const turn = makeTurn();
      await store.insertTurn(turn);
      const again = await h.reopen();
      try {
        await again.migrate();
        expect((await again.getTurn(turn.id))?.text).toBe(turn.text);
      } finally {
        await again.close();
      }
    });
  });
}
