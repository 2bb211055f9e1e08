/**
 * Zalo OA adapter: stored Zalo events become Activities, bot replies become customer-service messages.
 * Suggested actions become `oa.query.hide` buttons (their payload comes back as the user's text); with more
 * than Zalo shows, or when Zalo rejects the button template, they become numbered text. Zalo OA has no
 * typing indicator.
 */
import type { Activity, TurnContext } from 'botbuilder';
import { AppError } from '../../errors/app-error.js';
import type { InboxItem } from '../../storage/inbox-store.js';
import type { InboxProgress } from '../../inbox/inbox.js';
import { InboxBotAdapter, type InboxAdapterOptions, type PlatformSend, type ProactiveText } from '../inbox-adapter.js';
import { planMessages, shortenLabel, splitText, withNumberedChoices, type OutboundMessage } from '../outbound.js';
import { ZALO_MAX_BUTTONS, ZALO_MAX_BUTTON_TITLE, ZALO_MAX_TEXT_CHARS, type ZaloApiClient } from './api-client.js';
import { zaloActivity, type StoredZaloEvent } from './events.js';

export class ZaloAdapter extends InboxBotAdapter {
  protected readonly channelId = 'zalo';
  /** Turned off for the life of the process when Zalo says the button template is not supported (-233). */
  private buttonsSupported = true;

  constructor(
    private readonly client: ZaloApiClient,
    private readonly serviceUrl: string,
    options: InboxAdapterOptions,
  ) {
    super(options);
  }

  async processItem(item: InboxItem, progress: InboxProgress, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const event = JSON.parse(item.payload) as StoredZaloEvent;
    await this.runItemTurn(zaloActivity(event, this.serviceUrl), item, progress, logic);
  }

  protected planSends(activity: Partial<Activity>): PlatformSend[] {
    const userId = activity.recipient?.id;
    if (!userId) throw new AppError('internal', 'Tin trả lời Zalo thiếu người nhận.');
    const messages = planMessages(activity, ZALO_MAX_TEXT_CHARS, this.buttonsSupported ? ZALO_MAX_BUTTONS : 0);
    return messages.map((m) => () => this.send(userId, m));
  }

  protected async sendTyping(): Promise<void> {}

  /** A message outside of the person's own turn (commune staff relaying, ticket notices). */
  async sendProactive(userId: string, message: ProactiveText): Promise<string> {
    const activity = { text: message.text, suggestedActions: { to: [], actions: (message.buttons ?? []).map((b) => ({ type: 'postBack', title: b.title, value: b.payload })) } };
    let lastId = '';
    for (const m of planMessages(activity, ZALO_MAX_TEXT_CHARS, this.buttonsSupported ? ZALO_MAX_BUTTONS : 0)) lastId = await this.send(userId, m);
    return lastId;
  }

  private async send(userId: string, message: OutboundMessage): Promise<string> {
    const buttons = message.choices.map((c) => ({ title: shortenLabel(c.title, ZALO_MAX_BUTTON_TITLE), payload: c.payload }));
    try {
      return await this.client.sendMessage(userId, { text: message.text, buttons });
    } catch (err) {
      if (!buttons.length || !(err instanceof AppError) || err.context.shapeRejected !== true) throw err;
      if (err.context.platformCode === -233 && this.buttonsSupported) {
        this.buttonsSupported = false;
        this.log.warn('Zalo: OA không nhận tin có nút bấm (mã -233); từ giờ gửi lựa chọn dạng danh sách đánh số.');
      }
      // Same content as numbered text; the bot understands "1", "2"… replies.
      let lastId = '';
      for (const piece of splitText(withNumberedChoices(message.text, message.choices), ZALO_MAX_TEXT_CHARS)) {
        lastId = await this.client.sendMessage(userId, { text: piece });
      }
      return lastId;
    }
  }
}
