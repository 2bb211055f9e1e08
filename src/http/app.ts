/** Builds the express application from already-created parts; it never creates infrastructure itself. */
import express, { type Router } from 'express';
import { askRoutes, type AskRoutesOptions } from './ask-routes.js';
import { httpErrorHandler } from './errors.js';

export interface AppParts extends AskRoutesOptions {
  log: (line: string) => void;
  /** Extra routers (channels, admin) mounted before the error handler. */
  routers?: Router[];
}

export function createApp(parts: AppParts): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(askRoutes(parts));
  for (const r of parts.routers ?? []) app.use(r);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'Không tìm thấy địa chỉ này.' });
  });
  app.use(httpErrorHandler(parts.log));
  return app;
}
