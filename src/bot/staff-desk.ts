/**
 * The commune staff member's side: registering with a one-time code, "Hỏi giúp: …" (the bot drafts an
 * answer to copy for a citizen, recorded as a forwarded turn with the staff member's commune), listing and
 * claiming tickets, relaying replies to the citizen, closing, and saving an answer as a suggestion.
 */
import { randomUUID } from 'node:crypto';
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { AnswerEngine } from '../knowledge/engine.js';
import type { TurnRecorder } from '../feedback/turn-types.js';
import { parseJoinCommand } from '../handoff/join-codes.js';
import { ticketPayload, type HandoffService, type ReplyResult } from '../handoff/service.js';
import { STAFF, STAFF_HELP, platformLabel } from '../handoff/texts.js';
import type { StaffMember, Ticket } from '../handoff/types.js';
import { forwardedQuestion, globalCommand, isStaffClose, isStaffHelp, isStaffList, isStaffSave } from './commands.js';
import { channelNameOf, newMemory, recordTurn, sendWithChoices, type Choice, type ConversationMemory } from './conversation.js';
import type { BotAction } from './payloads.js';

const MAX_QUESTION_CHARS = 2000;

export interface StaffDeskDeps {
  engine: () => AnswerEngine;
  handoff: HandoffService;
  memory: StatePropertyAccessor<ConversationMemory>;
  recorder: TurnRecorder;
  log: { warn(line: string): void };
}

export class StaffDesk {
  constructor(private readonly deps: StaffDeskDeps) {}

  /** True when the message was a join code or a staff command, or was relayed to a citizen. */
  async handle(context: TurnContext, staff: StaffMember | undefined, text: string, action: BotAction | 'unknown-payload' | undefined): Promise<boolean> {
    const code = action ? undefined : parseJoinCommand(text);
    if (code) {
      await this.join(context, code);
      return true;
    }
    if (!staff) return false;
    const memory = await this.deps.memory.get(context, newMemory());
    if (action && action !== 'unknown-payload' && action.kind === 'ticket') {
      await this.ticketAction(context, staff, memory, action.op, action.ticketId);
      return true;
    }
    if (action && action !== 'unknown-payload') return false;
    const question = forwardedQuestion(text);
    if (question !== undefined) {
      await this.answerForwarded(context, staff, memory, question);
      return true;
    }
    if (isStaffList(text)) return this.list(context, staff, memory).then(() => true);
    if (isStaffHelp(text)) return this.say(context, memory, [STAFF_HELP], []).then(() => true);
    const current = await this.currentTicket(staff, memory);
    if (isStaffClose(text)) {
      if (current) await this.ticketAction(context, staff, memory, 'close', current.id);
      else await this.say(context, memory, [STAFF.noCurrentTicket], []);
      return true;
    }
    if (isStaffSave(text)) {
      if (current) await this.ticketAction(context, staff, memory, 'save', current.id);
      else await this.say(context, memory, [STAFF.noCurrentTicket], []);
      return true;
    }
    if (!current || globalCommand(text) === 'menu' || globalCommand(text) === 'restart') return false;
    if (!text) return false;
    const sourceKey = `${channelNameOf(context.activity.channelId)}:${context.activity.id ?? randomUUID()}`;
    const result = await this.deps.handoff.reply(staff, current.id, sourceKey, text);
    await this.say(context, memory, [replyText(result, current)], this.ticketButtons(current.id, true));
    return true;
  }

  private async join(context: TurnContext, code: string): Promise<void> {
    const memory = await this.deps.memory.get(context, newMemory());
    const channel = channelNameOf(context.activity.channelId);
    const outcome = await this.deps.handoff.redeemJoinCode(code, { channel, userId: context.activity.from?.id ?? '' });
    const text =
      outcome.kind === 'registered'
        ? STAFF.registered(this.deps.handoff.where(outcome.staff.communeCode))
        : outcome.kind === 'expired'
          ? STAFF.joinExpired
          : outcome.kind === 'used'
            ? STAFF.joinUsed
            : outcome.kind === 'too_many'
              ? STAFF.joinTooMany
              : STAFF.joinUnknown;
    await this.say(context, memory, [text], []);
  }

  private async ticketAction(context: TurnContext, staff: StaffMember, memory: ConversationMemory, op: 'claim' | 'close' | 'save', id: number): Promise<void> {
    const { handoff } = this.deps;
    if (op === 'claim') {
      const r = await handoff.claim(staff, id);
      if (r.kind === 'claimed') {
        memory.staffTicketId = id;
        return this.say(context, memory, [STAFF.claimed(id, r.history)], this.ticketButtons(id, false));
      }
      const text = r.kind === 'taken' ? STAFF.taken(id) : r.kind === 'closed' ? STAFF.closedAlready(id) : r.kind === 'not_allowed' ? STAFF.notAllowed(id) : STAFF.missing;
      return this.say(context, memory, [text], []);
    }
    const ticket = await handoff.store.getTicket(id);
    if (!ticket || (ticket.claimedBy !== staff.id && !handoff.mayHandle(staff, ticket))) return this.say(context, memory, [STAFF.missing], []);
    if (op === 'save') {
      const saved = await handoff.saveSuggestion(staff, id);
      return this.say(context, memory, [saved === 'saved' ? STAFF.suggestionSaved : STAFF.nothingToSave], []);
    }
    const closed = await handoff.close(id, 'staff');
    if (memory.staffTicketId === id) delete memory.staffTicketId;
    await this.say(context, memory, [closed ? STAFF.youClosed(id) : STAFF.closedAlready(id)], []);
  }

  private async list(context: TurnContext, staff: StaffMember, memory: ConversationMemory): Promise<void> {
    const tickets = await this.deps.handoff.openTicketsFor(staff);
    if (!tickets.length) return this.say(context, memory, [STAFF.noOpenTickets], []);
    const lines = tickets.map((t) => `#${t.id} – ${t.communeCode ? this.deps.handoff.where(t.communeCode) : 'chưa rõ xã/phường'} (${platformLabel(t.citizenChannel)})${t.question ? `: "${t.question.slice(0, 80)}"` : ''}`);
    await this.say(context, memory, [STAFF.openTickets(lines)], tickets.map((t) => ({ title: STAFF.claimButton(t.id), payload: ticketPayload('claim', t.id) })));
  }

  /** Answers a question forwarded for a citizen as one block to copy, without buttons. */
  private async answerForwarded(context: TurnContext, staff: StaffMember, memory: ConversationMemory, question: string): Promise<void> {
    if (!question) return this.say(context, memory, [STAFF.forwardedEmpty], []);
    const text = question.slice(0, MAX_QUESTION_CHARS);
    const result = await this.deps.engine().ask(text);
    await recordTurn(this.deps, context, {
      text, status: result.status, topic: result.topic, indicator: result.indicator, confidence: result.confidence,
      candidates: result.candidates, forwarded: true, communeCode: staff.communeCode,
    });
    if (result.status !== 'answered') return this.say(context, memory, [STAFF.forwardedUncovered], []);
    const [first, ...rest] = result.pieces;
    await this.say(context, memory, [`${STAFF.forwardedHeader}\n\n${first ?? ''}`, ...rest], []);
  }

  private async currentTicket(staff: StaffMember, memory: ConversationMemory): Promise<Ticket | undefined> {
    if (!memory.staffTicketId) return undefined;
    const ticket = await this.deps.handoff.store.getTicket(memory.staffTicketId);
    if (ticket && ticket.status === 'claimed' && ticket.claimedBy === staff.id) return ticket;
    delete memory.staffTicketId;
    return undefined;
  }

  private ticketButtons(id: number, withSave: boolean): Choice[] {
    const close = { title: STAFF.closeButton(id), payload: ticketPayload('close', id) };
    return withSave ? [close, { title: STAFF.saveButton, payload: ticketPayload('save', id) }] : [close];
  }

  private async say(context: TurnContext, memory: ConversationMemory, pieces: string[], choices: Choice[]): Promise<void> {
    memory.choices = choices;
    await sendWithChoices(context, pieces, choices);
  }
}

function replyText(result: ReplyResult, ticket: Ticket): string {
  switch (result) {
    case 'delivered':
      return STAFF.delivered;
    case 'delivered_human_agent':
      return STAFF.deliveredHumanAgent;
    case 'window_closed':
      return STAFF.windowClosed(platformLabel(ticket.citizenChannel));
    case 'channel_closed':
      return STAFF.channelClosed;
    case 'closed':
      return STAFF.closedAlready(ticket.id);
    case 'not_yours':
      return STAFF.taken(ticket.id);
    default:
      return STAFF.deliveryFailed;
  }
}
