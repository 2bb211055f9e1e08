/**
 * Messenger adapter: stored Messenger events become Activities, bot replies become Send API calls. Suggested
 * actions become quick replies (at most 13, titles cut to 20 characters); typing maps to `typing_on`.
 */
import type { Activity, TurnContext } from 'botbuilder';
import { AppError } from '../../errors/app-error.js';
import type { InboxItem } from '../../storage/inbox-store.js';
import type { InboxProgress } from '../../inbox/inbox.js';
import { InboxBotAdapter, type InboxAdapterOptions, type PlatformSend, type ProactiveText } from '../inbox-adapter.js';
import { planMessages, shortenLabel } from '../outbound.js';
import {
  MESSENGER_MAX_QUICK_REPLIES,
  MESSENGER_MAX_QUICK_REPLY_TITLE,
  MESSENGER_MAX_TEXT_CHARS,
  type MessengerSendClient,
} from './send-client.js';
import { messengerActivity, type StoredMessengerEvent } from './events.js';

export class MessengerAdapter extends InboxBotAdapter {
  protected readonly channelId = 'messenger';

  constructor(
    private readonly client: MessengerSendClient,
    private readonly serviceUrl: string,
    options: InboxAdapterOptions,
  ) {
    super(options);
  }

  async processItem(item: InboxItem, progress: InboxProgress, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const event = JSON.parse(item.payload) as StoredMessengerEvent;
    await this.runItemTurn(messengerActivity(event, this.serviceUrl), item, progress, logic);
  }

  protected planSends(activity: Partial<Activity>): PlatformSend[] {
    const psid = recipientOf(activity);
    return planMessages(activity, MESSENGER_MAX_TEXT_CHARS, MESSENGER_MAX_QUICK_REPLIES).map((m) => () =>
      this.client.sendText(
        psid,
        m.text,
        m.choices.map((c) => ({ title: shortenLabel(c.title, MESSENGER_MAX_QUICK_REPLY_TITLE), payload: c.payload })),
      ),
    );
  }

  /** A message outside of the person's own turn (commune staff relaying, ticket notices). */
  async sendProactive(psid: string, message: ProactiveText): Promise<string> {
    const activity = { text: message.text, suggestedActions: { to: [], actions: (message.buttons ?? []).map((b) => ({ type: 'postBack', title: b.title, value: b.payload })) } };
    let lastId = '';
    for (const m of planMessages(activity, MESSENGER_MAX_TEXT_CHARS, MESSENGER_MAX_QUICK_REPLIES)) {
      const replies = m.choices.map((c) => ({ title: shortenLabel(c.title, MESSENGER_MAX_QUICK_REPLY_TITLE), payload: c.payload }));
      lastId = await this.client.sendText(psid, m.text, replies, { humanAgent: message.humanAgent });
    }
    return lastId;
  }

  protected async sendTyping(activity: Partial<Activity>): Promise<void> {
    await this.client.sendTyping(recipientOf(activity));
  }
}

function recipientOf(activity: Partial<Activity>): string {
  const id = activity.recipient?.id;
  if (!id) throw new AppError('internal', 'Tin trả lời Messenger thiếu người nhận.');
  return id;
}
