/**
 * Conversation state written only while the turn still holds its conversation: a turn of an inbox item
 * whose lease was lost (another instance took the conversation over) must not save state over the newer
 * holder's. The eTag check of the storage catches the remaining race (both read, the newer one wrote).
 */
import type { Storage, StoreItems } from 'botbuilder';
import { currentLease } from '../inbox/lease.js';

export class FencedStateStorage implements Storage {
  constructor(private readonly inner: Storage) {}

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    currentLease.getStore()?.assertHeld();
    await this.inner.write(changes);
  }

  async delete(keys: string[]): Promise<void> {
    currentLease.getStore()?.assertHeld();
    await this.inner.delete(keys);
  }
}
