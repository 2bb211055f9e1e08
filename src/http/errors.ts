/** The one HTTP error handler: maps AppError codes (and body-parser failures) to statuses and JSON bodies. */
import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';
import { AppError, type AppErrorCode } from '../errors/app-error.js';

const STATUS: Record<AppErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  rate_limited: 429,
  invalid_config: 500,
  invalid_knowledge: 422,
  index_build_failed: 500,
  upstream_failed: 502,
  internal: 500,
};

export function httpErrorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    let appError: AppError;
    if (err instanceof AppError) appError = err;
    else if (err?.type === 'entity.too.large') appError = new AppError('payload_too_large', 'Nội dung gửi lên quá lớn.');
    else if (err?.type === 'entity.parse.failed') appError = new AppError('invalid_request', 'JSON không hợp lệ.');
    else {
      log(`Lỗi không mong đợi: ${(err as Error)?.message ?? String(err)}`);
      appError = new AppError('internal', 'Có lỗi hệ thống, vui lòng thử lại sau.');
    }
    res.status(STATUS[appError.code]).json({ error: appError.code, message: appError.message });
  };
}

/** Validates a request part with its schema; the first problem becomes a 400 naming the field. */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new AppError('invalid_request', `${issue?.path.join('.') || 'yêu cầu'}: ${issue?.message ?? 'không hợp lệ'}`);
  }
  return r.data;
}
