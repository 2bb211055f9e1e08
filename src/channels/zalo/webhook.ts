/** `POST /webhooks/zalo`: verify the mac over the raw bytes, store the event in the inbox, answer 200. */
import { Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import type { NewInboxItem } from '../../storage/inbox-store.js';
import { parseJson, rawBodyOf, rawWebhookBody, throttledWarn } from '../webhook-body.js';
import { zaloSignatureMatches, type ZaloSignatureKeys } from './signature.js';
import { zaloInboxItem } from './events.js';

export interface ZaloWebhookOptions {
  keys: ZaloSignatureKeys;
  redact: (text: string) => string;
  accept: (items: NewInboxItem[]) => Promise<unknown>;
  log: { warn(line: string): void };
}

export function zaloWebhookRouter(options: ZaloWebhookOptions): Router {
  const router = Router();
  const warn = throttledWarn(options.log.warn);
  router.post('/webhooks/zalo', rawWebhookBody(), async (req, res) => {
    const raw = rawBodyOf(req);
    const header = req.get('x-zevent-signature');
    if (!header) {
      warn('missing', 'Webhook Zalo: thiếu chữ ký X-ZEvent-Signature, đã từ chối.');
      throw new AppError('unauthorized', 'Thiếu chữ ký webhook.');
    }
    // Zalo signs appId ‖ body ‖ timestamp ‖ secret: the timestamp has to be read from the body first. The
    // digest is still computed over the raw bytes, never over a re-serialised copy.
    const body = parseJson(raw);
    const timestamp = (body as { timestamp?: unknown } | null)?.timestamp;
    if (!zaloSignatureMatches(raw, header, timestamp, options.keys)) {
      warn('mismatch', 'Webhook Zalo: chữ ký không khớp, đã từ chối.');
      throw new AppError('unauthorized', 'Chữ ký webhook không hợp lệ.');
    }
    const disposition = zaloInboxItem(body, options.redact);
    if (disposition.kind === 'store') await options.accept([disposition.item]);
    else if (disposition.reason === 'unrecognised') warn('unrecognised', 'Webhook Zalo: sự kiện có cấu trúc lạ, đã bỏ qua.');
    res.status(200).end();
  });
  return router;
}
