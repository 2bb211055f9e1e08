/** The inbox workers: bounded concurrency, one conversation at a time and in order, retries, resume. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { Inbox, type InboxHandler } from '../../src/inbox/inbox.js';
import type { InboxItem, NewInboxItem } from '../../src/storage/inbox-store.js';
import { MemoryInboxStore } from '../../src/storage/memory-inbox-store.js';

const quiet = { info: () => {}, warn: () => {} };
const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
let counter = 0;
const item = (conversation: string, externalId = `m${++counter}`): NewInboxItem => ({
  channel: 'test',
  externalId,
  conversation,
  payload: '{}',
  receivedAt: Date.now(),
});

function inbox(handle: InboxHandler, options: { concurrency?: number; retryDelaysMs?: number[]; store?: MemoryInboxStore } = {}) {
  const store = options.store ?? new MemoryInboxStore();
  const box = new Inbox({
    store,
    handlers: { test: handle },
    concurrency: options.concurrency ?? 4,
    retryDelaysMs: options.retryDelaysMs ?? [10, 20],
    log: quiet,
  });
  return { box, store };
}

describe('Inbox', () => {
  it('never runs more than `concurrency` items, nor two items of one conversation, and keeps order', async () => {
    let running = 0;
    let peak = 0;
    const activeConversations = new Set<string>();
    const order = new Map<string, string[]>();
    const { box } = inbox(
      async (it: InboxItem) => {
        expect(activeConversations.has(it.conversation)).toBe(false);
        activeConversations.add(it.conversation);
        peak = Math.max(peak, ++running);
        await wait(2 + (it.seq % 3));
        order.set(it.conversation, [...(order.get(it.conversation) ?? []), it.externalId]);
        running -= 1;
        activeConversations.delete(it.conversation);
      },
      { concurrency: 3 },
    );
    await box.start();
    const expected = new Map<string, string[]>();
    for (let round = 0; round < 5; round++) {
      const batch = Array.from({ length: 8 }, (_, c) => item(`c${c}`, `c${c}-${round}`));
      for (const b of batch) expected.set(b.conversation, [...(expected.get(b.conversation) ?? []), b.externalId]);
      await box.accept(batch);
    }
    await box.idle();
    expect(peak).toBe(3);
    expect(order).toEqual(expected);
    expect(box.stats()).toMatchObject({ done: 40, failed: 0, queued: 0, inFlight: 0 });
  });

  it('postpones a retryable failure and holds later items of that conversation until it succeeds', async () => {
    const seen: string[] = [];
    let failOnce = true;
    const { box, store } = inbox(async (it) => {
      seen.push(it.externalId);
      if (it.externalId === 'first' && failOnce) {
        failOnce = false;
        throw new AppError('upstream_failed', 'Zalo 502', { retryable: true, reason: 'zalo:http_502' });
      }
    });
    await box.start();
    await box.accept([item('c', 'first'), item('c', 'second'), item('other', 'third')]);
    await box.idle();
    expect(seen.filter((s) => s !== 'third')).toEqual(['first', 'first', 'second']);
    expect(await store.counts()).toEqual({ pending: 0, done: 3, failed: 0 });
    expect(box.stats()).toMatchObject({ postponed: 1, done: 3 });
  });

  it('records a permanent failure at once and one that keeps failing after the retries, and goes on', async () => {
    let attemptsOfFlaky = 0;
    const { box, store } = inbox(async (it) => {
      if (it.externalId === 'closed') throw new AppError('upstream_failed', 'window closed', { retryable: false, reason: 'zalo:-230' });
      if (it.externalId === 'flaky') {
        attemptsOfFlaky += 1;
        throw new Error('socket hang up');
      }
    });
    await box.start();
    await box.accept([item('a', 'closed'), item('a', 'after'), item('b', 'flaky')]);
    await box.idle();
    expect(attemptsOfFlaky).toBe(3); // first try + two postponed retries
    expect(await store.counts()).toEqual({ pending: 0, done: 1, failed: 2 });
  });

  it('resumes unfinished items of a previous run first, in arrival order, without running any twice', async () => {
    const store = new MemoryInboxStore();
    await store.add([item('a', 'old-1'), item('b', 'old-2'), item('a', 'old-3')]);
    const seen: string[] = [];
    const { box } = inbox(
      async (it) => {
        seen.push(it.externalId);
      },
      { store, concurrency: 1 },
    );
    await box.accept([item('a', 'new-1')]); // accepted before start: stored and queued, not run
    expect(seen).toEqual([]);
    await box.start();
    await box.idle();
    expect([...seen].sort()).toEqual(['new-1', 'old-1', 'old-2', 'old-3']);
    expect(seen.filter((s) => s !== 'old-2')).toEqual(['old-1', 'old-3', 'new-1']);
  });

  it('stop() waits for items in progress and leaves the rest stored for the next start', async () => {
    const { box, store } = inbox(
      async () => {
        await wait(30);
      },
      { concurrency: 1 },
    );
    await box.start();
    await box.accept([item('a'), item('b'), item('c')]);
    await wait(5);
    await box.stop();
    expect(await store.counts()).toEqual({ pending: 2, done: 1, failed: 0 });
  });
});
