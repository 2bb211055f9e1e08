/**
 * The citizen's side of a handoff: opening a ticket for the staff of their commune, and, while it is open,
 * passing their messages to the staff member instead of answering them, until someone closes it.
 */
import { randomUUID } from 'node:crypto';
import { MessageFactory, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import type { HandoffService } from '../handoff/service.js';
import { ticketPayload } from '../handoff/service.js';
import { CITIZEN, PROVINCE_POOL_LABEL } from '../handoff/texts.js';
import type { BotAction } from './payloads.js';
import { globalCommand, isCitizenClose } from './commands.js';
import { channelNameOf, newMemory, sendWithChoices, type ConversationMemory, type UserProfile } from './conversation.js';
import { NON_TEXT } from './replies.js';

export class CitizenDesk {
  constructor(
    private readonly handoff: HandoffService,
    private readonly memory: StatePropertyAccessor<ConversationMemory>,
    private readonly profiles: StatePropertyAccessor<UserProfile>,
  ) {}

  /** Opens a ticket for this citizen (or says why it cannot). */
  async open(context: TurnContext): Promise<void> {
    const memory = await this.memory.get(context, newMemory());
    const profile = await this.profiles.get(context, {});
    const channel = channelNameOf(context.activity.channelId);
    memory.choices = [];
    if (!this.handoff.supports(channel)) return void (await context.sendActivity(MessageFactory.text(CITIZEN.unsupportedChannel)));
    if (memory.ticketId) {
      const current = await this.handoff.store.getTicket(memory.ticketId);
      if (current && current.status !== 'closed') {
        return this.reply(context, memory, CITIZEN.alreadyOpen(current.id), current.id);
      }
    }
    const result = await this.handoff.openTicket({
      sourceKey: `${channel}:${context.activity.id ?? randomUUID()}`,
      citizen: { channel, userId: context.activity.from?.id ?? '' },
      communeCode: profile.communeCode ?? null,
      question: memory.lastQuestion ?? null,
    });
    if (result.kind !== 'opened') {
      return void (await context.sendActivity(MessageFactory.text(result.kind === 'no_staff' ? CITIZEN.noStaff : CITIZEN.unsupportedChannel)));
    }
    const { ticket } = result;
    memory.ticketId = ticket.id;
    const who = ticket.routing === 'commune' ? `cán bộ ${this.handoff.where(ticket.communeCode)}` : PROVINCE_POOL_LABEL;
    await this.reply(context, memory, CITIZEN.opened(ticket.id, who), ticket.id);
  }

  /** True when the message belonged to an open ticket (relayed, queued or closing it). */
  async route(context: TurnContext, text: string, action: BotAction | 'unknown-payload' | undefined): Promise<boolean> {
    const memory = await this.memory.get(context, newMemory());
    if (!memory.ticketId) return false;
    const ticket = await this.handoff.store.getTicket(memory.ticketId);
    if (!ticket || ticket.status === 'closed') {
      delete memory.ticketId;
      delete memory.queuedNotice;
      return false;
    }
    const closing = (action !== 'unknown-payload' && action?.kind === 'ticket' && action.op === 'close') || (!action && isCitizenClose(text));
    if (closing) {
      await this.handoff.close(ticket.id, 'citizen');
      delete memory.ticketId;
      delete memory.queuedNotice;
      memory.choices = [];
      await context.sendActivity(MessageFactory.text(CITIZEN.closedByCitizen));
      return true;
    }
    if (!text) {
      if ((context.activity.attachments?.length ?? 0) > 0) await context.sendActivity(MessageFactory.text(NON_TEXT));
      return true;
    }
    // Until someone claims the ticket, "menu" and "bắt đầu lại" still reach the bot (the ticket stays open).
    const command = action === undefined ? globalCommand(text) : action !== 'unknown-payload' && action.kind === 'menu' ? 'menu' : undefined;
    if (ticket.status === 'open' && (command === 'menu' || command === 'restart')) return false;
    const sourceKey = `${channelNameOf(context.activity.channelId)}:${context.activity.id ?? randomUUID()}`;
    const at = context.activity.timestamp ? new Date(context.activity.timestamp) : new Date();
    const outcome = await this.handoff.citizenMessage(ticket.id, sourceKey, text, at);
    if (outcome === 'closed') {
      delete memory.ticketId;
      return false;
    }
    if (outcome === 'failed') await this.reply(context, memory, CITIZEN.relayFailed, ticket.id);
    else if (outcome === 'queued' && memory.queuedNotice !== ticket.id) {
      memory.queuedNotice = ticket.id;
      await this.reply(context, memory, CITIZEN.queued, ticket.id);
    }
    return true;
  }

  private async reply(context: TurnContext, memory: ConversationMemory, text: string, ticketId: number): Promise<void> {
    const choices = [{ title: CITIZEN.closeButton, payload: ticketPayload('close', ticketId) }];
    memory.choices = choices;
    await sendWithChoices(context, [text], choices);
  }
}
