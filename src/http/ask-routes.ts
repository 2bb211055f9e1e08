/** `POST /api/ask` and `GET /healthz`. */
import { Router, json } from 'express';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { toResponse, type AnswerEngine, type AskResult } from '../knowledge/engine.js';

const AskBody = z.object({ question: z.string().trim().min(1, 'câu hỏi đang trống').max(2000, 'câu hỏi dài quá 2.000 ký tự') });

export interface AskRoutesOptions {
  engine: () => AnswerEngine;
  /** Called after every answered API question (the turn log hooks in here). */
  onAsk?: (result: AskResult) => void | Promise<void>;
}

export function askRoutes(options: AskRoutesOptions): Router {
  const router = Router();
  router.post('/api/ask', json({ limit: '16kb' }), async (req, res) => {
    const parsed = AskBody.safeParse(req.body);
    if (!parsed.success) throw new AppError('invalid_request', parsed.error.issues[0]?.message ?? 'yêu cầu không hợp lệ');
    const result = await options.engine().ask(parsed.data.question);
    await options.onAsk?.(result);
    res.json(toResponse(result));
  });
  router.get('/healthz', (_req, res) => {
    const info = options.engine().indexInfo;
    res.json({ status: 'ok', index: info });
  });
  return router;
}
