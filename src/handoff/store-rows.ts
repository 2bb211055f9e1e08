/**
 * Row ↔ object mapping shared by the SQLite and PostgreSQL handoff stores (same column names; times come
 * back as milliseconds from SQLite and as Date from PostgreSQL, ids as numbers or strings).
 */
import type { JoinCode, KnowledgeSuggestion, StaffMember, Ticket, TicketMessage, TicketStatus } from './types.js';

export type Row = Record<string, unknown>;

export const date = (v: unknown): Date => (v instanceof Date ? v : new Date(typeof v === 'string' && !/^\d+$/.test(v) ? v : Number(v)));
export const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const bool = (v: unknown) => v === true || v === 1 || v === '1' || v === 't';

export function toStaff(r: Row): StaffMember {
  return {
    id: String(r.id), channel: r.channel as StaffMember['channel'], platformUserId: String(r.platform_user_id),
    communeCode: str(r.commune_code), name: String(r.name), via: r.via as StaffMember['via'], createdAt: date(r.created_at),
  };
}

export function toTicket(r: Row): Ticket {
  return {
    id: Number(r.id), sourceKey: String(r.source_key), citizenChannel: r.citizen_channel as Ticket['citizenChannel'],
    communeCode: str(r.commune_code), question: str(r.question), status: r.status as TicketStatus, routing: r.routing as Ticket['routing'],
    createdAt: date(r.created_at), citizenLastMessageAt: date(r.citizen_last_message_at), notifiedAt: dateOrNull(r.notified_at),
    claimedBy: str(r.claimed_by), claimedAt: dateOrNull(r.claimed_at), closedAt: dateOrNull(r.closed_at),
    closedBy: str(r.closed_by) as Ticket['closedBy'],
  };
}

export function toMessage(r: Row): TicketMessage {
  return {
    ticketId: Number(r.ticket_id), sourceKey: String(r.source_key), at: date(r.at), author: r.author as TicketMessage['author'],
    staffId: str(r.staff_id), text: String(r.text), delivered: bool(r.delivered),
  };
}

export function toJoinCode(r: Row): JoinCode {
  return {
    id: String(r.id), codeHash: String(r.code_hash), communeCode: str(r.commune_code), name: String(r.name),
    createdAt: date(r.created_at), expiresAt: date(r.expires_at), usedAt: dateOrNull(r.used_at), usedByStaffId: str(r.used_by_staff_id),
  };
}

export function toSuggestion(r: Row): KnowledgeSuggestion {
  return {
    id: String(r.id), at: date(r.at), ticketId: Number(r.ticket_id), communeCode: str(r.commune_code), question: String(r.question),
    answer: String(r.answer), staffId: String(r.staff_id), staffName: String(r.staff_name), turnId: str(r.turn_id),
  };
}
