/**
 * Runs the loaded flows on a botbuilder DialogSet whose state lives in ConversationState (so a flow resumes
 * at the right step after a restart). The bot asks it to start a flow, to feed it the user's input, or to
 * cancel; it answers whether the input was handled or left the flow.
 */
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { foldName } from '../communes/commune-match.js';
import type { Flow } from './flow-schema.js';
import { FLOW_INPUT_KEY, FlowDialog, flowDialogId, type FlowHost, type FlowInput } from './flow-dialog.js';

export type FlowOutcome = 'none' | 'handled' | 'left';

/** Words a message may have besides a trigger phrase and still start the flow. */
const MAX_EXTRA_WORDS = 3;

export class FlowRunner {
  private readonly dialogs: DialogSet;
  private readonly byId = new Map<string, Flow>();

  constructor(
    flows: readonly Flow[],
    dialogState: StatePropertyAccessor<DialogState>,
    host: FlowHost,
    private readonly log: { warn(line: string): void },
  ) {
    this.dialogs = new DialogSet(dialogState);
    for (const flow of flows) {
      this.byId.set(flow.id, flow);
      this.dialogs.add(new FlowDialog(flow, host));
    }
  }

  has(flowId: string): boolean {
    return this.byId.has(flowId);
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * The flow whose trigger phrase appears, as whole words, in a short message: "tôi muốn gặp cán bộ" starts
   * the handoff, "cho hỏi gặp cán bộ ở đâu để làm căn cước" stays a question for the knowledge base.
   */
  triggeredBy(text: string): Flow | undefined {
    const folded = foldName(text);
    const words = folded.split(' ').length;
    for (const flow of this.byId.values()) {
      const hit = flow.triggers.find((t) => ` ${folded} `.includes(` ${t} `) && words <= t.split(' ').length + MAX_EXTRA_WORDS);
      if (hit) return flow;
    }
    return undefined;
  }

  /** Cancels whatever runs and starts the flow from its first step. */
  async start(context: TurnContext, flowId: string): Promise<boolean> {
    if (!this.byId.has(flowId)) return false;
    const dc = await this.dialogs.createContext(context);
    await dc.cancelAllDialogs();
    await dc.beginDialog(flowDialogId(flowId));
    return true;
  }

  /** The id of the flow waiting for this conversation's answer, if any. */
  async active(context: TurnContext): Promise<string | undefined> {
    const dc = await this.dialogs.createContext(context);
    const id = dc.activeDialog?.id;
    return id?.startsWith('flow:') ? id.slice('flow:'.length) : undefined;
  }

  async cancel(context: TurnContext): Promise<void> {
    const dc = await this.dialogs.createContext(context);
    if (dc.activeDialog) await dc.cancelAllDialogs();
  }

  /** Gives the input to the waiting flow. */
  async continue(context: TurnContext, input: FlowInput): Promise<FlowOutcome> {
    const dc = await this.dialogs.createContext(context);
    if (!dc.activeDialog) return 'none';
    if (!this.dialogs.find(dc.activeDialog.id)) {
      // The flow was removed or renamed since this conversation started it.
      this.log.warn(`Luồng hội thoại "${dc.activeDialog.id}" không còn; đã bỏ trạng thái cũ.`);
      await dc.cancelAllDialogs();
      return 'none';
    }
    context.turnState.set(FLOW_INPUT_KEY, input);
    const result = await dc.continueDialog();
    const left = result.status === DialogTurnStatus.complete && (result.result as { left?: boolean } | undefined)?.left === true;
    return left ? 'left' : 'handled';
  }
}
