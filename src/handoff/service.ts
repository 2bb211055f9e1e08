/**
 * Handoff from the bot to commune staff, without any botbuilder or HTTP: staff registration (by an
 * administrator or a one-time join code), tickets, notifying staff, relaying messages both ways within the
 * platforms' messaging windows, closing, and saving a staff answer as a knowledge suggestion.
 *
 * Proactive messages go through a ProactiveNotifier that src/channels implements with the platform send
 * clients. Everything stored is redacted; the citizen's platform id lives only in the address book.
 */
import { randomUUID } from 'node:crypto';
import { communeLabel, type CommuneDirectory } from '../communes/commune-directory.js';
import type { TurnRecorder } from '../feedback/turn-types.js';
import type { CitizenAddressBook } from './address-book.js';
import { generateJoinCode, hashJoinCode } from './join-codes.js';
import { CITIZEN, PROVINCE_POOL_LABEL, STAFF, platformLabel } from './texts.js';
import type { Address, HandoffStore, RedeemOutcome, StaffMember, Ticket, TicketRouting } from './types.js';
import { deliveryModeFor } from './windows.js';

export interface ProactiveButton {
  title: string;
  payload: string;
}

export interface ProactiveMessage {
  text: string;
  buttons?: ProactiveButton[];
  /** Messenger: send as MESSAGE_TAG / HUMAN_AGENT (a person answering after the 24-hour window). */
  humanAgent?: boolean;
}

export type DeliveryResult = { ok: true } | { ok: false; reason: 'unsupported' | 'out_of_reach' | 'failed'; detail?: string };

/** Sends a message to someone outside of their own turn (implemented in src/channels). */
export interface ProactiveNotifier {
  supports(channel: string): boolean;
  send(to: Address, message: ProactiveMessage): Promise<DeliveryResult>;
}

export type TicketOp = 'claim' | 'close' | 'save';
export const ticketPayload = (op: TicketOp, id: number) => `ticket:${op}:${id}`;

export type OpenResult = { kind: 'opened'; ticket: Ticket; notified: number } | { kind: 'unsupported' | 'no_staff' };
export type ClaimResult = { kind: 'claimed'; ticket: Ticket; history: string[] } | { kind: 'taken' | 'closed' | 'missing' | 'not_allowed' };
export type ReplyResult = 'delivered' | 'delivered_human_agent' | 'window_closed' | 'channel_closed' | 'failed' | 'not_yours' | 'closed';
export type CitizenMessageResult = 'relayed' | 'queued' | 'failed' | 'closed';

export interface HandoffDeps {
  store: HandoffStore;
  notifier: ProactiveNotifier;
  addresses: CitizenAddressBook;
  communes: CommuneDirectory;
  recorder: TurnRecorder;
  redact: (text: string) => string;
  log: { warn(line: string): void };
  now?: () => Date;
  joinCodeTtlHours?: number;
}

const MAX_FAILED_JOINS = 5;
const JOIN_FAILURE_WINDOW_MS = 60 * 60 * 1000;
const HISTORY_SHOWN = 5;

export class HandoffService {
  private readonly failedJoins = new Map<string, number[]>();

  constructor(private readonly deps: HandoffDeps) {}

  get store(): HandoffStore {
    return this.deps.store;
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  supports(channel: string): boolean {
    return this.deps.notifier.supports(channel);
  }

  /** "xã Mường Phăng", or the province pool. */
  where(communeCode: string | null): string {
    const commune = this.deps.communes.byCode(communeCode);
    return commune ? communeLabel(commune) : PROVINCE_POOL_LABEL;
  }

  staffFor(channel: string, platformUserId: string): Promise<StaffMember | undefined> {
    return this.deps.store.staffByAddress(channel, platformUserId);
  }

  registerStaff(input: { channel: StaffMember['channel']; platformUserId: string; communeCode: string | null; name: string }): Promise<StaffMember> {
    return this.deps.store.upsertStaff({ ...input, name: input.name.normalize('NFC').trim(), via: 'admin' }, this.now());
  }

  async createJoinCode(input: { communeCode: string | null; name: string; ttlHours?: number }): Promise<{ code: string; expiresAt: Date }> {
    const code = generateJoinCode();
    const createdAt = this.now();
    const ttlHours = input.ttlHours ?? this.deps.joinCodeTtlHours ?? 72;
    const expiresAt = new Date(createdAt.getTime() + ttlHours * 3600_000);
    await this.deps.store.addJoinCode({
      id: randomUUID(), codeHash: hashJoinCode(code), communeCode: input.communeCode, name: input.name.normalize('NFC').trim(),
      createdAt, expiresAt, usedAt: null, usedByStaffId: null,
    });
    return { code, expiresAt };
  }

  /** Registers the sender as staff with a one-time code; repeated wrong codes are refused for an hour. */
  async redeemJoinCode(code: string, who: Address): Promise<RedeemOutcome | { kind: 'too_many' }> {
    const key = `${who.channel}:${who.userId}`;
    const now = this.now().getTime();
    const recent = (this.failedJoins.get(key) ?? []).filter((t) => now - t < JOIN_FAILURE_WINDOW_MS);
    if (recent.length >= MAX_FAILED_JOINS) return { kind: 'too_many' };
    const outcome = await this.deps.store.redeemJoinCode(hashJoinCode(code), { channel: who.channel, platformUserId: who.userId }, this.now());
    if (outcome.kind === 'registered') this.failedJoins.delete(key);
    else this.failedJoins.set(key, [...recent, now]);
    return outcome;
  }

  /** Opens a ticket for the citizen and notifies the staff who should answer it. */
  async openTicket(input: { sourceKey: string; citizen: Address; communeCode: string | null; question: string | null }): Promise<OpenResult> {
    if (!this.supports(input.citizen.channel)) return { kind: 'unsupported' };
    const { recipients, routing } = await this.recipientsFor(input.communeCode);
    if (!recipients.length) return { kind: 'no_staff' };
    const question = input.question ? this.deps.redact(input.question.normalize('NFC')).slice(0, 1000) : null;
    const ticket = await this.deps.store.createTicket({
      sourceKey: input.sourceKey, citizenChannel: input.citizen.channel, communeCode: input.communeCode, question, routing, at: this.now(),
    });
    await this.deps.addresses.save(ticket.id, input.citizen);
    let notified = 0;
    if (!ticket.notifiedAt) {
      const where = ticket.communeCode ? `ở ${this.where(ticket.communeCode)}` : 'chưa rõ xã/phường';
      const text = STAFF.newTicket(ticket.id, where, platformLabel(ticket.citizenChannel), ticket.question);
      for (const staff of recipients) {
        const result = await this.deps.notifier.send(addressOf(staff), { text, buttons: [{ title: STAFF.claimButton(ticket.id), payload: ticketPayload('claim', ticket.id) }] });
        if (result.ok) notified += 1;
        else this.deps.log.warn(`Hỗ trợ: không báo được phiếu #${ticket.id} cho một cán bộ (${staff.channel}: ${result.reason}).`);
      }
      await this.deps.store.markNotified(ticket.id, this.now());
    }
    return { kind: 'opened', ticket, notified };
  }

  private async recipientsFor(communeCode: string | null): Promise<{ recipients: StaffMember[]; routing: TicketRouting }> {
    const reachable = (list: StaffMember[]) => list.filter((s) => this.supports(s.channel));
    if (communeCode) {
      const local = reachable(await this.deps.store.staffOfCommune(communeCode));
      if (local.length) return { recipients: local, routing: 'commune' };
    }
    const pool = reachable(await this.deps.store.staffOfCommune(null));
    if (pool.length) return { recipients: pool, routing: 'province' };
    return { recipients: reachable(await this.deps.store.listStaff()), routing: 'all' };
  }

  /** A message the citizen sent while the ticket is open: kept, and passed on once someone claimed it. */
  async citizenMessage(ticketId: number, sourceKey: string, text: string, at: Date): Promise<CitizenMessageResult> {
    const ticket = await this.deps.store.getTicket(ticketId);
    if (!ticket || ticket.status === 'closed') return 'closed';
    await this.deps.store.touchCitizen(ticketId, at);
    const redacted = this.deps.redact(text.normalize('NFC')).slice(0, 2000);
    const { added, message } = await this.deps.store.addMessage({ ticketId, sourceKey, at, author: 'citizen', staffId: null, text: redacted, delivered: false });
    if (ticket.status === 'open' || !ticket.claimedBy) return 'queued';
    if (!added && message.delivered) return 'relayed';
    const staff = await this.deps.store.staffById(ticket.claimedBy);
    if (!staff) return 'queued';
    const result = await this.deps.notifier.send(addressOf(staff), {
      text: STAFF.citizenSays(ticketId, message.text),
      buttons: [{ title: STAFF.closeButton(ticketId), payload: ticketPayload('close', ticketId) }],
    });
    if (!result.ok) return 'failed';
    await this.deps.store.markDelivered(ticketId, sourceKey);
    return 'relayed';
  }

  mayHandle(staff: StaffMember, ticket: Ticket): boolean {
    return staff.communeCode === null || ticket.communeCode === null || ticket.routing === 'all' || staff.communeCode === ticket.communeCode;
  }

  async claim(staff: StaffMember, ticketId: number): Promise<ClaimResult> {
    const ticket = await this.deps.store.getTicket(ticketId);
    if (!ticket) return { kind: 'missing' };
    if (!this.mayHandle(staff, ticket)) return { kind: 'not_allowed' };
    const outcome = await this.deps.store.claimTicket(ticketId, staff.id, this.now());
    if (outcome !== 'claimed' && outcome !== 'already_yours') return { kind: outcome === 'missing' ? 'missing' : outcome };
    const messages = (await this.deps.store.listMessages(ticketId)).filter((m) => m.author === 'citizen');
    const history = [...(ticket.question ? [ticket.question] : []), ...messages.map((m) => m.text)].slice(-HISTORY_SHOWN);
    if (outcome === 'claimed') await this.toCitizen(ticket, CITIZEN.claimed(this.where(staff.communeCode)), true);
    return { kind: 'claimed', ticket: (await this.deps.store.getTicket(ticketId))!, history };
  }

  /** Relays a staff member's reply to the citizen, if the platform still allows it. */
  async reply(staff: StaffMember, ticketId: number, sourceKey: string, text: string): Promise<ReplyResult> {
    const ticket = await this.deps.store.getTicket(ticketId);
    if (!ticket || ticket.status === 'closed') return 'closed';
    if (ticket.claimedBy !== staff.id) return 'not_yours';
    const redacted = this.deps.redact(text.normalize('NFC')).slice(0, 1900);
    const { added, message } = await this.deps.store.addMessage({ ticketId, sourceKey, at: this.now(), author: 'staff', staffId: staff.id, text: redacted, delivered: false });
    const mode = deliveryModeFor(ticket.citizenChannel, ticket.citizenLastMessageAt, this.now());
    if (mode.kind === 'closed') return mode.reason === 'window' ? 'window_closed' : 'channel_closed';
    if (!added && message.delivered) return mode.kind === 'human_agent' ? 'delivered_human_agent' : 'delivered';
    const result = await this.toCitizen(ticket, CITIZEN.staffReply(this.where(staff.communeCode), message.text), true);
    if (result.ok) {
      await this.deps.store.markDelivered(ticketId, sourceKey);
      return mode.kind === 'human_agent' ? 'delivered_human_agent' : 'delivered';
    }
    return result.reason === 'out_of_reach' ? 'window_closed' : 'failed';
  }

  /** Closes the ticket and tells the other side; false when it was already closed. */
  async close(ticketId: number, by: 'staff' | 'citizen'): Promise<boolean> {
    const ticket = await this.deps.store.getTicket(ticketId);
    if (!ticket || !(await this.deps.store.closeTicket(ticketId, by, this.now()))) return false;
    if (by === 'staff') await this.toCitizen(ticket, CITIZEN.closedByStaff, false);
    else if (ticket.claimedBy) {
      const staff = await this.deps.store.staffById(ticket.claimedBy);
      if (staff) await this.deps.notifier.send(addressOf(staff), { text: STAFF.citizenClosed(ticketId) });
    }
    return true;
  }

  /** Puts the citizen's question into the triage queue with this staff member's answers as a suggestion. */
  async saveSuggestion(staff: StaffMember, ticketId: number): Promise<'saved' | 'nothing'> {
    const ticket = await this.deps.store.getTicket(ticketId);
    if (!ticket) return 'nothing';
    const messages = await this.deps.store.listMessages(ticketId);
    const answers = messages.filter((m) => m.author === 'staff' && m.staffId === staff.id).map((m) => m.text);
    if (!answers.length) return 'nothing';
    const question = ticket.question ?? messages.find((m) => m.author === 'citizen')?.text ?? `Phiếu hỗ trợ #${ticketId}`;
    const at = this.now();
    const turnId = await this.deps.recorder.record({
      channel: staff.channel, platformUserId: staff.platformUserId, communeCode: ticket.communeCode, text: question,
      status: 'uncovered', topic: null, indicator: null, confidence: 0, candidates: [], forwarded: true, at,
    });
    await this.deps.store.addSuggestion({
      id: randomUUID(), at, ticketId, communeCode: ticket.communeCode, question, answer: answers.join('\n\n').slice(0, 4000),
      staffId: staff.id, staffName: staff.name, turnId,
    });
    return 'saved';
  }

  /** Open (unclaimed) tickets this staff member may take, newest first. */
  async openTicketsFor(staff: StaffMember, limit = 5): Promise<Ticket[]> {
    const open = await this.deps.store.listTickets({ status: 'open', limit: 200 });
    return open.filter((t) => this.mayHandle(staff, t)).slice(0, limit);
  }

  /** Sends to the ticket's citizen when the window allows; failures are logged, not thrown. */
  private async toCitizen(ticket: Ticket, text: string, withCloseButton: boolean): Promise<DeliveryResult> {
    const mode = deliveryModeFor(ticket.citizenChannel, ticket.citizenLastMessageAt, this.now());
    if (mode.kind === 'closed') return { ok: false, reason: 'out_of_reach' };
    const address = await this.deps.addresses.load(ticket.id);
    if (!address) return { ok: false, reason: 'out_of_reach', detail: 'no address' };
    const buttons = withCloseButton ? [{ title: CITIZEN.closeButton, payload: ticketPayload('close', ticket.id) }] : [];
    const result = await this.deps.notifier.send(address, { text, buttons, humanAgent: mode.kind === 'human_agent' });
    if (!result.ok) this.deps.log.warn(`Hỗ trợ: không gửi được tin cho người dân của phiếu #${ticket.id} (${result.reason}).`);
    return result;
  }
}

function addressOf(staff: StaffMember): Address {
  return { channel: staff.channel, userId: staff.platformUserId };
}
