/**
 * Where to reach the citizen of a ticket. The platform user id is kept in the bot state storage (the same
 * store that already holds it in its `{channel}/users/{id}/` keys), never in the handoff database, and it
 * is forgotten with the rest of the bot state of idle conversations.
 */
import type { Address } from './types.js';

/** The part of botbuilder's Storage this needs (structurally the same interface). */
export interface KeyValueStorage {
  read(keys: string[]): Promise<Record<string, unknown>>;
  write(changes: Record<string, unknown>): Promise<void>;
}

export interface CitizenAddressBook {
  save(ticketId: number, address: Address): Promise<void>;
  load(ticketId: number): Promise<Address | undefined>;
}

const keyOf = (ticketId: number) => `handoff/tickets/${ticketId}/citizen`;

export class BotStateAddressBook implements CitizenAddressBook {
  constructor(private readonly storage: KeyValueStorage) {}

  async save(ticketId: number, address: Address): Promise<void> {
    await this.storage.write({ [keyOf(ticketId)]: { channel: address.channel, userId: address.userId, eTag: '*' } });
  }

  async load(ticketId: number): Promise<Address | undefined> {
    const item = (await this.storage.read([keyOf(ticketId)]))[keyOf(ticketId)] as Partial<Address> | undefined;
    return item?.channel && item.userId ? { channel: item.channel, userId: item.userId } : undefined;
  }
}
