/**
 * Live knowledge editing over HTTP, behind the admin token: /api/admin/guides (list, read, create, update,
 * delete, validate, preview, versions, rollback) and /api/admin/knowledge (publish, status, publications,
 * audit log), plus the editor page /admin/guides. A guide travels as Markdown with YAML front-matter, either
 * as the raw body (Content-Type: text/markdown) or as JSON {markdown}. The author is the X-Admin-Name header
 * (percent-encoded UTF-8, as browsers cannot send raw Vietnamese in headers) or the JSON field `author`.
 */
import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { DEFAULT_AUTHOR } from '../knowledge-admin/config.js';
import { diffStats } from '../knowledge-admin/diff.js';
import { GuideValidationError, type KnowledgeAdmin } from '../knowledge-admin/index.js';
import { PublishFailedError } from '../knowledge-admin/runtime.js';
import type { GuideVersion } from '../knowledge-admin/store.js';
import { requireAdminToken } from './auth.js';
import { DASHBOARD_DIR, SECURITY_HEADERS } from './dashboard.js';
import { parseRequest } from '../http/errors.js';

const MAX_MARKDOWN = 200_000;
const textBody = express.text({ type: ['text/markdown', 'text/x-markdown', 'text/plain'], limit: '512kb' });
const jsonBody = express.json({ limit: '512kb' });

const GuideBody = z.object({
  markdown: z.string().max(MAX_MARKDOWN, 'nội dung quá dài'),
  author: z.string().max(200).optional(),
  baseVersion: z.number().int().min(0).nullable().optional(),
  question: z.string().max(2000).optional(),
  questions: z.array(z.string().max(2000)).max(5).optional(),
});
type GuideBody = z.infer<typeof GuideBody>;

const ActorBody = z.object({ author: z.string().max(200).optional(), baseVersion: z.number().int().min(0).nullable().optional() });
const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional(), guide: z.string().max(120).optional() });

function parseBody(req: Request): GuideBody {
  if (typeof req.body === 'string') return { markdown: req.body };
  if (typeof req.body?.markdown !== 'string') {
    throw new AppError('invalid_request', 'Thiếu nội dung hướng dẫn: gửi JSON {"markdown": "..."} hoặc Markdown với Content-Type: text/markdown.');
  }
  return parseRequest(GuideBody, req.body);
}

/** The administrator's name: JSON `author`, else the X-Admin-Name header (percent-decoded), else a default. */
export function authorOf(req: Request, fromBody?: string): string {
  let raw = fromBody ?? req.get('x-admin-name') ?? '';
  if (fromBody === undefined) {
    try {
      raw = decodeURIComponent(raw);
    } catch {
      // not percent-encoded: keep as sent
    }
  }
  const name = raw.normalize('NFC').replace(/\s+/g, ' ').trim().slice(0, 80);
  return name || DEFAULT_AUTHOR;
}

function versionView(v: GuideVersion, publishedUpTo: number) {
  return {
    id: v.id,
    guideId: v.guideId,
    action: v.action,
    state: v.state,
    author: v.author,
    at: v.at.toISOString(),
    rollbackOf: v.rollbackOf,
    published: v.id <= publishedUpTo,
    diff: v.diff,
    ...diffStats(v.diff),
  };
}

const handleOwnErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (err instanceof GuideValidationError) {
    res.status(err.status).json({ error: err.code, message: err.message, errors: err.errors });
  } else if (err instanceof PublishFailedError) {
    res.status(500).json({ error: err.code, message: err.message, publication: err.publication });
  } else next(err);
};

export function guidesAdminRoutes(admin: KnowledgeAdmin, adminToken: string | undefined): Router {
  const { editor, runtime, preview, store } = admin;
  const router = Router();
  const auth = requireAdminToken(adminToken);
  router.use('/api/admin/guides', auth);
  router.use('/api/admin/knowledge', auth);
  const upTo = () => runtime.applied.upToVersion;

  router.get('/api/admin/guides', async (_req, res) => {
    const { guides, deleted } = await editor.list();
    res.json({ guides, deleted, indicators: runtime.engine.indicatorList(), status: runtime.status() });
  });

  router.post('/api/admin/guides', textBody, jsonBody, async (req, res) => {
    const body = parseBody(req);
    const id = /^---[\s\S]*?^id:\s*["']?([^\s"'#]+)/m.exec(body.markdown)?.[1];
    if (!id) throw new GuideValidationError([{ field: 'id', message: 'thiếu id trong front-matter', line: 1 }]);
    const { version } = await editor.save(id, body.markdown, { author: authorOf(req, body.author), mode: 'create', baseVersion: body.baseVersion });
    res.status(201).json({ version: version && versionView(version, upTo()), guide: await editor.get(id) });
  });

  router.get('/api/admin/guides/:id', async (req, res) => {
    res.json(await editor.get(req.params.id));
  });

  router.post('/api/admin/guides/:id', textBody, jsonBody, async (req, res) => {
    const body = parseBody(req);
    const { version } = await editor.save(req.params.id, body.markdown, { author: authorOf(req, body.author), mode: 'create', baseVersion: body.baseVersion });
    res.status(201).json({ version: version && versionView(version, upTo()), guide: await editor.get(req.params.id) });
  });

  router.put('/api/admin/guides/:id', textBody, jsonBody, async (req, res) => {
    const body = parseBody(req);
    const id = req.params.id;
    const { version, unchanged } = await editor.save(id, body.markdown, { author: authorOf(req, body.author), mode: 'update', baseVersion: body.baseVersion });
    res.json({ version: version && versionView(version, upTo()), unchanged, guide: await editor.get(id) });
  });

  router.delete('/api/admin/guides/:id', express.json({ limit: '16kb' }), async (req, res) => {
    const body = parseRequest(ActorBody, req.body ?? {});
    const version = await editor.remove(req.params.id, { author: authorOf(req, body.author), baseVersion: body.baseVersion });
    res.json({ version: versionView(version, upTo()) });
  });

  router.post('/api/admin/guides/:id/validate', textBody, jsonBody, async (req, res) => {
    res.json({ errors: await editor.validate(req.params.id, parseBody(req).markdown) });
  });

  router.post('/api/admin/guides/:id/preview', textBody, jsonBody, async (req, res) => {
    const body = parseBody(req);
    const tests = [...(body.questions ?? []), ...(body.question ? [body.question] : [])];
    res.json(await preview.preview(req.params.id, body.markdown, tests));
  });

  router.get('/api/admin/guides/:id/versions', async (req, res) => {
    const { versions, file, publishedUpTo } = await editor.versions(req.params.id);
    res.json({ versions: versions.map((v) => versionView(v, publishedUpTo)), file: file === null ? null : { markdown: file } });
  });

  router.post('/api/admin/guides/:id/versions/:version/rollback', express.json({ limit: '16kb' }), async (req, res) => {
    const target = req.params.version === 'file' ? 'file' : Number(req.params.version);
    if (target !== 'file' && !(Number.isInteger(target) && target > 0)) throw new AppError('invalid_request', 'Số phiên bản không hợp lệ.');
    const body = parseRequest(ActorBody, req.body ?? {});
    const { version, publish } = await editor.rollback(req.params.id, target, authorOf(req, body.author));
    res.json({ version: versionView(version, upTo()), publication: publish.publication, skipped: publish.skipped });
  });

  router.post('/api/admin/knowledge/publish', express.json({ limit: '16kb' }), async (req, res) => {
    const body = parseRequest(ActorBody, req.body ?? {});
    const outcome = await runtime.publish(authorOf(req, body.author), 'admin');
    res.json(outcome);
  });

  router.get('/api/admin/knowledge/status', async (_req, res) => {
    const [latestVersion, latest] = await Promise.all([store.latestVersionId(), store.latestPublication()]);
    const pending = (await store.currentVersions()).filter((v) => v.id > upTo()).map((v) => v.guideId);
    res.json({
      ...runtime.status(),
      latestVersion,
      latestPublication: latest ?? null,
      pending,
      index: runtime.engine.indexInfo,
      storage: store.backend,
      redis: Boolean(admin.config.REDIS_URL),
    });
  });

  router.get('/api/admin/knowledge/publications', async (req, res) => {
    const q = parseRequest(ListQuery, req.query);
    res.json({ publications: await store.listPublications(q.limit ?? 50) });
  });

  router.get('/api/admin/knowledge/audit', async (req, res) => {
    const q = parseRequest(ListQuery, req.query);
    res.json({ entries: await store.listAudit({ limit: q.limit ?? 100, guideId: q.guide || undefined }) });
  });

  router.use(handleOwnErrors);
  return router;
}

/** The editor page, served like the dashboard (same strict CSP, no external resources). */
export function guidesPageRoutes(dir = DASHBOARD_DIR): Router {
  const router = Router();
  const send: express.RequestHandler = (_req, res) => {
    res.set(SECURITY_HEADERS);
    res.set('Cache-Control', 'no-store');
    res.sendFile(join(dir, 'guides.html'));
  };
  router.get('/admin/guides', send);
  router.get('/admin/guides/', send);
  return router;
}
