/**
 * The one conversation logic for every channel. It answers from the engine, runs the guided flows of
 * flows/*.yaml (src/dialogs), hands citizens over to commune staff and serves the staff themselves,
 * offers suggestions and 👍/👎 buttons as `suggestedActions` (each channel renders them as buttons, quick
 * replies or numbered text), and records every turn with the user's commune through the TurnRecorder.
 *
 * Conversation memory and flow positions live in ConversationState, the user's commune and flow answers in
 * UserState; both over the channel storage, so a restart loses neither.
 */
import {
  ActivityHandler,
  ActivityTypes,
  MemoryStorage,
  MessageFactory,
  UserState,
  type Activity,
  type ConversationState,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { composeGuideAnswer } from '../knowledge/compose.js';
import type { AnswerEngine, AskResult } from '../knowledge/engine.js';
import type { TurnRecorder, Vote } from '../feedback/turn-types.js';
import { CommuneDirectory, communeLabel } from '../communes/commune-directory.js';
import type { Flow } from '../dialogs/flow-schema.js';
import type { FlowAction, FlowHost } from '../dialogs/flow-dialog.js';
import { FlowRunner } from '../dialogs/flow-runner.js';
import { FLOW_TEXTS } from '../dialogs/flow-texts.js';
import type { HandoffService } from '../handoff/service.js';
import { CITIZEN } from '../handoff/texts.js';
import { redactPii } from '../privacy/redact.js';
import { FLOW_MENU, HANDOFF_FLOW, MAIN_MENU, ONBOARDING_FLOW } from './main-menu.js';
import { flowStartPayload, HANDOFF_PAYLOAD, parsePayload, topicPayload, votePayload, type BotAction } from './payloads.js';
import { NON_TEXT, STALE_BUTTON, THANKS_DOWN, THANKS_UP, TOPIC_GONE, VOTE_DOWN_TITLE, VOTE_UP_TITLE, WELCOME } from './replies.js';
import { globalCommand } from './commands.js';
import { CitizenDesk } from './citizen-desk.js';
import { StaffDesk } from './staff-desk.js';
import { TURN_INFO_KEY, channelNameOf, newMemory, recordTurn, sendWithChoices, type Choice, type ConversationMemory, type UserProfile } from './conversation.js';

export { channelNameOf, type Choice } from './conversation.js';

export interface BotLog {
  info(line: string): void;
  warn(line: string): void;
}

export interface AssistantBotDeps {
  engine: () => AnswerEngine;
  recorder: TurnRecorder;
  conversationState: ConversationState;
  /** Keeps each user's commune and flow answers; an in-memory one is used when absent. */
  userState?: UserState;
  flows?: readonly Flow[];
  communes?: CommuneDirectory;
  /** Commune staff and tickets; without it the bot offers no handoff. */
  handoff?: HandoffService | null;
  /** Redacts the last question kept for a handoff (defaults to redactPii). */
  redact?: (text: string) => string;
  log: BotLog;
}

const MAX_VOTABLE = 10;
const MAX_QUESTION_CHARS = 2000;
/** An input that long is a question, not an answer to a flow step. */
const QUESTION_WORDS = 7;

type Action = BotAction | 'unknown-payload' | undefined;

export class AssistantBot extends ActivityHandler {
  private readonly memory: StatePropertyAccessor<ConversationMemory>;
  private readonly profiles: StatePropertyAccessor<UserProfile>;
  private readonly userState: UserState;
  private readonly communes: CommuneDirectory;
  private readonly flows: FlowRunner;
  private readonly citizens?: CitizenDesk;
  private readonly staffDesk?: StaffDesk;
  private readonly redact: (text: string) => string;

  constructor(private readonly deps: AssistantBotDeps) {
    super();
    this.memory = deps.conversationState.createProperty<ConversationMemory>('assistant');
    this.userState = deps.userState ?? new UserState(new MemoryStorage());
    this.profiles = this.userState.createProperty<UserProfile>('profile');
    this.communes = deps.communes ?? CommuneDirectory.empty();
    this.redact = deps.redact ?? redactPii;
    const dialogState = deps.conversationState.createProperty<DialogState>('flows');
    this.flows = new FlowRunner(deps.flows ?? [], dialogState, this.flowHost(), deps.log);
    if (deps.handoff) {
      this.citizens = new CitizenDesk(deps.handoff, this.memory, this.profiles);
      this.staffDesk = new StaffDesk({ engine: deps.engine, handoff: deps.handoff, memory: this.memory, recorder: deps.recorder, log: deps.log });
    }
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id !== botId)) await this.firstContact(context);
      await next();
    });
  }

  /** Runs the turn, then saves the conversation and user state. */
  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.deps.conversationState.saveChanges(context, false);
    if (context.activity.from?.id) await this.userState.saveChanges(context, false);
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const text = (activity.text ?? '').normalize('NFC').trim();
    const memory = await this.memory.get(context, newMemory());
    const profile = await this.profiles.get(context, {});
    const action: Action = readAction(activity, text) ?? pickChoice(text, memory.choices);
    const staff = this.deps.handoff && activity.from?.id ? await this.deps.handoff.staffFor(channelOf(context), activity.from.id) : undefined;
    context.turnState.set(TURN_INFO_KEY, { communeCode: staff ? staff.communeCode : (profile.communeCode ?? null) });

    if (this.staffDesk && (await this.staffDesk.handle(context, staff, text, action))) return;
    if (this.citizens && !staff && (await this.citizens.route(context, text, action))) return;

    if (!action && (activity.attachments?.length ?? 0) > 0) {
      memory.choices = [];
      await context.sendActivity(MessageFactory.text(NON_TEXT));
      return;
    }
    const known = action === 'unknown-payload' ? undefined : action;
    const command = known ? commandOf(known) : globalCommand(text);
    if (command === 'menu') {
      await this.flows.cancel(context);
      return this.welcome(context);
    }
    if (command === 'restart') return this.restart(context);
    if (command === 'handoff') return this.startHandoff(context);
    if (known?.kind === 'flow-start') {
      if (await this.flows.start(context, known.flow)) return;
      return this.staleButton(context);
    }
    if (known?.kind === 'vote') return this.vote(context, known.vote, known.turnId, memory);

    const flowAction = known?.kind === 'flow-choice' || known?.kind === 'commune' ? (known as FlowAction) : undefined;
    if (!known || flowAction) {
      const outcome = await this.flows.continue(context, { text, action: flowAction });
      if (outcome === 'handled') return;
    } else await this.flows.cancel(context);

    if (known?.kind === 'flow-choice') return this.staleButton(context);
    if (known?.kind === 'commune') return this.saveCommune(context, known.code, profile);
    if (known?.kind === 'topic') return void (await this.answerTopic(context, known.topic, text, memory));
    if (known?.kind === 'ticket') return this.staleButton(context);
    if (!text) return;

    const triggered = this.flows.triggeredBy(text);
    if (triggered) {
      await this.flows.start(context, triggered.id);
      return;
    }
    const question = text.slice(0, MAX_QUESTION_CHARS);
    const result = await this.deps.engine().ask(question);
    if (!profile.onboarded && this.flows.has(ONBOARDING_FLOW)) {
      profile.onboarded = true;
      if (result.status === 'smalltalk') {
        await this.flows.start(context, ONBOARDING_FLOW);
        return;
      }
    }
    await this.answerQuestion(context, question, memory, result);
  }

  /** A new follower or web chat visitor: the onboarding flow once, the welcome menu otherwise. */
  private async firstContact(context: TurnContext): Promise<void> {
    const profile = await this.profiles.get(context, {});
    if (!profile.onboarded && this.flows.has(ONBOARDING_FLOW)) {
      profile.onboarded = true;
      await this.memory.get(context, newMemory());
      await this.flows.start(context, ONBOARDING_FLOW);
      return;
    }
    await this.welcome(context);
  }

  private async welcome(context: TurnContext, text = WELCOME): Promise<void> {
    const memory = await this.memory.get(context, newMemory());
    const engine = this.deps.engine();
    const choices: Choice[] = this.flows.size
      ? FLOW_MENU.filter((m) => (m.kind === 'flow' ? this.flows.has(m.id) : engine.guide(m.id))).map((m) => ({
          title: m.label,
          payload: m.kind === 'flow' ? flowStartPayload(m.id) : topicPayload(m.id),
        }))
      : MAIN_MENU.filter((m) => engine.guide(m.topic)).map((m) => ({ title: m.label, payload: topicPayload(m.topic) }));
    memory.choices = choices;
    await sendWithChoices(context, [text], choices);
  }

  /** "bắt đầu lại": the running flow from its first step, or the welcome. */
  private async restart(context: TurnContext): Promise<void> {
    const active = await this.flows.active(context);
    if (active) await this.flows.start(context, active);
    else await this.welcome(context);
  }

  private async startHandoff(context: TurnContext): Promise<void> {
    if (this.flows.has(HANDOFF_FLOW)) {
      await this.flows.start(context, HANDOFF_FLOW);
      return;
    }
    await this.flows.cancel(context);
    if (this.citizens) return this.citizens.open(context);
    await context.sendActivity(MessageFactory.text(CITIZEN.unsupportedChannel));
  }

  private async staleButton(context: TurnContext): Promise<void> {
    await context.sendActivity(MessageFactory.text(STALE_BUTTON));
    await this.welcome(context);
  }

  private async saveCommune(context: TurnContext, code: string, profile: UserProfile): Promise<void> {
    const commune = this.communes.byCode(code);
    if (!commune) return this.staleButton(context);
    profile.communeCode = commune.code;
    (await this.memory.get(context, newMemory())).choices = [];
    await context.sendActivity(MessageFactory.text(FLOW_TEXTS.communeSaved(communeLabel(commune))));
  }

  private async answerQuestion(context: TurnContext, question: string, memory: ConversationMemory, result?: AskResult): Promise<void> {
    await context.sendActivity({ type: ActivityTypes.Typing });
    const answer = result ?? (await this.deps.engine().ask(question));
    const turnId = await recordTurn(this.deps, context, {
      text: question,
      status: answer.status,
      topic: answer.topic,
      indicator: answer.indicator,
      confidence: answer.confidence,
      candidates: answer.candidates,
    });
    let choices: Choice[] = [];
    if (answer.status === 'answered') choices = voteChoices(turnId);
    else if (answer.status === 'uncovered') {
      // composeUncovered lists the suggestions as "1. title" lines; the same titles let channels without
      // buttons see that the choices are already in the text.
      choices = answer.suggestions.map((s, i) => ({ title: `${i + 1}. ${s.title}`, payload: topicPayload(s.topic) }));
      if (this.citizens && this.deps.handoff?.supports(channelOf(context))) choices.push({ title: CITIZEN.handoffButton, payload: HANDOFF_PAYLOAD });
    }
    if (answer.status !== 'smalltalk') memory.lastQuestion = this.redact(question).slice(0, 1000);
    rememberVotable(memory, answer.status === 'answered' ? turnId : null);
    memory.choices = choices;
    await sendWithChoices(context, answer.pieces, choices);
  }

  private async answerTopic(context: TurnContext, topic: string, tappedTitle: string, memory: ConversationMemory, votes = true): Promise<boolean> {
    const guide = this.deps.engine().guide(topic);
    if (!guide) {
      if (!votes) return false;
      await context.sendActivity(MessageFactory.text(TOPIC_GONE));
      await this.welcome(context);
      return false;
    }
    const pieces = composeGuideAnswer(guide);
    const turnId = await recordTurn(this.deps, context, {
      text: tappedTitle && !parsePayload(tappedTitle) ? tappedTitle : guide.title,
      status: 'answered',
      topic: guide.id,
      indicator: guide.indicator,
      confidence: 1,
      candidates: [{ topic: guide.id, score: 1 }],
    });
    const choices = votes ? voteChoices(turnId) : [];
    if (votes) rememberVotable(memory, turnId);
    memory.choices = choices;
    await sendWithChoices(context, pieces, choices);
    return true;
  }

  private async vote(context: TurnContext, vote: Vote, turnId: string, memory: ConversationMemory): Promise<void> {
    // Only turns answered in this conversation can be voted on; a typed "vote:up:<id>" cannot touch others.
    if (memory.votable.includes(turnId)) {
      try {
        await this.deps.recorder.vote(turnId, vote);
      } catch (err) {
        this.deps.log.warn(`Không ghi được đánh giá ${vote} cho lượt ${turnId}: ${(err as Error).message}`);
      }
      memory.votable = memory.votable.filter((id) => id !== turnId);
    }
    memory.choices = [];
    await context.sendActivity(MessageFactory.text(vote === 'up' ? THANKS_UP : THANKS_DOWN));
  }

  /** What the flows may do through the bot. */
  private flowHost(): FlowHost {
    return {
      communes: this.communes,
      send: async (context, texts, buttons) => {
        (await this.memory.get(context, newMemory())).choices = buttons;
        await sendWithChoices(context, texts, buttons);
      },
      profile: (context) => this.profiles.get(context, {}),
      answerTopic: async (context, topic) => this.answerTopic(context, topic, '', await this.memory.get(context, newMemory()), false),
      handoff: async (context) => {
        if (this.citizens) await this.citizens.open(context);
        else await context.sendActivity(MessageFactory.text(CITIZEN.unsupportedChannel));
      },
      showMenu: (context, text) => this.welcome(context, text),
      isQuestion: async (_context, text) => {
        if (text.includes('?') || text.split(/\s+/).length >= QUESTION_WORDS) return true;
        return (await this.deps.engine().ask(text)).status === 'answered';
      },
    };
  }
}

function channelOf(context: TurnContext) {
  return channelNameOf(context.activity.channelId);
}

function commandOf(action: BotAction): 'menu' | 'handoff' | undefined {
  return action.kind === 'menu' ? 'menu' : action.kind === 'handoff' ? 'handoff' : undefined;
}

function voteChoices(turnId: string | null): Choice[] {
  if (!turnId) return [];
  const up = votePayload('up', turnId);
  const down = votePayload('down', turnId);
  return up && down ? [{ title: VOTE_UP_TITLE, payload: up }, { title: VOTE_DOWN_TITLE, payload: down }] : [];
}

function rememberVotable(memory: ConversationMemory, turnId: string | null): void {
  if (!turnId) return;
  memory.votable = [...memory.votable.filter((id) => id !== turnId), turnId].slice(-MAX_VOTABLE);
}

/** A payload from a button (`value.payload`, or text that is exactly a payload). */
function readAction(activity: Partial<Activity>, text: string): BotAction | 'unknown-payload' | undefined {
  const value = activity.value as { payload?: unknown } | undefined;
  if (value && typeof value.payload === 'string') return parsePayload(value.payload) ?? 'unknown-payload';
  return text ? parsePayload(text) : undefined;
}

/** "2" picks the second offered choice; 👍/👎 pick the vote buttons when they were offered. */
function pickChoice(text: string, choices: readonly Choice[]): BotAction | undefined {
  if (!choices.length) return undefined;
  const n = /^(\d{1,2})\.?$/.exec(text);
  const picked = n
    ? choices[Number(n[1]) - 1]
    : /^👍/u.test(text)
      ? choices.find((c) => c.payload.startsWith('vote:up:'))
      : /^👎/u.test(text)
        ? choices.find((c) => c.payload.startsWith('vote:down:'))
        : undefined;
  return picked ? parsePayload(picked.payload) : undefined;
}
