/**
 * Base BotAdapter of the webhook channels. A turn runs for one stored inbox item; every platform message it
 * sends is counted, so a turn resumed after a crash or retried after a failure skips the messages the
 * platform already accepted. Editing or deleting sent messages is not supported by Zalo or Messenger.
 */
import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { AppError } from '../errors/app-error.js';
import type { InboxItem } from '../storage/inbox-store.js';
import type { InboxProgress } from '../inbox/inbox.js';
import { isLeaseLost } from '../inbox/lease.js';
import { TURN_MEMO_KEY, type TurnMemo } from '../bot/turn-memo.js';
import { TURN_FAILED } from '../bot/replies.js';
import { sleep, type Sleep } from './retry.js';

/** One platform API call; resolves to the platform's message id. */
export type PlatformSend = () => Promise<string>;

/** A message sent outside of a turn: text, buttons, and whether a person answers after Messenger's 24 h. */
export interface ProactiveText {
  text: string;
  buttons?: Array<{ title: string; payload: string }>;
  humanAgent?: boolean;
}

export interface AdapterLog {
  info(line: string): void;
  warn(line: string): void;
}

export interface InboxAdapterOptions {
  log: AdapterLog;
  /** Forgets the conversation state after a fault in a turn (botbuilder's ConversationState.delete). */
  resetConversation?: (context: TurnContext) => Promise<void>;
  wait?: Sleep;
}

interface ItemTurn {
  item: InboxItem;
  progress: InboxProgress;
  nextIndex: number;
}

const ITEM_TURN_KEY = Symbol('inboxItemTurn');

export abstract class InboxBotAdapter extends BotAdapter {
  protected abstract readonly channelId: string;

  protected readonly log: AdapterLog;
  private readonly wait: Sleep;

  constructor(private readonly adapterOptions: InboxAdapterOptions) {
    super();
    this.log = adapterOptions.log;
    this.wait = adapterOptions.wait ?? sleep;
    this.onTurnError = async (context, error) => this.handleTurnError(context, error);
  }

  /** Platform messages for one outgoing message activity, in order. */
  protected abstract planSends(activity: Partial<Activity>): PlatformSend[];

  /** Shows a typing indicator where the platform has one. */
  protected abstract sendTyping(activity: Partial<Activity>): Promise<void>;

  /** Runs `logic` for an inbox item whose event was mapped to `activity`. Send failures are thrown. */
  async runItemTurn(
    activity: Partial<Activity>,
    item: InboxItem,
    progress: InboxProgress,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const context = new TurnContext(this, activity);
    const turn: ItemTurn = { item, progress, nextIndex: 0 };
    const memo: TurnMemo = {
      turnId: item.turnId,
      remember: async (turnId) => progress.rememberTurn(turnId),
    };
    context.turnState.set(ITEM_TURN_KEY, turn);
    context.turnState.set(TURN_MEMO_KEY, memo);
    await this.runMiddleware(context, logic);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const turn = context.turnState.get(ITEM_TURN_KEY) as ItemTurn | undefined;
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'delay') {
        await this.wait(typeof activity.value === 'number' ? activity.value : 1000);
        responses.push({ id: '' });
      } else if (activity.type === ActivityTypes.Typing) {
        if (!turn || turn.nextIndex >= turn.item.sentCount) {
          await this.sendTyping(activity).catch((err: Error) => this.log.warn(`${this.channelId}: không gửi được trạng thái đang nhập (${err.message}).`));
        }
        responses.push({ id: '' });
      } else if (activity.type === ActivityTypes.Message) {
        const ids: string[] = [];
        for (const send of this.planSends(activity)) {
          const index = turn ? turn.nextIndex++ : 0;
          if (turn && index < turn.item.sentCount) continue; // accepted before a crash or a retry
          turn?.progress.assertHeld(); // another instance took the conversation over: send nothing more
          ids.push(await send());
          if (turn) await turn.progress.recordProgress(index + 1);
        }
        responses.push({ id: ids[ids.length - 1] ?? '' });
      } else responses.push({ id: '' });
    }
    return responses;
  }

  async updateActivity(): Promise<void> {
    throw new AppError('invalid_request', `${this.channelId} không cho phép sửa tin nhắn đã gửi.`);
  }

  async deleteActivity(): Promise<void> {
    throw new AppError('invalid_request', `${this.channelId} không cho phép xóa tin nhắn đã gửi.`);
  }

  async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  /**
   * A delivery failure goes back to the inbox (it retries or records it). Any other error is a fault in the
   * turn: log it without personal data, apologise, forget the conversation state, and let the item finish.
   */
  private async handleTurnError(context: TurnContext, error: Error): Promise<void> {
    if (error instanceof AppError && error.code === 'upstream_failed') throw error;
    // Another instance took the conversation over: it answers; no apology, no state reset here.
    if (isLeaseLost(error)) throw error;
    // The shared database was briefly locked by another process: a retry will do, not an apology.
    if (String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY')) throw error;
    this.log.warn(`${this.channelId}: lỗi khi xử lý lượt hội thoại: ${error.name}: ${error.message}`);
    await context.sendActivity(TURN_FAILED);
    await this.adapterOptions.resetConversation?.(context);
  }
}
