/**
 * Commune staff, their one-time join codes, handoff tickets and the knowledge suggestions staff leave
 * behind. Every text stored here is redacted; a citizen's platform id is never stored here (it stays in
 * the bot state storage, see address-book.ts).
 */
import type { ChannelName } from '../feedback/turn-types.js';

export interface Address {
  channel: ChannelName;
  userId: string;
}

export interface StaffMember {
  id: string;
  channel: ChannelName;
  platformUserId: string;
  /** Null: the province pool, who get the tickets of communes without staff. */
  communeCode: string | null;
  name: string;
  via: 'admin' | 'join_code';
  createdAt: Date;
}

export type NewStaffMember = Omit<StaffMember, 'id' | 'createdAt'>;

export interface JoinCode {
  id: string;
  /** SHA-256 of the normalised code; the code itself is shown once to the administrator. */
  codeHash: string;
  communeCode: string | null;
  name: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  usedByStaffId: string | null;
}

export type TicketStatus = 'open' | 'claimed' | 'closed';
/** Who was notified: the commune's staff, the province pool, or every staff member. */
export type TicketRouting = 'commune' | 'province' | 'all';

export interface Ticket {
  id: number;
  /** The citizen turn that opened it (channel + activity id): a retried turn finds the same ticket. */
  sourceKey: string;
  citizenChannel: ChannelName;
  communeCode: string | null;
  /** The citizen's question, redacted. */
  question: string | null;
  status: TicketStatus;
  routing: TicketRouting;
  createdAt: Date;
  citizenLastMessageAt: Date;
  notifiedAt: Date | null;
  claimedBy: string | null;
  claimedAt: Date | null;
  closedAt: Date | null;
  closedBy: 'staff' | 'citizen' | null;
}

export interface NewTicket {
  sourceKey: string;
  citizenChannel: ChannelName;
  communeCode: string | null;
  question: string | null;
  routing: TicketRouting;
  at: Date;
}

export interface TicketMessage {
  ticketId: number;
  /** The activity that carried it; a retried turn does not relay it twice. */
  sourceKey: string;
  at: Date;
  author: 'citizen' | 'staff';
  staffId: string | null;
  /** Redacted. */
  text: string;
  delivered: boolean;
}

export interface KnowledgeSuggestion {
  id: string;
  at: Date;
  ticketId: number;
  communeCode: string | null;
  question: string;
  answer: string;
  staffId: string;
  staffName: string;
  /** The turn put into the triage queue for it. */
  turnId: string | null;
}

export type ClaimOutcome = 'claimed' | 'already_yours' | 'taken' | 'closed' | 'missing';
export type RedeemOutcome = { kind: 'registered'; staff: StaffMember } | { kind: 'expired' | 'used' | 'unknown' };

export interface HandoffStore {
  /** Adds the staff member, or updates commune and name when the same channel user is registered again. */
  upsertStaff(staff: NewStaffMember, at: Date): Promise<StaffMember>;
  removeStaff(id: string): Promise<boolean>;
  listStaff(): Promise<StaffMember[]>;
  staffById(id: string): Promise<StaffMember | undefined>;
  staffByAddress(channel: string, platformUserId: string): Promise<StaffMember | undefined>;
  /** Staff of one commune; `null` gives the province pool. */
  staffOfCommune(communeCode: string | null): Promise<StaffMember[]>;

  addJoinCode(code: JoinCode): Promise<void>;
  listJoinCodes(limit: number): Promise<JoinCode[]>;
  /** Uses the code and registers the staff member in one transaction. */
  redeemJoinCode(codeHash: string, who: { channel: StaffMember['channel']; platformUserId: string }, at: Date): Promise<RedeemOutcome>;

  /** Creates the ticket, or returns the one already created for the same source key. */
  createTicket(ticket: NewTicket): Promise<Ticket>;
  getTicket(id: number): Promise<Ticket | undefined>;
  listTickets(filter: { status?: TicketStatus; communeCode?: string | null; limit: number }): Promise<Ticket[]>;
  markNotified(id: number, at: Date): Promise<void>;
  touchCitizen(id: number, at: Date): Promise<void>;
  claimTicket(id: number, staffId: string, at: Date): Promise<ClaimOutcome>;
  /** False when it was already closed (or does not exist). */
  closeTicket(id: number, by: 'staff' | 'citizen', at: Date): Promise<boolean>;

  /** Stores a message unless one with the same source key exists for the ticket; returns the stored one. */
  addMessage(message: TicketMessage): Promise<{ added: boolean; message: TicketMessage }>;
  markDelivered(ticketId: number, sourceKey: string): Promise<void>;
  listMessages(ticketId: number): Promise<TicketMessage[]>;

  addSuggestion(suggestion: KnowledgeSuggestion): Promise<void>;
  listSuggestions(limit: number): Promise<KnowledgeSuggestion[]>;
  close(): void | Promise<void>;
}
