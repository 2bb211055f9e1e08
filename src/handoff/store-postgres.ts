/**
 * The handoff store on PostgreSQL (used when DATABASE_URL is set), so every instance of a multi-instance
 * deployment sees the same staff, codes and tickets. Claims and code redemption are single statements or
 * row-locked transactions; the schema is created under an advisory lock so instances may start together.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { migrateInSchema, openPostgresPool, withTransaction } from '../storage/postgres-database.js';
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

const TABLES = `
CREATE TABLE IF NOT EXISTS staff (
  id TEXT PRIMARY KEY, channel TEXT NOT NULL, platform_user_id TEXT NOT NULL, commune_code TEXT,
  name TEXT NOT NULL, via TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, UNIQUE (channel, platform_user_id));
CREATE TABLE IF NOT EXISTS join_codes (
  id TEXT PRIMARY KEY, code_hash TEXT NOT NULL UNIQUE, commune_code TEXT, name TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL, used_at TIMESTAMPTZ, used_by_staff_id TEXT);
CREATE TABLE IF NOT EXISTS tickets (
  id BIGSERIAL PRIMARY KEY, source_key TEXT NOT NULL UNIQUE, citizen_channel TEXT NOT NULL, commune_code TEXT,
  question TEXT, status TEXT NOT NULL, routing TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL,
  citizen_last_message_at TIMESTAMPTZ NOT NULL, notified_at TIMESTAMPTZ, claimed_by TEXT, claimed_at TIMESTAMPTZ,
  closed_at TIMESTAMPTZ, closed_by TEXT);
CREATE INDEX IF NOT EXISTS tickets_status ON tickets (status, commune_code);
CREATE TABLE IF NOT EXISTS ticket_messages (
  ticket_id BIGINT NOT NULL, source_key TEXT NOT NULL, at TIMESTAMPTZ NOT NULL, author TEXT NOT NULL, staff_id TEXT,
  text TEXT NOT NULL, delivered BOOLEAN NOT NULL, seq BIGSERIAL, PRIMARY KEY (ticket_id, source_key));
CREATE TABLE IF NOT EXISTS knowledge_suggestions (
  id TEXT PRIMARY KEY, at TIMESTAMPTZ NOT NULL, ticket_id BIGINT NOT NULL, commune_code TEXT, question TEXT NOT NULL,
  answer TEXT NOT NULL, staff_id TEXT NOT NULL, staff_name TEXT NOT NULL, turn_id TEXT);
`;

export interface PostgresHandoffOptions {
  url: string;
  schema: string;
  poolSize?: number;
  onError?: (line: string) => void;
}

export class PostgresHandoffStore implements HandoffStore {
  private readonly pool: pg.Pool;

  constructor(private readonly options: PostgresHandoffOptions) {
    this.pool = openPostgresPool({ ...options, poolSize: options.poolSize ?? 3, schemaVariable: 'HANDOFF_DATABASE_SCHEMA' });
  }

  /** Creates the schema and tables if needed. */
  async migrate(): Promise<void> {
    await migrateInSchema(this.pool, this.options.schema, 'handoff-schema', async (c) => {
      await c.query(TABLES);
    });
  }

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }

  private async rows(sql: string, args: unknown[] = [], client: pg.Pool | pg.PoolClient = this.pool): Promise<Row[]> {
    return (await client.query(sql, args)).rows as Row[];
  }

  private async upsertStaffWith(client: pg.Pool | pg.PoolClient, staff: NewStaffMember, at: Date): Promise<StaffMember> {
    const [row] = await this.rows(
      `INSERT INTO staff (id, channel, platform_user_id, commune_code, name, via, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (channel, platform_user_id) DO UPDATE SET commune_code = EXCLUDED.commune_code, name = EXCLUDED.name, via = EXCLUDED.via
       RETURNING *`,
      [randomUUID(), staff.channel, staff.platformUserId, staff.communeCode, staff.name, staff.via, at],
      client,
    );
    return toStaff(row!);
  }

  upsertStaff(staff: NewStaffMember, at: Date): Promise<StaffMember> {
    return this.upsertStaffWith(this.pool, staff, at);
  }

  async removeStaff(id: string): Promise<boolean> {
    return ((await this.pool.query(`DELETE FROM staff WHERE id = $1`, [id])).rowCount ?? 0) > 0;
  }

  async listStaff(): Promise<StaffMember[]> {
    return (await this.rows(`SELECT * FROM staff ORDER BY commune_code NULLS FIRST, name`)).map(toStaff);
  }

  async staffById(id: string): Promise<StaffMember | undefined> {
    const [r] = await this.rows(`SELECT * FROM staff WHERE id = $1`, [id]);
    return r ? toStaff(r) : undefined;
  }

  async staffByAddress(channel: string, platformUserId: string): Promise<StaffMember | undefined> {
    const [r] = await this.rows(`SELECT * FROM staff WHERE channel = $1 AND platform_user_id = $2`, [channel, platformUserId]);
    return r ? toStaff(r) : undefined;
  }

  async staffOfCommune(communeCode: string | null): Promise<StaffMember[]> {
    const rows = communeCode === null
      ? await this.rows(`SELECT * FROM staff WHERE commune_code IS NULL ORDER BY created_at`)
      : await this.rows(`SELECT * FROM staff WHERE commune_code = $1 ORDER BY created_at`, [communeCode]);
    return rows.map(toStaff);
  }

  async addJoinCode(c: JoinCode): Promise<void> {
    await this.pool.query(
      `INSERT INTO join_codes (id, code_hash, commune_code, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [c.id, c.codeHash, c.communeCode, c.name, c.createdAt, c.expiresAt],
    );
  }

  async listJoinCodes(limit: number): Promise<JoinCode[]> {
    return (await this.rows(`SELECT * FROM join_codes ORDER BY created_at DESC LIMIT $1`, [limit])).map(toJoinCode);
  }

  redeemJoinCode(codeHash: string, who: { channel: StaffMember['channel']; platformUserId: string }, at: Date): Promise<RedeemOutcome> {
    return this.transaction(async (c) => {
      const [row] = await this.rows(`SELECT * FROM join_codes WHERE code_hash = $1 FOR UPDATE`, [codeHash], c);
      if (!row) return { kind: 'unknown' };
      const code = toJoinCode(row);
      if (code.usedAt) return { kind: 'used' };
      if (code.expiresAt.getTime() <= at.getTime()) return { kind: 'expired' };
      const staff = await this.upsertStaffWith(c, { channel: who.channel, platformUserId: who.platformUserId, communeCode: code.communeCode, name: code.name, via: 'join_code' }, at);
      await c.query(`UPDATE join_codes SET used_at = $1, used_by_staff_id = $2 WHERE id = $3`, [at, staff.id, code.id]);
      return { kind: 'registered', staff };
    });
  }

  async createTicket(t: NewTicket): Promise<Ticket> {
    await this.pool.query(
      `INSERT INTO tickets (source_key, citizen_channel, commune_code, question, status, routing, created_at, citizen_last_message_at)
       VALUES ($1, $2, $3, $4, 'open', $5, $6, $6) ON CONFLICT (source_key) DO NOTHING`,
      [t.sourceKey, t.citizenChannel, t.communeCode, t.question, t.routing, t.at],
    );
    const [row] = await this.rows(`SELECT * FROM tickets WHERE source_key = $1`, [t.sourceKey]);
    return toTicket(row!);
  }

  async getTicket(id: number): Promise<Ticket | undefined> {
    const [r] = await this.rows(`SELECT * FROM tickets WHERE id = $1`, [id]);
    return r ? toTicket(r) : undefined;
  }

  async listTickets(filter: { status?: TicketStatus; communeCode?: string | null; limit: number }): Promise<Ticket[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status) where.push(`status = $${args.push(filter.status)}`);
    if (filter.communeCode === null) where.push('commune_code IS NULL');
    else if (filter.communeCode !== undefined) where.push(`commune_code = $${args.push(filter.communeCode)}`);
    const sql = `SELECT * FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${args.push(filter.limit)}`;
    return (await this.rows(sql, args)).map(toTicket);
  }

  async markNotified(id: number, at: Date): Promise<void> {
    await this.pool.query(`UPDATE tickets SET notified_at = $1 WHERE id = $2`, [at, id]);
  }

  async touchCitizen(id: number, at: Date): Promise<void> {
    await this.pool.query(`UPDATE tickets SET citizen_last_message_at = GREATEST(citizen_last_message_at, $1) WHERE id = $2`, [at, id]);
  }

  async claimTicket(id: number, staffId: string, at: Date): Promise<ClaimOutcome> {
    const claimed = await this.pool.query(`UPDATE tickets SET status = 'claimed', claimed_by = $1, claimed_at = $2 WHERE id = $3 AND status = 'open'`, [staffId, at, id]);
    if ((claimed.rowCount ?? 0) > 0) return 'claimed';
    const t = await this.getTicket(id);
    if (!t) return 'missing';
    if (t.status === 'closed') return 'closed';
    return t.claimedBy === staffId ? 'already_yours' : 'taken';
  }

  async closeTicket(id: number, by: 'staff' | 'citizen', at: Date): Promise<boolean> {
    const r = await this.pool.query(`UPDATE tickets SET status = 'closed', closed_at = $1, closed_by = $2 WHERE id = $3 AND status <> 'closed'`, [at, by, id]);
    return (r.rowCount ?? 0) > 0;
  }

  async addMessage(m: TicketMessage): Promise<{ added: boolean; message: TicketMessage }> {
    const r = await this.pool.query(
      `INSERT INTO ticket_messages (ticket_id, source_key, at, author, staff_id, text, delivered) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (ticket_id, source_key) DO NOTHING`,
      [m.ticketId, m.sourceKey, m.at, m.author, m.staffId, m.text, m.delivered],
    );
    const [row] = await this.rows(`SELECT * FROM ticket_messages WHERE ticket_id = $1 AND source_key = $2`, [m.ticketId, m.sourceKey]);
    return { added: (r.rowCount ?? 0) > 0, message: toMessage(row!) };
  }

  async markDelivered(ticketId: number, sourceKey: string): Promise<void> {
    await this.pool.query(`UPDATE ticket_messages SET delivered = TRUE WHERE ticket_id = $1 AND source_key = $2`, [ticketId, sourceKey]);
  }

  async listMessages(ticketId: number): Promise<TicketMessage[]> {
    return (await this.rows(`SELECT * FROM ticket_messages WHERE ticket_id = $1 ORDER BY at, seq`, [ticketId])).map(toMessage);
  }

  async addSuggestion(s: KnowledgeSuggestion): Promise<void> {
    await this.pool.query(
      `INSERT INTO knowledge_suggestions (id, at, ticket_id, commune_code, question, answer, staff_id, staff_name, turn_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [s.id, s.at, s.ticketId, s.communeCode, s.question, s.answer, s.staffId, s.staffName, s.turnId],
    );
  }

  async listSuggestions(limit: number): Promise<KnowledgeSuggestion[]> {
    return (await this.rows(`SELECT * FROM knowledge_suggestions ORDER BY at DESC LIMIT $1`, [limit])).map(toSuggestion);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
