/**
 * Messages to a citizen or a staff member outside of their own turn (handoff notices and relays), through
 * the same adapters that answer them, so buttons degrade to numbered text the same way. A platform refusal
 * because the person is out of reach (closed window, blocked, unfollowed) is reported, not retried.
 */
import { AppError } from '../errors/app-error.js';
import type { DeliveryResult, ProactiveMessage, ProactiveNotifier } from '../handoff/service.js';
import type { Address } from '../handoff/types.js';
import type { ProactiveText } from './inbox-adapter.js';

export interface ProactiveChannel {
  sendProactive(userId: string, message: ProactiveText): Promise<string>;
}

export class ChannelNotifier implements ProactiveNotifier {
  private readonly channels = new Map<string, ProactiveChannel>();

  constructor(private readonly log: { warn(line: string): void }) {}

  register(channel: string, sender: ProactiveChannel): void {
    this.channels.set(channel, sender);
  }

  supports(channel: string): boolean {
    return this.channels.has(channel);
  }

  async send(to: Address, message: ProactiveMessage): Promise<DeliveryResult> {
    const sender = this.channels.get(to.channel);
    if (!sender) return { ok: false, reason: 'unsupported' };
    try {
      await sender.sendProactive(to.userId, message);
      return { ok: true };
    } catch (err) {
      const outOfReach = err instanceof AppError && err.context.outOfReach === true;
      const reason = err instanceof AppError ? String(err.context.reason ?? err.code) : (err as Error).name;
      this.log.warn(`${to.channel}: không gửi được tin chủ động (${reason}).`);
      return { ok: false, reason: outOfReach ? 'out_of_reach' : 'failed', detail: reason };
    }
  }
}
