/** The admin JSON/CSV API under /api/admin, all behind the bearer token. */
import { Router, json, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { addDays, isValidDay, localDay } from '../feedback/calendar.js';
import { reportToCsv } from '../feedback/csv.js';
import type { FeedbackCore } from '../feedback/service.js';
import { TRIAGE_ACTION_KINDS, TRIAGE_STATES } from '../feedback/store.js';
import { toTurnView } from '../feedback/triage.js';
import type { AnswerEngine } from '../knowledge/engine.js';
import { foldSearchText } from '../feedback/recorder.js';
import { requireAdminToken } from './auth.js';
import { parseRequest } from '../http/errors.js';

const DEFAULT_RANGE_DAYS = 30;
const MAX_RANGE_DAYS = 1100;

const day = z.string().refine(isValidDay, 'ngày phải có dạng YYYY-MM-DD');
const optionalText = z.string().trim().max(200).optional().transform((v) => (v ? v : undefined));
const intParam = (max: number) => z.coerce.number().int().min(0).max(max).optional();

const RangeQuery = z.object({
  from: day.optional(),
  to: day.optional(),
  commune: optionalText,
  indicator: optionalText,
});

const TurnListQuery = RangeQuery.extend({
  search: optionalText,
  status: z.enum(['answered', 'uncovered', 'smalltalk']).optional(),
  vote: z.enum(['up', 'down']).optional(),
  triage: z.enum(TRIAGE_STATES as [string, ...string[]]).optional(),
  limit: intParam(500),
  offset: intParam(1_000_000),
});

const ReportQuery = RangeQuery.extend({
  by: z.enum(['indicator', 'commune']).default('indicator'),
  period: z.enum(['day', 'week', 'month']).default('day'),
  format: z.enum(['json', 'csv']).default('json'),
});

const TriageBody = z.object({
  actor: z.string().trim().min(1, 'cần tên người thao tác').max(80),
  kind: z.enum(TRIAGE_ACTION_KINDS as [string, ...string[]]),
  turnIds: z.array(z.string().min(1).max(100)).min(1, 'chưa chọn câu hỏi nào').max(5000),
  guideId: z.string().trim().max(120).optional(),
  note: z.string().max(2000).optional(),
  questions: z.array(z.string().max(2000)).max(50).optional(),
});

export interface AdminRoutesOptions {
  core: FeedbackCore;
  engine: () => AnswerEngine;
  now?: () => Date;
}

export function adminApiRoutes({ core, engine, now }: AdminRoutesOptions): Router {
  const router = Router();
  router.use('/api/admin', requireAdminToken(core.config.ADMIN_TOKEN));

  const range = (q: { from?: string; to?: string }) => {
    const to = q.to ?? localDay(now?.() ?? new Date(), core.config.REPORT_TIMEZONE);
    const from = q.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
    if (from > to) throw new AppError('invalid_request', 'from phải không muộn hơn to.');
    if (from < addDays(to, -MAX_RANGE_DAYS)) throw new AppError('invalid_request', `Khoảng thời gian tối đa ${MAX_RANGE_DAYS} ngày.`);
    return { from, to };
  };
  const search = (s: string | undefined) => (s ? foldSearchText(s) : undefined);

  router.get('/api/admin/session', (_req, res) => {
    res.json({
      ok: true,
      storage: core.store.backend,
      retentionDays: core.config.RETENTION_DAYS,
      timeZone: core.config.REPORT_TIMEZONE,
      today: localDay(now?.() ?? new Date(), core.config.REPORT_TIMEZONE),
      webhook: Boolean(core.config.FEEDBACK_WEBHOOK_URL),
      index: engine().indexInfo,
    });
  });

  router.get('/api/admin/guides', (_req, res) => {
    const e = engine();
    res.json({
      guides: e.allGuides().map((g) => ({ id: g.id, title: g.title, indicator: g.indicator })).sort((a, b) => a.title.localeCompare(b.title, 'vi')),
      indicators: e.indicatorList(),
    });
  });

  router.get('/api/admin/uncovered', async (req: Request, res) => {
    const q = parseRequest(TurnListQuery, req.query);
    const hasRange = q.from !== undefined || q.to !== undefined;
    const r = hasRange ? range(q) : undefined;
    const result = await core.triage.queue({
      search: search(q.search), commune: q.commune, indicator: q.indicator, statuses: q.status ? [q.status] : undefined, vote: q.vote,
      fromDay: r?.from, toDay: r?.to, limit: q.limit ?? 100, offset: q.offset,
    });
    res.json(result);
  });

  router.get('/api/admin/turns', async (req, res) => {
    const q = parseRequest(TurnListQuery, req.query);
    const hasRange = q.from !== undefined || q.to !== undefined;
    const r = hasRange ? range(q) : undefined;
    const query = {
      search: search(q.search), commune: q.commune, indicator: q.indicator, statuses: q.status ? [q.status] : undefined,
      vote: q.vote, triageState: q.triage as (typeof TRIAGE_STATES)[number] | undefined,
      fromDay: r?.from, toDay: r?.to, limit: q.limit ?? 100, offset: q.offset,
    };
    const [total, turns] = await Promise.all([core.store.countTurns(query), core.store.listTurns(query)]);
    res.json({ total, turns: turns.map(toTurnView) });
  });

  router.get('/api/admin/reports', async (req, res) => {
    const q = parseRequest(ReportQuery, req.query);
    const { from, to } = range(q);
    const report = await core.reports.build({ by: q.by, period: q.period, from, to, indicator: q.indicator, commune: q.commune });
    if (q.format === 'csv') {
      const name = `bao-cao-${q.by === 'indicator' ? 'chi-so' : 'xa-phuong'}-${from}-${to}.csv`;
      res.set('Content-Type', 'text/csv; charset=utf-8');
      res.set('Content-Disposition', `attachment; filename="${name}"`);
      res.send(Buffer.from(reportToCsv(report), 'utf8'));
      return;
    }
    res.json(report);
  });

  router.post('/api/admin/triage', json({ limit: '256kb' }), async (req, res) => {
    const body = parseRequest(TriageBody, req.body);
    const result = await core.triage.act({ ...body, kind: body.kind as (typeof TRIAGE_ACTION_KINDS)[number] });
    res.status(201).json({ action: result.action, added: result.added, moved: result.moved });
  });

  router.get('/api/admin/triage/actions', async (req, res) => {
    const q = parseRequest(z.object({ limit: intParam(500) }), req.query);
    res.json({ actions: await core.triage.actions(q.limit ?? 50) });
  });

  return router;
}
