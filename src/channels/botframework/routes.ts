/**
 * `POST /api/messages` for Bot Framework clients (Direct Line, Web Chat, Teams, Emulator) through
 * botbuilder's CloudAdapter. With MICROSOFT_APP_ID set, CloudAdapter checks the channel's JWT. Without it
 * (local testing), requests are unauthenticated, so replies may only go back in the HTTP response
 * (deliveryMode "expectReplies") or to a serviceUrl on this machine; otherwise anyone could make the bot
 * POST to any address.
 */
import express, { Router } from 'express';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type ActivityHandler,
  type ConversationState,
  type Middleware,
} from 'botbuilder';
import { AppError } from '../../errors/app-error.js';
import { TURN_FAILED } from '../../bot/replies.js';
import type { BotFrameworkConfig } from '../config.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_HOSTS.has(u.hostname);
  } catch {
    return false;
  }
}

export interface TurnErrorDeps {
  conversationState: ConversationState;
  log: { warn(line: string): void };
  channel: string;
}

/** Logs (no personal data), apologises in Vietnamese and forgets the conversation state. */
export function botFrameworkTurnErrorHandler(deps: TurnErrorDeps) {
  return async (context: import('botbuilder').TurnContext, error: Error): Promise<void> => {
    deps.log.warn(`${deps.channel}: lỗi khi xử lý lượt hội thoại: ${error.name}: ${error.message}`);
    try {
      await context.sendActivity(TURN_FAILED);
      await deps.conversationState.delete(context);
    } catch (err) {
      deps.log.warn(`${deps.channel}: không gửi được lời xin lỗi: ${(err as Error).message}`);
    }
  };
}

export function createCloudAdapter(config: BotFrameworkConfig | null): CloudAdapter {
  if (!config?.appId) return new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const settings = {
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword ?? undefined,
    MicrosoftAppType: config.appType,
    MicrosoftAppTenantId: config.tenantId ?? undefined,
  };
  return new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication(settings, new ConfigurationServiceClientCredentialFactory(settings)),
  );
}

export interface BotFrameworkRouterOptions {
  bot: ActivityHandler;
  conversationState: ConversationState;
  config: BotFrameworkConfig;
  log: { warn(line: string): void };
  /** Runs before the bot on every turn (rate limits). */
  middleware?: Middleware[];
}

export function botFrameworkRouter(options: BotFrameworkRouterOptions): Router {
  const adapter = createCloudAdapter(options.config);
  adapter.onTurnError = botFrameworkTurnErrorHandler({ ...options, channel: 'botframework' });
  for (const m of options.middleware ?? []) adapter.use(m);
  const authenticated = Boolean(options.config.appId);
  const router = Router();
  router.post('/api/messages', express.json({ limit: '256kb' }), async (req, res) => {
    const body = req.body as { deliveryMode?: unknown; serviceUrl?: unknown } | undefined;
    if (!body || typeof body !== 'object') throw new AppError('invalid_request', 'Thiếu activity trong nội dung yêu cầu.');
    if (!authenticated && body.deliveryMode !== 'expectReplies' && !isLoopbackUrl(body.serviceUrl)) {
      throw new AppError(
        'forbidden',
        'Chưa cấu hình MICROSOFT_APP_ID: chỉ nhận activity có deliveryMode "expectReplies" hoặc serviceUrl trên máy này.',
      );
    }
    await adapter.process(req, res, (context) => options.bot.run(context));
  });
  return router;
}
