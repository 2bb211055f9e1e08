/**
 * Zalo OA webhook signature: `X-ZEvent-Signature: mac=<hex>` where hex = SHA-256 (plain, not HMAC) of
 * app id ‖ raw body ‖ the body's `timestamp` ‖ OA secret key. Computed over the exact bytes received.
 */
import { createHash } from 'node:crypto';
import { sameHexDigest } from '../webhook-body.js';

export interface ZaloSignatureKeys {
  appId: string;
  oaSecretKey: string;
}

export function zaloMac(raw: Buffer, timestamp: string, keys: ZaloSignatureKeys): string {
  return createHash('sha256').update(keys.appId, 'utf8').update(raw).update(timestamp, 'utf8').update(keys.oaSecretKey, 'utf8').digest('hex');
}

/** `header` is the X-ZEvent-Signature value; `timestamp` the body's top-level timestamp. */
export function zaloSignatureMatches(raw: Buffer, header: string | undefined, timestamp: unknown, keys: ZaloSignatureKeys): boolean {
  if (!header || (typeof timestamp !== 'string' && typeof timestamp !== 'number')) return false;
  const m = /^\s*mac\s*=\s*([0-9a-f]+)\s*$/i.exec(header);
  if (!m) return false;
  return sameHexDigest(zaloMac(raw, String(timestamp), keys), m[1]!.toLowerCase());
}
