/**
 * One flow from `flows/*.yaml` as a botbuilder Dialog. The dialog instance state (kept by ConversationState,
 * so it survives a restart) holds the step waiting for an answer and the answers so far. Steps that do not
 * wait (say, set, branch, answer) run in a row within the same turn.
 *
 * An input that is neither an offered choice nor something that reads as an answer ends the dialog with
 * `{ left: true }`: the bot then answers it as a new question.
 */
import { Dialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { communeLabel, type CommuneDirectory } from '../communes/commune-directory.js';
import { foldName } from '../communes/commune-match.js';
import type { AskCommuneStep, AskStep, BranchStep, Flow, FlowCondition } from './flow-schema.js';
import { FLOW_TEXTS } from './flow-texts.js';

export interface FlowButton {
  title: string;
  payload: string;
}

export interface FlowProfile {
  communeCode?: string | null;
  attributes?: Record<string, string>;
}

/** What a flow needs from the bot; the bot implements it (sending, the user's profile, knowledge, handoff). */
export interface FlowHost {
  /** Sends texts in order; the buttons go with the last one. */
  send(context: TurnContext, texts: string[], buttons: FlowButton[]): Promise<void>;
  /** The user's profile; changes are saved at the end of the turn. */
  profile(context: TurnContext): Promise<FlowProfile>;
  /** Sends the composed guide; false when the topic is not in the knowledge base. */
  answerTopic(context: TurnContext, topic: string): Promise<boolean>;
  handoff(context: TurnContext): Promise<void>;
  showMenu(context: TurnContext, text: string): Promise<void>;
  /** True when the text reads as a new question rather than an answer to the step. */
  isQuestion(context: TurnContext, text: string): Promise<boolean>;
  readonly communes: CommuneDirectory;
}

/** A button tapped (or picked by number) while a flow runs. */
export type FlowAction = { kind: 'flow-choice'; flow: string; step: string; value: string } | { kind: 'commune'; code: string };

export interface FlowInput {
  text: string;
  action?: FlowAction;
}

export const FLOW_INPUT_KEY = Symbol('flowInput');
export const SKIP_VALUE = 'skip';
export const flowDialogId = (flowId: string) => `flow:${flowId}`;
export const flowChoicePayload = (flow: string, step: string, value: string) => `flow:${flow}:${step}:${value}`;
export const communePayload = (code: string) => `commune:${code}`;

interface FlowState {
  waiting?: string;
  answers: Record<string, string>;
  misses: number;
}

/** Steps run in one turn at most; a loop of non-waiting steps is cut here. */
const MAX_STEPS_PER_TURN = 40;
const SKIP_WORDS = new Set(['bo qua', 'bo', 'skip', 'khong', 'ko', 'k', 'khong muon', 'thoi', 'de sau', 'khong biet', 'khong ro']);
const STALE = Symbol('stale');

export class FlowDialog extends Dialog {
  constructor(
    readonly flow: Flow,
    private readonly host: FlowHost,
  ) {
    super(flowDialogId(flow.id));
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state: FlowState = { answers: {}, misses: 0 };
    Object.assign(dc.activeDialog!.state, state);
    return this.run(dc, this.flow.start);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as FlowState;
    const input = dc.context.turnState.get(FLOW_INPUT_KEY) as FlowInput | undefined;
    const step = state.waiting ? this.flow.steps.get(state.waiting) : undefined;
    if (!input || !step) return dc.endDialog({ left: true });
    if (step.type === 'ask') return this.onAnswer(dc, state, step, input);
    if (step.type === 'ask_commune') return this.onCommune(dc, state, step, input);
    return dc.endDialog({ left: true });
  }

  private async onAnswer(dc: DialogContext, state: FlowState, step: AskStep, input: FlowInput): Promise<DialogTurnResult> {
    const choice = this.pick(step, input);
    if (choice === STALE) {
      await this.host.send(dc.context, [FLOW_TEXTS.staleChoice, step.text], this.buttons(step));
      return Dialog.EndOfTurn;
    }
    if (!choice) return dc.endDialog({ left: true });
    state.answers[step.id] = choice.value;
    if (step.save) {
      const profile = await this.host.profile(dc.context);
      profile.attributes = { ...profile.attributes, [step.save]: choice.value };
    }
    state.waiting = undefined;
    return this.run(dc, choice.next ?? step.next);
  }

  private async onCommune(dc: DialogContext, state: FlowState, step: AskCommuneStep, input: FlowInput): Promise<DialogTurnResult> {
    const { communes } = this.host;
    const skip = [this.buttonFor(step.id, SKIP_VALUE, step.skip_label)];
    const a = input.action;
    const folded = foldName(input.text);
    if (a?.kind === 'flow-choice') {
      if (a.flow !== this.flow.id || a.step !== step.id) {
        await this.host.send(dc.context, [FLOW_TEXTS.staleChoice, step.text], skip);
        return Dialog.EndOfTurn;
      }
      return this.afterCommune(dc, state, step, null);
    }
    if (!a && (SKIP_WORDS.has(folded) || folded === foldName(step.skip_label))) return this.afterCommune(dc, state, step, null);
    if (a?.kind === 'commune') {
      const commune = communes.byCode(a.code);
      if (commune) return this.afterCommune(dc, state, step, commune.code);
    }
    const match = a ? { kind: 'none' as const } : communes.match(input.text);
    if (match.kind === 'found') return this.afterCommune(dc, state, step, match.commune.code);
    if (match.kind === 'ambiguous') {
      const buttons = match.candidates.map((c) => ({ title: c.name, payload: communePayload(c.code) }));
      await this.host.send(dc.context, [match.more ? FLOW_TEXTS.communeManyMatches : FLOW_TEXTS.communeWhichOne], [...buttons, ...skip]);
      return Dialog.EndOfTurn;
    }
    if (await this.host.isQuestion(dc.context, input.text)) return dc.endDialog({ left: true });
    state.misses += 1;
    if (state.misses >= 2) {
      await this.host.send(dc.context, [FLOW_TEXTS.communeGaveUp], []);
      return this.afterCommune(dc, state, step, null, true);
    }
    await this.host.send(dc.context, [FLOW_TEXTS.communeNotFound], skip);
    return Dialog.EndOfTurn;
  }

  private async afterCommune(dc: DialogContext, state: FlowState, step: AskCommuneStep, code: string | null, quiet = false): Promise<DialogTurnResult> {
    if (code) {
      const profile = await this.host.profile(dc.context);
      profile.communeCode = code;
      const commune = this.host.communes.byCode(code)!;
      await this.host.send(dc.context, [FLOW_TEXTS.communeSaved(communeLabel(commune))], []);
    } else if (!quiet) {
      await this.host.send(dc.context, [FLOW_TEXTS.communeSkipped], []);
    }
    state.waiting = undefined;
    state.misses = 0;
    return this.run(dc, step.next);
  }

  /** Runs steps from `from` until one waits for the user or the flow ends. */
  private async run(dc: DialogContext, from: string | undefined): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as FlowState;
    let id = from;
    for (let count = 0; id; count++) {
      if (count >= MAX_STEPS_PER_TURN) break;
      const step = this.flow.steps.get(id);
      if (!step) break;
      switch (step.type) {
        case 'say':
          await this.host.send(dc.context, [step.text], []);
          id = step.next;
          break;
        case 'ask':
          state.waiting = step.id;
          state.misses = 0;
          await this.host.send(dc.context, [step.text], this.buttons(step));
          return Dialog.EndOfTurn;
        case 'ask_commune': {
          const profile = await this.host.profile(dc.context);
          if (step.skip_if_known && this.host.communes.byCode(profile.communeCode)) {
            id = step.next;
            break;
          }
          state.waiting = step.id;
          state.misses = 0;
          await this.host.send(dc.context, [step.text], [this.buttonFor(step.id, SKIP_VALUE, step.skip_label)]);
          return Dialog.EndOfTurn;
        }
        case 'branch':
          id = this.branch(step, state, await this.host.profile(dc.context));
          break;
        case 'set': {
          const profile = await this.host.profile(dc.context);
          profile.attributes = { ...profile.attributes, [step.attribute]: step.value };
          id = step.next;
          break;
        }
        case 'answer':
          await this.host.answerTopic(dc.context, step.topic);
          id = step.next;
          break;
        case 'handoff':
          await dc.endDialog({ finished: true });
          await this.host.handoff(dc.context);
          return { status: DialogTurnStatus.complete, result: { finished: true } };
        case 'menu':
          await dc.endDialog({ finished: true });
          await this.host.showMenu(dc.context, step.text);
          return { status: DialogTurnStatus.complete, result: { finished: true } };
      }
    }
    return dc.endDialog({ finished: true });
  }

  private branch(step: BranchStep, state: FlowState, profile: FlowProfile): string | undefined {
    for (const c of step.cases) if (holds(c.if, state, profile)) return c.next;
    return step.else;
  }

  private buttons(step: AskStep): FlowButton[] {
    return step.choices.map((c) => this.buttonFor(step.id, c.value, c.label));
  }

  private buttonFor(stepId: string, value: string, title: string): FlowButton {
    return { title, payload: flowChoicePayload(this.flow.id, stepId, value) };
  }

  /** The choice an input picks: its button, its label, value or a synonym typed out. */
  private pick(step: AskStep, input: FlowInput): AskStep['choices'][number] | typeof STALE | undefined {
    const a = input.action;
    if (a?.kind === 'flow-choice') {
      if (a.flow !== this.flow.id || a.step !== step.id) return STALE;
      return step.choices.find((c) => c.value === a.value) ?? STALE;
    }
    if (a) return undefined;
    const typed = foldName(input.text.replace(/^\s*\d{1,2}[.)]\s+/, ''));
    if (!typed) return undefined;
    return step.choices.find(
      (c) => foldName(c.label) === typed || c.value.replace(/-/g, ' ') === typed || (c.synonyms ?? []).some((s) => foldName(s) === typed),
    );
  }
}

function holds(condition: FlowCondition, state: FlowState, profile: FlowProfile): boolean {
  const value =
    'answer' in condition
      ? state.answers[condition.answer]
      : condition.attribute === 'commune'
        ? (profile.communeCode ?? undefined)
        : profile.attributes?.[condition.attribute];
  if ('exists' in condition && condition.exists !== undefined && (value !== undefined) !== condition.exists) return false;
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.in !== undefined && (value === undefined || !condition.in.includes(value))) return false;
  return true;
}
