/**
 * Serves the admin dashboard (/admin) from public/admin. Everything it needs ships with the app: no CDN,
 * so it works on an offline commune network. The page itself is public (it is only a login form); every
 * piece of data comes from /api/admin with the bearer token.
 */
import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { AppError } from '../errors/app-error.js';

export const DASHBOARD_DIR = fileURLToPath(new URL('../../public/admin/', import.meta.url));

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

export function dashboardRoutes(dir = DASHBOARD_DIR): Router {
  const router = Router();
  router.use('/admin', (_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  const sendIndex: express.RequestHandler = (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.sendFile(join(dir, 'index.html'));
  };
  router.get('/admin', sendIndex);
  router.get('/admin/', sendIndex);
  router.use('/admin/assets', express.static(join(dir, 'assets'), { index: false, fallthrough: true, maxAge: '1h' }));
  if (!existsSync(join(dir, 'index.html'))) throw new AppError('invalid_config', `Thiếu giao diện quản trị tại ${dir}`);
  return router;
}
