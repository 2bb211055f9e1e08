/**
 * Rate limiting of citizens' messages, as botbuilder middleware on the channel adapters (before the bot):
 * over the per-user or per-channel limit, the first message gets one polite reply and the following ones
 * in that window are dropped silently; the inbox still marks them done. Only messages count (a follow is
 * not limited). If the limiter is unreachable (Redis down), messages pass: answering beats protecting.
 */
import { ActivityTypes, MessageFactory, type Middleware, type TurnContext } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import type { RateLimiter } from '../storage/rate-limiter.js';

export const RATE_LIMITED_REPLY = 'Bạn gửi nhanh quá, vui lòng đợi khoảng 1 phút rồi hỏi tiếp nhé.';

export function rateLimitMiddleware(limiter: RateLimiter, log: { warn(line: string): void }): Middleware {
  let lastWarning = 0;
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const activity = context.activity;
      const user = activity.from?.id;
      if (activity.type !== ActivityTypes.Message || !user) return next();
      let decision;
      try {
        decision = await limiter.hit(activity.channelId ?? 'unknown', user, activity.id ?? randomUUID());
      } catch (err) {
        if (Date.now() - lastWarning > 60_000) {
          lastWarning = Date.now();
          log.warn(`Giới hạn tốc độ: không kiểm tra được (${(err as Error).message}); tạm cho mọi tin nhắn qua.`);
        }
        return next();
      }
      if (decision === 'allow') return next();
      if (decision === 'notify') await context.sendActivity(MessageFactory.text(RATE_LIMITED_REPLY));
      // 'drop': nothing is sent and the bot does not run; the inbox item still finishes as done.
    },
  };
}
