/**
 * The handoff store on the embedded SQLite database (DATA_DIR/handoff.sqlite by default). Claims, code
 * redemption and ticket creation are single statements or transactions, so two processes sharing the file
 * cannot both claim one ticket or both use one code.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openSqliteDatabase, type SqliteDatabase } from '../storage/sqlite-database.js';
import { toJoinCode, toMessage, toStaff, toSuggestion, toTicket, type Row } from './store-rows.js';
import type {
  ClaimOutcome,
  HandoffStore,
  JoinCode,
  KnowledgeSuggestion,
  NewStaffMember,
  NewTicket,
  RedeemOutcome,
  StaffMember,
  Ticket,
  TicketMessage,
  TicketStatus,
} from './types.js';

export const HANDOFF_DB_FILE = 'handoff.sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS staff (
  id TEXT PRIMARY KEY, channel TEXT NOT NULL, platform_user_id TEXT NOT NULL, commune_code TEXT,
  name TEXT NOT NULL, via TEXT NOT NULL, created_at INTEGER NOT NULL, UNIQUE (channel, platform_user_id));
CREATE TABLE IF NOT EXISTS join_codes (
  id TEXT PRIMARY KEY, code_hash TEXT NOT NULL UNIQUE, commune_code TEXT, name TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER, used_by_staff_id TEXT);
CREATE TABLE IF NOT EXISTS tickets (
  id INTEGER PRIMARY KEY AUTOINCREMENT, source_key TEXT NOT NULL UNIQUE, citizen_channel TEXT NOT NULL,
  commune_code TEXT, question TEXT, status TEXT NOT NULL, routing TEXT NOT NULL, created_at INTEGER NOT NULL,
  citizen_last_message_at INTEGER NOT NULL, notified_at INTEGER, claimed_by TEXT, claimed_at INTEGER,
  closed_at INTEGER, closed_by TEXT);
CREATE INDEX IF NOT EXISTS tickets_status ON tickets (status, commune_code);
CREATE TABLE IF NOT EXISTS ticket_messages (
  ticket_id INTEGER NOT NULL, source_key TEXT NOT NULL, at INTEGER NOT NULL, author TEXT NOT NULL,
  staff_id TEXT, text TEXT NOT NULL, delivered INTEGER NOT NULL, PRIMARY KEY (ticket_id, source_key));
CREATE TABLE IF NOT EXISTS knowledge_suggestions (
  id TEXT PRIMARY KEY, at INTEGER NOT NULL, ticket_id INTEGER NOT NULL, commune_code TEXT, question TEXT NOT NULL,
  answer TEXT NOT NULL, staff_id TEXT NOT NULL, staff_name TEXT NOT NULL, turn_id TEXT);
`;

export class SqliteHandoffStore implements HandoffStore {
  private readonly db: SqliteDatabase;

  constructor(file: string) {
    this.db = openSqliteDatabase(file);
    this.db.exec(SCHEMA);
  }

  /** The store in DATA_DIR (or a private in-memory database for ':memory:'). */
  static inDataDir(dataDir: string): SqliteHandoffStore {
    return new SqliteHandoffStore(dataDir === ':memory:' ? ':memory:' : join(dataDir, HANDOFF_DB_FILE));
  }

  private upsertStaffNow(staff: NewStaffMember, at: Date): StaffMember {
    this.db
      .prepare(
        `INSERT INTO staff (id, channel, platform_user_id, commune_code, name, via, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (channel, platform_user_id) DO UPDATE SET commune_code = excluded.commune_code, name = excluded.name, via = excluded.via`,
      )
      .run(randomUUID(), staff.channel, staff.platformUserId, staff.communeCode, staff.name, staff.via, at.getTime());
    return toStaff(this.db.prepare(`SELECT * FROM staff WHERE channel = ? AND platform_user_id = ?`).get(staff.channel, staff.platformUserId) as Row);
  }

  async upsertStaff(staff: NewStaffMember, at: Date): Promise<StaffMember> {
    return this.upsertStaffNow(staff, at);
  }

  async removeStaff(id: string): Promise<boolean> {
    return this.db.prepare(`DELETE FROM staff WHERE id = ?`).run(id).changes > 0;
  }

  async listStaff(): Promise<StaffMember[]> {
    return (this.db.prepare(`SELECT * FROM staff ORDER BY commune_code, name`).all() as Row[]).map(toStaff);
  }

  async staffById(id: string): Promise<StaffMember | undefined> {
    const r = this.db.prepare(`SELECT * FROM staff WHERE id = ?`).get(id) as Row | undefined;
    return r ? toStaff(r) : undefined;
  }

  async staffByAddress(channel: string, platformUserId: string): Promise<StaffMember | undefined> {
    const r = this.db.prepare(`SELECT * FROM staff WHERE channel = ? AND platform_user_id = ?`).get(channel, platformUserId) as Row | undefined;
    return r ? toStaff(r) : undefined;
  }

  async staffOfCommune(communeCode: string | null): Promise<StaffMember[]> {
    const rows = communeCode === null
      ? this.db.prepare(`SELECT * FROM staff WHERE commune_code IS NULL ORDER BY created_at`).all()
      : this.db.prepare(`SELECT * FROM staff WHERE commune_code = ? ORDER BY created_at`).all(communeCode);
    return (rows as Row[]).map(toStaff);
  }

  async addJoinCode(c: JoinCode): Promise<void> {
    this.db
      .prepare(`INSERT INTO join_codes (id, code_hash, commune_code, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(c.id, c.codeHash, c.communeCode, c.name, c.createdAt.getTime(), c.expiresAt.getTime());
  }

  async listJoinCodes(limit: number): Promise<JoinCode[]> {
    return (this.db.prepare(`SELECT * FROM join_codes ORDER BY created_at DESC LIMIT ?`).all(limit) as Row[]).map(toJoinCode);
  }

  async redeemJoinCode(codeHash: string, who: { channel: StaffMember['channel']; platformUserId: string }, at: Date): Promise<RedeemOutcome> {
    const redeem = this.db.transaction((): RedeemOutcome => {
      const row = this.db.prepare(`SELECT * FROM join_codes WHERE code_hash = ?`).get(codeHash) as Row | undefined;
      if (!row) return { kind: 'unknown' };
      const code = toJoinCode(row);
      if (code.usedAt) return { kind: 'used' };
      if (code.expiresAt.getTime() <= at.getTime()) return { kind: 'expired' };
      const staff = this.upsertStaffNow({ channel: who.channel, platformUserId: who.platformUserId, communeCode: code.communeCode, name: code.name, via: 'join_code' }, at);
      this.db.prepare(`UPDATE join_codes SET used_at = ?, used_by_staff_id = ? WHERE id = ?`).run(at.getTime(), staff.id, code.id);
      return { kind: 'registered', staff };
    });
    return redeem.immediate();
  }

  async createTicket(t: NewTicket): Promise<Ticket> {
    this.db
      .prepare(
        `INSERT INTO tickets (source_key, citizen_channel, commune_code, question, status, routing, created_at, citizen_last_message_at)
         VALUES (?, ?, ?, ?, 'open', ?, ?, ?) ON CONFLICT (source_key) DO NOTHING`,
      )
      .run(t.sourceKey, t.citizenChannel, t.communeCode, t.question, t.routing, t.at.getTime(), t.at.getTime());
    return toTicket(this.db.prepare(`SELECT * FROM tickets WHERE source_key = ?`).get(t.sourceKey) as Row);
  }

  async getTicket(id: number): Promise<Ticket | undefined> {
    const r = this.db.prepare(`SELECT * FROM tickets WHERE id = ?`).get(id) as Row | undefined;
    return r ? toTicket(r) : undefined;
  }

  async listTickets(filter: { status?: TicketStatus; communeCode?: string | null; limit: number }): Promise<Ticket[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.communeCode !== undefined) {
      where.push(filter.communeCode === null ? 'commune_code IS NULL' : 'commune_code = ?');
      if (filter.communeCode !== null) args.push(filter.communeCode);
    }
    const sql = `SELECT * FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit) as Row[]).map(toTicket);
  }

  async markNotified(id: number, at: Date): Promise<void> {
    this.db.prepare(`UPDATE tickets SET notified_at = ? WHERE id = ?`).run(at.getTime(), id);
  }

  async touchCitizen(id: number, at: Date): Promise<void> {
    this.db.prepare(`UPDATE tickets SET citizen_last_message_at = MAX(citizen_last_message_at, ?) WHERE id = ?`).run(at.getTime(), id);
  }

  async claimTicket(id: number, staffId: string, at: Date): Promise<ClaimOutcome> {
    const claimed = this.db
      .prepare(`UPDATE tickets SET status = 'claimed', claimed_by = ?, claimed_at = ? WHERE id = ? AND status = 'open'`)
      .run(staffId, at.getTime(), id).changes;
    if (claimed) return 'claimed';
    const t = await this.getTicket(id);
    if (!t) return 'missing';
    if (t.status === 'closed') return 'closed';
    return t.claimedBy === staffId ? 'already_yours' : 'taken';
  }

  async closeTicket(id: number, by: 'staff' | 'citizen', at: Date): Promise<boolean> {
    return (
      this.db.prepare(`UPDATE tickets SET status = 'closed', closed_at = ?, closed_by = ? WHERE id = ? AND status <> 'closed'`).run(at.getTime(), by, id)
        .changes > 0
    );
  }

  async addMessage(m: TicketMessage): Promise<{ added: boolean; message: TicketMessage }> {
    const added =
      this.db
        .prepare(
          `INSERT INTO ticket_messages (ticket_id, source_key, at, author, staff_id, text, delivered) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (ticket_id, source_key) DO NOTHING`,
        )
        .run(m.ticketId, m.sourceKey, m.at.getTime(), m.author, m.staffId, m.text, m.delivered ? 1 : 0).changes > 0;
    const row = this.db.prepare(`SELECT * FROM ticket_messages WHERE ticket_id = ? AND source_key = ?`).get(m.ticketId, m.sourceKey) as Row;
    return { added, message: toMessage(row) };
  }

  async markDelivered(ticketId: number, sourceKey: string): Promise<void> {
    this.db.prepare(`UPDATE ticket_messages SET delivered = 1 WHERE ticket_id = ? AND source_key = ?`).run(ticketId, sourceKey);
  }

  async listMessages(ticketId: number): Promise<TicketMessage[]> {
    return (this.db.prepare(`SELECT * FROM ticket_messages WHERE ticket_id = ? ORDER BY at, rowid`).all(ticketId) as Row[]).map(toMessage);
  }

  async addSuggestion(s: KnowledgeSuggestion): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO knowledge_suggestions (id, at, ticket_id, commune_code, question, answer, staff_id, staff_name, turn_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.id, s.at.getTime(), s.ticketId, s.communeCode, s.question, s.answer, s.staffId, s.staffName, s.turnId);
  }

  async listSuggestions(limit: number): Promise<KnowledgeSuggestion[]> {
    return (this.db.prepare(`SELECT * FROM knowledge_suggestions ORDER BY at DESC LIMIT ?`).all(limit) as Row[]).map(toSuggestion);
  }

  close(): void {
    this.db.close();
  }
}
