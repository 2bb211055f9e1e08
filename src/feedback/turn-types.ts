/**
 * The contract between the conversation layer (bot, channels, /api/ask) and the feedback module (turn log,
 * triage, reports). The bot only knows this interface; storage backends live in src/feedback/.
 */
import type { AskStatus } from '../knowledge/engine.js';

export type ChannelName = 'zalo' | 'messenger' | 'botframework' | 'webchat' | 'api';

export interface TurnInput {
  channel: ChannelName;
  /** Raw platform user id; the recorder turns it into a keyed hash and never stores it. */
  platformUserId: string;
  /** Commune code when known (from the user's profile or the forwarding staff member). */
  communeCode?: string | null;
  /** The citizen's text; the recorder redacts personal data before writing anything. */
  text: string;
  status: AskStatus;
  topic: string | null;
  indicator: string | null;
  confidence: number;
  candidates: Array<{ topic: string; score: number }>;
  /** True when a commune staff member forwarded the question on a citizen's behalf. */
  forwarded?: boolean;
  at?: Date;
}

export type Vote = 'up' | 'down';

export interface TurnRecorder {
  /** Stores one turn and returns its id (used by the 👍/👎 buttons). */
  record(turn: TurnInput): Promise<string>;
  /** Records the citizen's 👍/👎 on an earlier turn. */
  vote(turnId: string, vote: Vote): Promise<void>;
}

/** A recorder that keeps nothing, for tests and tools that do not need the turn log. */
export const nullRecorder: TurnRecorder = {
  async record() {
    return 'none';
  },
  async vote() {},
};
