/** Conversation state is only written while the inbox turn still holds its conversation. */
import { MemoryStorage } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { FencedStateStorage } from '../../src/channels/fenced-state.js';
import { currentLease, HeldLease, LeaseLostError } from '../../src/inbox/lease.js';
import { MemoryConversationLock } from '../../src/storage/conversation-lock.js';
import { MemoryInboxStore } from '../../src/storage/memory-inbox-store.js';

describe('FencedStateStorage', () => {
  it('writes outside inbox turns and while the lease is held, and refuses once it is lost', async () => {
    const storage = new FencedStateStorage(new MemoryStorage());
    await storage.write({ k: { n: 1 } }); // web chat, Bot Framework: no inbox lease
    const lock = new MemoryConversationLock();
    const lease = (await lock.acquire('zalo:1', 5000))!;
    const held = new HeldLease(lock, new MemoryInboxStore(), lease, 'owner', 5000, Date.now);
    try {
      await currentLease.run(held, () => storage.write({ k: { n: 2, eTag: '*' } }));
      held.markLost('khóa hội thoại đã hết hạn');
      await expect(currentLease.run(held, () => storage.write({ k: { n: 3, eTag: '*' } }))).rejects.toBeInstanceOf(LeaseLostError);
      await expect(currentLease.run(held, () => storage.delete(['k']))).rejects.toBeInstanceOf(LeaseLostError);
      expect((await storage.read(['k'])).k.n).toBe(2);
    } finally {
      await held.release();
    }
  });

  it('counts the lease as lost when no heartbeat got through before it would have expired', async () => {
    let now = 1_000_000;
    const lock = new MemoryConversationLock(() => now);
    const lease = (await lock.acquire('zalo:1', 1000))!;
    const held = new HeldLease(lock, new MemoryInboxStore(), lease, 'owner', 1000, () => now);
    expect(held.isHeld()).toBe(true);
    now += 950;
    expect(held.isHeld()).toBe(false);
    expect(() => held.assertHeld()).toThrow(LeaseLostError);
    await held.release();
  });
});
