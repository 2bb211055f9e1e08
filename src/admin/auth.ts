/**
 * Bearer-token guard of the admin API. The comparison is constant-time (both sides hashed to the same
 * length, then crypto.timingSafeEqual). No or malformed credentials: 401; wrong token or admin disabled: 403.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';

const BEARER = /^Bearer[ ]+([^\s]+)\s*$/i;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function requireAdminToken(expected: string | undefined): RequestHandler {
  const expectedDigest = expected ? digest(expected) : undefined;
  return (req, res, next) => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    if (!match) {
      res.set('WWW-Authenticate', 'Bearer realm="admin"');
      throw new AppError('unauthorized', 'Cần đăng nhập bằng mã quản trị (Authorization: Bearer …).');
    }
    if (!expectedDigest) throw new AppError('forbidden', 'Khu vực quản trị chưa được bật: ADMIN_TOKEN chưa được đặt.');
    if (!timingSafeEqual(digest(match[1]!), expectedDigest)) throw new AppError('forbidden', 'Mã quản trị không đúng.');
    next();
  };
}
