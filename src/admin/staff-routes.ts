/**
 * Commune staff in the admin area: `/api/admin/staff` (register, list, remove), one-time join codes, the
 * handoff tickets and the knowledge suggestions staff saved, all behind the admin bearer token; and the
 * page `/admin/staff` (public/admin/staff.html, which only asks for the token and calls this API).
 */
import { Router, json } from 'express';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import type { CommuneDirectory } from '../communes/commune-directory.js';
import type { HandoffService } from '../handoff/service.js';
import type { StaffMember, Ticket } from '../handoff/types.js';
import { requireAdminToken } from './auth.js';
import { DASHBOARD_DIR } from './dashboard.js';
import { parseRequest } from '../http/errors.js';

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export interface StaffRoutesOptions {
  /** Null when the handoff is not configured: the API answers 404 with a reason. */
  handoff: HandoffService | null;
  communes: CommuneDirectory;
  adminToken: string | undefined;
  dashboardDir?: string;
}

const name = z.string().trim().min(2, 'cần họ tên cán bộ (ít nhất 2 ký tự)').max(80);

export function staffAdminRoutes(options: StaffRoutesOptions): Router {
  const router = Router();
  const dir = options.dashboardDir ?? DASHBOARD_DIR;
  router.get('/admin/staff', (_req, res) => {
    res.set(SECURITY_HEADERS).sendFile(join(dir, 'staff.html'));
  });

  const api = Router();
  router.use('/api/admin/staff', requireAdminToken(options.adminToken), api);
  const service = (): HandoffService => {
    if (!options.handoff) throw new AppError('not_found', 'Chưa bật chức năng chuyển câu hỏi cho cán bộ.');
    return options.handoff;
  };
  const commune = z
    .string()
    .trim()
    .max(20)
    .nullable()
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || options.communes.byCode(v), 'mã xã/phường không có trong danh sách');
  const view = (s: StaffMember) => ({
    id: s.id, channel: s.channel, platformUserId: s.platformUserId, communeCode: s.communeCode,
    commune: options.communes.byCode(s.communeCode)?.name ?? null, name: s.name, via: s.via, createdAt: s.createdAt.toISOString(),
  });
  const ticketView = (t: Ticket) => ({
    id: t.id, channel: t.citizenChannel, communeCode: t.communeCode, commune: options.communes.byCode(t.communeCode)?.name ?? null,
    question: t.question, status: t.status, routing: t.routing, createdAt: t.createdAt.toISOString(),
    citizenLastMessageAt: t.citizenLastMessageAt.toISOString(), claimedBy: t.claimedBy, claimedAt: t.claimedAt?.toISOString() ?? null,
    closedAt: t.closedAt?.toISOString() ?? null, closedBy: t.closedBy,
  });

  api.get('/', async (_req, res) => {
    const staff = await service().store.listStaff();
    res.json({ staff: staff.map(view), communes: options.communes.list().map((c) => ({ code: c.code, name: c.name, province: c.province })) });
  });

  api.post('/', json({ limit: '16kb' }), async (req, res) => {
    const body = parseRequest(
      z.object({
        channel: z.enum(['zalo', 'messenger']),
        platformUserId: z.string().trim().regex(/^\d{5,25}$/, 'mã người dùng trên nền tảng là một dãy số'),
        communeCode: commune,
        name,
      }),
      req.body,
    );
    const staff = await service().registerStaff({ ...body, communeCode: body.communeCode ?? null });
    res.status(201).json({ staff: view(staff) });
  });

  api.delete('/:id', async (req, res) => {
    const id = parseRequest(z.string().uuid('mã cán bộ không hợp lệ'), req.params.id);
    if (!(await service().store.removeStaff(id))) throw new AppError('not_found', 'Không có cán bộ này.');
    res.status(204).end();
  });

  api.post('/join-codes', json({ limit: '16kb' }), async (req, res) => {
    const body = parseRequest(z.object({ communeCode: commune, name, ttlHours: z.coerce.number().int().min(1).max(720).optional() }), req.body);
    const created = await service().createJoinCode({ communeCode: body.communeCode ?? null, name: body.name, ttlHours: body.ttlHours });
    res.status(201).json({ code: created.code, expiresAt: created.expiresAt.toISOString(), message: `Cán bộ nhắn cho trợ lý: mã cán bộ ${created.code}` });
  });

  api.get('/join-codes', async (_req, res) => {
    const codes = await service().store.listJoinCodes(100);
    res.json({
      joinCodes: codes.map((c) => ({
        id: c.id, communeCode: c.communeCode, commune: options.communes.byCode(c.communeCode)?.name ?? null, name: c.name,
        createdAt: c.createdAt.toISOString(), expiresAt: c.expiresAt.toISOString(), usedAt: c.usedAt?.toISOString() ?? null,
      })),
    });
  });

  api.get('/tickets', async (req, res) => {
    const q = parseRequest(z.object({ status: z.enum(['open', 'claimed', 'closed']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }), req.query);
    const tickets = await service().store.listTickets({ status: q.status, limit: q.limit });
    res.json({ tickets: tickets.map(ticketView) });
  });

  api.get('/tickets/:id', async (req, res) => {
    const id = parseRequest(z.coerce.number().int().min(1), req.params.id);
    const ticket = await service().store.getTicket(id);
    if (!ticket) throw new AppError('not_found', 'Không có phiếu này.');
    const messages = await service().store.listMessages(id);
    res.json({ ticket: ticketView(ticket), messages: messages.map((m) => ({ at: m.at.toISOString(), author: m.author, text: m.text, delivered: m.delivered })) });
  });

  api.get('/suggestions', async (_req, res) => {
    const suggestions = await service().store.listSuggestions(200);
    res.json({ suggestions: suggestions.map((s) => ({ ...s, at: s.at.toISOString(), commune: options.communes.byCode(s.communeCode)?.name ?? null })) });
  });

  return router;
}
