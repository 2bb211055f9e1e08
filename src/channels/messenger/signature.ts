/**
 * Meta webhook signature: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body keyed with the
 * App Secret. Meta signs its escaped-unicode bytes, so only the raw body verifies, never a re-serialised one.
 */
import { createHmac } from 'node:crypto';
import { sameHexDigest } from '../webhook-body.js';

export function messengerSignatureMatches(raw: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header) return false;
  const m = /^\s*sha256\s*=\s*([0-9a-f]+)\s*$/i.exec(header);
  if (!m) return false;
  const expected = createHmac('sha256', appSecret).update(raw).digest('hex');
  return sameHexDigest(expected, m[1]!.toLowerCase());
}
