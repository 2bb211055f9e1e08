/**
 * Shared webhook plumbing: the raw body (signatures are computed over the exact bytes), the 256 KB limit,
 * JSON parsing after verification, and constant-time comparisons.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';

export const MAX_WEBHOOK_BYTES = 256 * 1024;

/** Keeps the body as a Buffer whatever the content type; a bigger body fails with 413 (payload_too_large). */
export function rawWebhookBody(): RequestHandler {
  return express.raw({ type: () => true, limit: MAX_WEBHOOK_BYTES });
}

export function rawBodyOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('invalid_request', 'Nội dung webhook không phải JSON hợp lệ.');
  }
}

/** Compares two hex digests in constant time; anything that is not `bytes` of hex is a mismatch. */
export function sameHexDigest(expectedHex: string, receivedHex: string, bytes = 32): boolean {
  if (!new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(receivedHex)) return false;
  const a = Buffer.from(expectedHex, 'hex');
  const b = Buffer.from(receivedHex, 'hex');
  return a.length === bytes && b.length === bytes && timingSafeEqual(a, b);
}

/** Constant-time equality of two secrets of any length (both are hashed first). */
export function sameSecret(expected: string, received: string): boolean {
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(received, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Logs at most one line per interval per key, so a flood of bad requests cannot flood the logs. */
export function throttledWarn(warn: (line: string) => void, intervalMs = 60_000): (key: string, line: string) => void {
  const last = new Map<string, number>();
  return (key, line) => {
    const now = Date.now();
    if (now - (last.get(key) ?? 0) < intervalMs) return;
    last.set(key, now);
    warn(line);
  };
}
