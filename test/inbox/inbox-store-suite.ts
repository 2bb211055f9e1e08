/** One suite every InboxStore backend passes: memory, SQLite (embedded default) and PostgreSQL (shared). */
import { describe, expect, it } from 'vitest';
import type { InboxClaim, InboxStore, NewInboxItem } from '../../src/storage/inbox-store.js';

const ZALO_USER = 'zalo:8312645790123456789';

export const inboxItem = (externalId: string, conversation = ZALO_USER, channel = 'zalo'): NewInboxItem => ({
  channel,
  externalId,
  conversation,
  payload: JSON.stringify({ id: externalId }),
  receivedAt: 1_763_800_000_000,
});

const claim = (fence: number, leaseMs = 60_000, owner = `owner-${fence}`): InboxClaim => ({ owner, fence, leaseMs });
const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function runInboxStoreSuite(name: string, create: () => InboxStore | Promise<InboxStore>) {
  const item = inboxItem;
  describe(`InboxStore: ${name}`, () => {
    it('stores new items in order and leaves redeliveries out, within and across batches', async () => {
      const store = await create();
      const first = await store.add([item('a'), item('b'), item('a')]);
      expect(first.map((i) => i.externalId)).toEqual(['a', 'b']);
      expect(first[1]!.seq).toBeGreaterThan(first[0]!.seq);
      expect(first[0]).toMatchObject({ attempts: 0, sentCount: 0, turnId: null, notBefore: 0, conversation: ZALO_USER });
      expect(await store.add([item('b'), item('c')])).toHaveLength(1);
      // The same external id on another channel is a different event.
      expect(await store.add([item('a', 'messenger:1', 'messenger')])).toHaveLength(1);
      expect((await store.unfinished()).map((i) => i.externalId)).toEqual(['a', 'b', 'c', 'a']);
      expect(await store.counts()).toEqual({ pending: 4, done: 0, failed: 0 });
    });

    it('keeps progress, the turn id and postponements of unfinished items', async () => {
      const store = await create();
      const [a] = await store.add([item('a')]);
      expect(await store.recordProgress(a!.seq, 2)).toBe(true);
      expect(await store.rememberTurn(a!.seq, 'turn-7')).toBe(true);
      expect(await store.postpone(a!.seq, 1_763_800_060_000, 'upstream_failed:zalo:http_502')).toBe(true);
      expect(await store.unfinished()).toEqual([
        { ...item('a'), seq: a!.seq, sentCount: 2, turnId: 'turn-7', attempts: 1, notBefore: 1_763_800_060_000 },
      ]);
    });

    it('finishes items as done or failed and still recognises their redelivery', async () => {
      const store = await create();
      const [a, b] = await store.add([item('a'), item('b')]);
      await store.finish(a!.seq, { status: 'done' });
      await store.finish(b!.seq, { status: 'failed', error: 'upstream_failed:zalo:-230' });
      expect(await store.unfinished()).toEqual([]);
      expect(await store.counts()).toEqual({ pending: 0, done: 1, failed: 1 });
      expect(await store.add([item('a'), item('b')])).toEqual([]);
    });

    it('prunes only finished items older than the cut-off', async () => {
      const store = await create();
      const [a] = await store.add([item('a'), item('b')]);
      await store.finish(a!.seq, { status: 'done' });
      expect(await store.pruneFinished(Date.now() - 60_000)).toBe(0);
      expect(await store.pruneFinished(Date.now() + 1)).toBe(1);
      expect(await store.counts()).toEqual({ pending: 1, done: 0, failed: 0 });
      expect(await store.add([item('a')])).toHaveLength(1);
    });

    it('hands out the oldest pending item of a conversation and never a later one while it is held', async () => {
      const store = await create();
      const [a1, a2] = await store.add([item('a1', 'zalo:A'), item('a2', 'zalo:A'), item('b1', 'zalo:B')]);
      const first = await store.claimNext('zalo:A', claim(10));
      expect(first).toEqual({ kind: 'claimed', item: expect.objectContaining({ seq: a1!.seq, externalId: 'a1' }) });
      // Another holder with an older fence must not get a1, nor skip to a2.
      expect(await store.claimNext('zalo:A', claim(9))).toEqual({ kind: 'busy' });
      expect(await store.finish(a1!.seq, { status: 'done' }, 10)).toBe(true);
      expect(await store.claimNext('zalo:A', claim(11))).toEqual({ kind: 'claimed', item: expect.objectContaining({ seq: a2!.seq }) });
      expect(await store.claimNext('zalo:C', claim(12))).toEqual({ kind: 'none' });
    });

    it('makes the conversation wait for a postponed item and releases its claim', async () => {
      const store = await create();
      const [a1] = await store.add([item('a1', 'zalo:A'), item('a2', 'zalo:A')]);
      expect((await store.claimNext('zalo:A', claim(1))).kind).toBe('claimed');
      const later = Date.now() + 60_000;
      expect(await store.postpone(a1!.seq, later, 'upstream_failed:zalo:http_502', 1)).toBe(true);
      expect(await store.claimNext('zalo:A', claim(2))).toEqual({ kind: 'wait', notBefore: later });
      expect(await store.dueConversations(10)).toEqual([]);
    });

    it('lets a newer fence take a live claim over and refuses the older holder’s writes from then on', async () => {
      const store = await create();
      const [a] = await store.add([item('a')]);
      expect((await store.claimNext(ZALO_USER, claim(5))).kind).toBe('claimed');
      expect(await store.recordProgress(a!.seq, 1, 5)).toBe(true);
      expect(await store.extendClaim(a!.seq, claim(5))).toBe(true);
      const takeover = await store.claimNext(ZALO_USER, claim(6));
      expect(takeover).toEqual({ kind: 'claimed', item: expect.objectContaining({ seq: a!.seq, sentCount: 1 }) });
      expect(await store.recordProgress(a!.seq, 2, 5)).toBe(false);
      expect(await store.rememberTurn(a!.seq, 'stale', 5)).toBe(false);
      expect(await store.extendClaim(a!.seq, claim(5))).toBe(false);
      expect(await store.postpone(a!.seq, Date.now() + 1000, 'x', 5)).toBe(false);
      expect(await store.finish(a!.seq, { status: 'done' }, 5)).toBe(false);
      expect((await store.unfinished())[0]).toMatchObject({ sentCount: 1, turnId: null, attempts: 0 });
      expect(await store.finish(a!.seq, { status: 'done' }, 6)).toBe(true);
      expect(await store.finish(a!.seq, { status: 'done' }, 6)).toBe(false); // finished: nothing left to write
      expect(await store.counts()).toEqual({ pending: 0, done: 1, failed: 0 });
    });

    it('lets anyone take over an expired claim, even with an older fence', async () => {
      const store = await create();
      await store.add([item('a')]);
      expect((await store.claimNext(ZALO_USER, claim(100, 30))).kind).toBe('claimed');
      expect(await store.dueConversations(10)).toEqual([]);
      await wait(60);
      expect(await store.dueConversations(10)).toEqual([ZALO_USER]);
      expect((await store.claimNext(ZALO_USER, claim(50))).kind).toBe('claimed');
    });

    it('lists only conversations whose oldest item is old enough when asked for a minimum age', async () => {
      const store = await create();
      await store.add([{ ...item('old', 'zalo:OLD'), receivedAt: Date.now() - 5000 }, { ...item('new', 'zalo:NEW'), receivedAt: Date.now() }]);
      expect(await store.dueConversations(10, 2000)).toEqual(['zalo:OLD']);
      expect(await store.dueConversations(10)).toEqual(['zalo:OLD', 'zalo:NEW']);
    });

    it('lists conversations whose oldest item is due and unclaimed, oldest first', async () => {
      const store = await create();
      const [b1, , , c1] = await store.add([item('b1', 'zalo:B'), item('a1', 'zalo:A'), item('b2', 'zalo:B'), item('c1', 'zalo:C'), item('d1', 'zalo:D')]);
      expect(await store.dueConversations(10)).toEqual(['zalo:B', 'zalo:A', 'zalo:C', 'zalo:D']);
      expect(await store.dueConversations(2)).toEqual(['zalo:B', 'zalo:A']);
      await store.claimNext('zalo:B', claim(1)); // b1 held: b2 waits behind it
      await store.postpone(c1!.seq, Date.now() + 60_000, 'x');
      expect(await store.dueConversations(10)).toEqual(['zalo:A', 'zalo:D']);
      await store.finish(b1!.seq, { status: 'done' }, 1);
      expect(await store.dueConversations(10)).toEqual(['zalo:A', 'zalo:B', 'zalo:D']);
    });
  });
}
