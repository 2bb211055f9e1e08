/**
 * The turn log storage contract. Two backends implement it (embedded SQLite by default, PostgreSQL when
 * DATABASE_URL is set) and both pass the one shared suite in test/feedback/store-suite.ts.
 * Everything that reaches a store is already redacted and pseudonymised.
 */
import type { AskStatus } from '../knowledge/engine.js';
import type { Period } from './calendar.js';
import type { ChannelName, Vote } from './turn-types.js';

export type TriageState = 'open' | 'attached' | 'out_of_scope' | 'needs_guide';
export const TRIAGE_STATES: readonly TriageState[] = ['open', 'attached', 'out_of_scope', 'needs_guide'];

export type TriageActionKind = 'attach_to_guide' | 'out_of_scope' | 'needs_new_guide';
export const TRIAGE_ACTION_KINDS: readonly TriageActionKind[] = ['attach_to_guide', 'out_of_scope', 'needs_new_guide'];

export const STATE_AFTER_ACTION: Record<TriageActionKind, TriageState> = {
  attach_to_guide: 'attached',
  out_of_scope: 'out_of_scope',
  needs_new_guide: 'needs_guide',
};

export interface NewTurnRow {
  id: string;
  at: Date;
  /** Local calendar buckets in the report time zone. */
  day: string;
  week: string;
  month: string;
  channel: ChannelName;
  userKey: string;
  commune: string | null;
  /** Redacted text. */
  text: string;
  /** Redacted text folded to lower case without diacritics, for search. */
  searchText: string;
  status: AskStatus;
  topic: string | null;
  indicator: string | null;
  confidence: number;
  candidates: Array<{ topic: string; score: number }>;
  forwarded: boolean;
}

export interface TurnRow extends NewTurnRow {
  vote: Vote | null;
  votedAt: Date | null;
  triageState: TriageState;
  triageActionId: string | null;
}

export interface TurnQuery {
  ids?: string[];
  /** Uncovered or 👎 turns (the triage queue). */
  needsTriage?: boolean;
  triageState?: TriageState;
  statuses?: AskStatus[];
  vote?: Vote;
  fromDay?: string;
  toDay?: string;
  commune?: string;
  indicator?: string;
  /** Substring of the folded text (lower case, no diacritics). */
  search?: string;
  limit?: number;
  offset?: number;
}

export type ReportDimension = 'indicator' | 'commune';

export interface AggregateQuery {
  by: ReportDimension;
  /** 'total' puts the whole range in one bucket named "total". */
  period: Period | 'total';
  fromDay: string;
  toDay: string;
  indicator?: string;
  commune?: string;
}

export interface AggregateRow {
  /** Indicator id or commune code; null when the turn had none. */
  key: string | null;
  /** Day, Monday of the week, or YYYY-MM. */
  bucket: string;
  answered: number;
  uncovered: number;
  smalltalk: number;
  downvotes: number;
  upvotes: number;
  users: number;
}

export interface TriageActionRow {
  id: string;
  at: Date;
  actor: string;
  kind: TriageActionKind;
  guideId: string | null;
  note: string | null;
  /** The (redacted) questions written into the knowledge base or noted for a new guide. */
  questions: string[];
  turnIds: string[];
}

export interface OutboxItem {
  key: string;
  payload: string;
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  lastError: string | null;
}

export interface TurnLogStore {
  readonly backend: 'sqlite' | 'postgres';
  /** Runs pending schema migrations; called once by the factory before the store is used. */
  migrate(): Promise<void>;
  insertTurn(turn: NewTurnRow): Promise<void>;
  /** Returns false when no turn has this id. */
  setVote(turnId: string, vote: Vote, at: Date): Promise<boolean>;
  getTurn(turnId: string): Promise<TurnRow | undefined>;
  /** Newest first. */
  listTurns(query: TurnQuery): Promise<TurnRow[]>;
  countTurns(query: TurnQuery): Promise<number>;
  aggregate(query: AggregateQuery): Promise<AggregateRow[]>;
  /** Stores the action and moves its turns to the matching triage state, atomically. Returns turns moved. */
  recordTriageAction(action: TriageActionRow): Promise<number>;
  listTriageActions(limit: number): Promise<TriageActionRow[]>;
  /** Deletes turns older than `before`; returns how many. */
  purgeTurnsBefore(before: Date): Promise<number>;
  /** Adds an item unless one with the same key exists; returns whether it was added. */
  enqueueOutbox(key: string, payload: string, at: Date): Promise<boolean>;
  dueOutbox(now: Date, limit: number): Promise<OutboxItem[]>;
  getOutbox(key: string): Promise<OutboxItem | undefined>;
  markOutboxDelivered(key: string, attempts: number, at: Date): Promise<void>;
  markOutboxFailed(key: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 5000;

export function clampLimit(limit: number | undefined): number {
  return Math.max(1, Math.min(MAX_LIST_LIMIT, Math.floor(limit ?? DEFAULT_LIST_LIMIT)));
}
