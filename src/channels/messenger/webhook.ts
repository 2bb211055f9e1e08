/**
 * `GET /webhooks/messenger`: Meta's subscription check (echo hub.challenge when the verify token matches).
 * `POST /webhooks/messenger`: verify X-Hub-Signature-256 over the raw bytes, store every message of the
 * batch in the inbox in one transaction, answer 200.
 */
import { Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import type { NewInboxItem } from '../../storage/inbox-store.js';
import { parseJson, rawBodyOf, rawWebhookBody, sameSecret, throttledWarn } from '../webhook-body.js';
import { messengerSignatureMatches } from './signature.js';
import { messengerInboxItems } from './events.js';

export interface MessengerWebhookOptions {
  appSecret: string;
  verifyToken: string;
  redact: (text: string) => string;
  accept: (items: NewInboxItem[]) => Promise<unknown>;
  log: { info(line: string): void; warn(line: string): void };
}

export function messengerWebhookRouter(options: MessengerWebhookOptions): Router {
  const router = Router();
  const warn = throttledWarn(options.log.warn);

  router.get('/webhooks/messenger', (req, res) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    if (mode === 'subscribe' && typeof token === 'string' && typeof challenge === 'string' && sameSecret(options.verifyToken, token)) {
      options.log.info('Messenger: đã xác minh webhook với Meta.');
      res.status(200).type('text/plain').send(challenge);
      return;
    }
    throw new AppError('forbidden', 'Mã xác minh webhook không đúng.');
  });

  router.post('/webhooks/messenger', rawWebhookBody(), async (req, res) => {
    const raw = rawBodyOf(req);
    const header = req.get('x-hub-signature-256');
    if (!header || !messengerSignatureMatches(raw, header, options.appSecret)) {
      warn(header ? 'mismatch' : 'missing', `Webhook Messenger: ${header ? 'chữ ký không khớp' : 'thiếu chữ ký X-Hub-Signature-256'}, đã từ chối.`);
      throw new AppError('unauthorized', header ? 'Chữ ký webhook không hợp lệ.' : 'Thiếu chữ ký webhook.');
    }
    const batch = messengerInboxItems(parseJson(raw), options.redact);
    if (batch.items.length) await options.accept(batch.items);
    if (batch.unrecognised) warn('unrecognised', `Webhook Messenger: ${batch.unrecognised} sự kiện có cấu trúc lạ, đã bỏ qua.`);
    res.status(200).end();
  });
  return router;
}
