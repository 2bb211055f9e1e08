/**
 * `GET /chat`: a small web chat page (served by the app, no CDN) to try the bot without Zalo.
 * `POST /chat/api/messages`: the page's endpoint. The server builds the activity itself (the browser only
 * sends text, a button payload and random ids) and always answers in the HTTP response (expectReplies), so
 * nothing is ever POSTed elsewhere.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { z } from 'zod';
import { ActivityTypes, type Activity, type ActivityHandler, type ConversationState, type Middleware } from 'botbuilder';
import { AppError } from '../../errors/app-error.js';
import { botFrameworkTurnErrorHandler, createCloudAdapter } from '../botframework/routes.js';

const PUBLIC_DIR = fileURLToPath(new URL('../../../public/chat/', import.meta.url));
const BOT_ID = 'tro-ly-dich-vu-cong';

const WebChatRequest = z
  .object({
    conversationId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'mã hội thoại không hợp lệ'),
    userId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'mã người dùng không hợp lệ'),
    start: z.boolean().optional(),
    text: z.string().max(2000, 'tin nhắn dài quá 2.000 ký tự').optional(),
    payload: z.string().max(200).optional(),
  })
  .refine((r) => r.start || r.text?.trim() || r.payload, 'tin nhắn đang trống');

const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface WebChatRouterOptions {
  bot: ActivityHandler;
  conversationState: ConversationState;
  log: { warn(line: string): void };
  /** Runs before the bot on every turn (rate limits). */
  middleware?: Middleware[];
}

export function webChatRouter(options: WebChatRouterOptions): Router {
  const adapter = createCloudAdapter(null);
  adapter.onTurnError = botFrameworkTurnErrorHandler({ ...options, channel: 'webchat' });
  for (const m of options.middleware ?? []) adapter.use(m);
  const router = Router();
  const page = (_req: express.Request, res: express.Response) => {
    res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY).set('X-Content-Type-Options', 'nosniff');
    res.sendFile('index.html', { root: PUBLIC_DIR });
  };
  router.get('/chat', page);
  router.get('/chat/', page);
  router.use(
    '/chat',
    express.static(PUBLIC_DIR, {
      index: false,
      setHeaders: (res) => res.set('X-Content-Type-Options', 'nosniff'),
    }),
  );
  router.post('/chat/api/messages', express.json({ limit: '16kb' }), async (req, res) => {
    const parsed = WebChatRequest.safeParse(req.body);
    if (!parsed.success) throw new AppError('invalid_request', parsed.error.issues[0]?.message ?? 'yêu cầu không hợp lệ');
    const r = parsed.data;
    const user = { id: `web-${r.userId}`, name: '', role: 'user' };
    const activity: Partial<Activity> = {
      type: r.start ? ActivityTypes.ConversationUpdate : ActivityTypes.Message,
      id: randomUUID(),
      channelId: 'webchat',
      serviceUrl: 'https://webchat.invalid',
      deliveryMode: 'expectReplies',
      timestamp: new Date(),
      locale: 'vi-VN',
      from: user,
      recipient: { id: BOT_ID, name: 'Trợ lý Dịch vụ công', role: 'bot' },
      conversation: { id: `web-${r.conversationId}`, isGroup: false, conversationType: 'personal', name: '' },
      ...(r.start ? { membersAdded: [user] } : { text: r.text?.trim() ?? '', ...(r.payload ? { value: { payload: r.payload } } : {}) }),
    };
    req.body = activity;
    await adapter.process(req, res, (context) => options.bot.run(context));
  });
  return router;
}
