/**
 * One suite every handoff store backend passes (SQLite and PostgreSQL): staff, single-use join codes,
 * tickets created once per source, claims by one staff member, closing once, idempotent messages and
 * suggestions.
 */
import { describe, expect, it } from 'vitest';
import { hashJoinCode } from '../../src/handoff/join-codes.js';
import type { HandoffStore } from '../../src/handoff/types.js';

const HOUR = 3600_000;
const t0 = new Date('2026-11-20T02:00:00Z');
const at = (hours: number) => new Date(t0.getTime() + hours * HOUR);

export function runHandoffStoreSuite(name: string, create: () => Promise<HandoffStore>): void {
  describe(`${name} handoff store`, () => {
    it('redeems a code once, registering the staff member atomically; expired codes are refused', async () => {
      const store = await create();
      await store.addJoinCode({ id: 'c1', codeHash: hashJoinCode('ABCDEFGH'), communeCode: '03325', name: 'Lò Thị Hoa', createdAt: t0, expiresAt: at(72), usedAt: null, usedByStaffId: null });
      await store.addJoinCode({ id: 'c2', codeHash: hashJoinCode('HGFEDCBA'), communeCode: null, name: 'Cà Văn Dũng', createdAt: t0, expiresAt: at(1), usedAt: null, usedByStaffId: null });
      const first = await store.redeemJoinCode(hashJoinCode('ABCDEFGH'), { channel: 'zalo', platformUserId: '8312645790123456789' }, at(1));
      expect(first).toMatchObject({ kind: 'registered', staff: { communeCode: '03325', name: 'Lò Thị Hoa', via: 'join_code', platformUserId: '8312645790123456789' } });
      expect(await store.redeemJoinCode(hashJoinCode('ABCDEFGH'), { channel: 'zalo', platformUserId: '1' }, at(2))).toEqual({ kind: 'used' });
      expect(await store.redeemJoinCode(hashJoinCode('HGFEDCBA'), { channel: 'zalo', platformUserId: '1' }, at(2))).toEqual({ kind: 'expired' });
      expect(await store.redeemJoinCode(hashJoinCode('ZZZZZZZZ'), { channel: 'zalo', platformUserId: '1' }, at(2))).toEqual({ kind: 'unknown' });
      expect((await store.staffOfCommune('03325')).map((s) => s.name)).toEqual(['Lò Thị Hoa']);
      await store.close();
    });

    it('creates a ticket once per source, lets one staff member claim it, and closes it once', async () => {
      const store = await create();
      const input = { sourceKey: 'zalo:m1', citizenChannel: 'zalo' as const, communeCode: '03325', question: 'hỏi', routing: 'commune' as const, at: t0 };
      const a = await store.createTicket(input);
      const b = await store.createTicket({ ...input, question: 'khác' });
      expect(b).toEqual(a);
      expect(await store.claimTicket(a.id, 'staff-1', at(1))).toBe('claimed');
      expect(await store.claimTicket(a.id, 'staff-1', at(1))).toBe('already_yours');
      expect(await store.claimTicket(a.id, 'staff-2', at(1))).toBe('taken');
      await store.touchCitizen(a.id, at(5));
      await store.touchCitizen(a.id, at(2)); // never moves back
      expect((await store.getTicket(a.id))!.citizenLastMessageAt).toEqual(at(5));
      expect(await store.closeTicket(a.id, 'citizen', at(6))).toBe(true);
      expect(await store.closeTicket(a.id, 'staff', at(7))).toBe(false);
      expect(await store.claimTicket(a.id, 'staff-2', at(8))).toBe('closed');
      expect(await store.claimTicket(99, 'staff-2', at(8))).toBe('missing');
      const m = { ticketId: a.id, sourceKey: 'zalo:m2', at: at(1), author: 'staff' as const, staffId: 'staff-1', text: 'trả lời', delivered: false };
      expect((await store.addMessage(m)).added).toBe(true);
      expect((await store.addMessage({ ...m, text: 'lần hai' })).added).toBe(false);
      await store.markDelivered(a.id, 'zalo:m2');
      expect(await store.listMessages(a.id)).toEqual([{ ...m, delivered: true }]);
      await store.close();
    });

    it('lists staff by commune and the province pool, tickets by status, and suggestions newest first', async () => {
      const store = await create();
      const pool = await store.upsertStaff({ channel: 'messenger', platformUserId: '25193846071284553', communeCode: null, name: 'Tổ tỉnh', via: 'admin' }, at(0));
      const local = await store.upsertStaff({ channel: 'zalo', platformUserId: '8312645790123456789', communeCode: '03325', name: 'Lò Thị Hoa', via: 'admin' }, at(1));
      const again = await store.upsertStaff({ channel: 'zalo', platformUserId: '8312645790123456789', communeCode: '03328', name: 'Lò Thị Hoa', via: 'admin' }, at(2));
      expect(again.id).toBe(local.id);
      expect((await store.staffOfCommune(null)).map((s) => s.id)).toEqual([pool.id]);
      expect(await store.staffOfCommune('03325')).toEqual([]);
      expect((await store.staffOfCommune('03328')).map((s) => s.platformUserId)).toEqual(['8312645790123456789']);
      expect(await store.staffByAddress('zalo', '8312645790123456789')).toMatchObject({ communeCode: '03328', createdAt: at(1) });
      expect((await store.listStaff()).map((s) => s.name)).toEqual(['Tổ tỉnh', 'Lò Thị Hoa']);
      expect(await store.removeStaff(pool.id)).toBe(true);
      expect(await store.removeStaff(pool.id)).toBe(false);

      const t1 = await store.createTicket({ sourceKey: 's1', citizenChannel: 'zalo', communeCode: null, question: null, routing: 'all', at: at(1) });
      const t2 = await store.createTicket({ sourceKey: 's2', citizenChannel: 'messenger', communeCode: '03325', question: 'q', routing: 'commune', at: at(2) });
      await store.claimTicket(t2.id, local.id, at(3));
      await store.markNotified(t1.id, at(1));
      expect((await store.listTickets({ status: 'open', limit: 10 })).map((t) => t.id)).toEqual([t1.id]);
      expect((await store.listTickets({ limit: 10 })).map((t) => t.id)).toEqual([t2.id, t1.id]);
      expect((await store.listTickets({ communeCode: null, limit: 10 })).map((t) => t.id)).toEqual([t1.id]);
      expect((await store.getTicket(t1.id))!.notifiedAt).toEqual(at(1));

      for (const [id, hours] of [['a', 1], ['b', 2]] as const) {
        await store.addSuggestion({ id, at: at(hours), ticketId: t2.id, communeCode: '03325', question: 'q', answer: `đáp ${id}`, staffId: local.id, staffName: 'Lò Thị Hoa', turnId: null });
      }
      expect((await store.listSuggestions(10)).map((s) => s.answer)).toEqual(['đáp b', 'đáp a']);
      await store.close();
    });
  });
}
