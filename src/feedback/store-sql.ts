/**
 * SQL shared by the SQLite and PostgreSQL turn log stores: the query text is the same in both dialects,
 * only placeholders ("?" or "$1"), timestamps and booleans differ, so each backend passes those in.
 */
import type { AggregateQuery, AggregateRow, TurnQuery, TurnRow, TriageActionRow, OutboxItem, TriageState, TriageActionKind } from './store.js';
import type { AskStatus } from '../knowledge/engine.js';
import type { ChannelName, Vote } from './turn-types.js';

export interface SqlParams {
  values: unknown[];
  /** Adds a value and returns its placeholder. */
  add(value: unknown): string;
}

export function questionMarkParams(): SqlParams {
  const values: unknown[] = [];
  return { values, add: (v) => (values.push(v), '?') };
}

export function dollarParams(): SqlParams {
  const values: unknown[] = [];
  return { values, add: (v) => (values.push(v), `$${values.length}`) };
}

/** Escapes LIKE wildcards so a search for "50%" matches the text "50%" only. */
function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function turnWhere(q: TurnQuery, p: SqlParams): string {
  const clauses: string[] = [];
  if (q.ids) clauses.push(q.ids.length ? `id IN (${q.ids.map((id) => p.add(id)).join(', ')})` : '1 = 0');
  if (q.needsTriage) clauses.push(`(status = 'uncovered' OR vote = 'down')`);
  if (q.triageState) clauses.push(`triage_state = ${p.add(q.triageState)}`);
  if (q.statuses?.length) clauses.push(`status IN (${q.statuses.map((s) => p.add(s)).join(', ')})`);
  if (q.vote) clauses.push(`vote = ${p.add(q.vote)}`);
  if (q.fromDay) clauses.push(`day >= ${p.add(q.fromDay)}`);
  if (q.toDay) clauses.push(`day <= ${p.add(q.toDay)}`);
  if (q.commune) clauses.push(`commune = ${p.add(q.commune)}`);
  if (q.indicator) clauses.push(`indicator = ${p.add(q.indicator)}`);
  if (q.search) clauses.push(`search_text LIKE ${p.add(likePattern(q.search))} ESCAPE '\\'`);
  return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
}

const BUCKET_COLUMN = { day: 'day', week: 'week', month: 'month' } as const;
const KEY_COLUMN = { indicator: 'indicator', commune: 'commune' } as const;

/** Counts per (key, bucket). */
export function aggregateSql(q: AggregateQuery, p: SqlParams): string {
  const key = KEY_COLUMN[q.by];
  const bucket = q.period === 'total' ? `'total'` : BUCKET_COLUMN[q.period];
  const where = [`day >= ${p.add(q.fromDay)}`, `day <= ${p.add(q.toDay)}`];
  if (q.indicator) where.push(`indicator = ${p.add(q.indicator)}`);
  if (q.commune) where.push(`commune = ${p.add(q.commune)}`);
  return `SELECT ${key} AS key, ${bucket} AS bucket,
    SUM(CASE WHEN status = 'answered' THEN 1 ELSE 0 END) AS answered,
    SUM(CASE WHEN status = 'uncovered' THEN 1 ELSE 0 END) AS uncovered,
    SUM(CASE WHEN status = 'smalltalk' THEN 1 ELSE 0 END) AS smalltalk,
    SUM(CASE WHEN vote = 'down' THEN 1 ELSE 0 END) AS downvotes,
    SUM(CASE WHEN vote = 'up' THEN 1 ELSE 0 END) AS upvotes,
    COUNT(DISTINCT user_key) AS users
    FROM turns WHERE ${where.join(' AND ')}
    GROUP BY ${key}${q.period === 'total' ? '' : `, ${bucket}`}
    ORDER BY ${q.period === 'total' ? 'key' : `${bucket}, key`}`;
}

export const INSERT_TURN_COLUMNS = [
  'id', 'at', 'day', 'week', 'month', 'channel', 'user_key', 'commune', 'text', 'search_text',
  'status', 'topic', 'indicator', 'confidence', 'candidates', 'forwarded',
] as const;

export interface DialectValues {
  toDbTime(d: Date): unknown;
  fromDbTime(v: unknown): Date;
  toDbBool(b: boolean): unknown;
}

type DbRow = Record<string, unknown>;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function rowToTurn(r: DbRow, d: DialectValues): TurnRow {
  return {
    id: String(r.id),
    at: d.fromDbTime(r.at),
    day: String(r.day),
    week: String(r.week),
    month: String(r.month),
    channel: String(r.channel) as ChannelName,
    userKey: String(r.user_key),
    commune: str(r.commune),
    text: String(r.text),
    searchText: String(r.search_text),
    status: String(r.status) as AskStatus,
    topic: str(r.topic),
    indicator: str(r.indicator),
    confidence: Number(r.confidence),
    candidates: JSON.parse(String(r.candidates)) as TurnRow['candidates'],
    forwarded: r.forwarded === true || r.forwarded === 1,
    vote: (str(r.vote) as Vote | null) ?? null,
    votedAt: r.voted_at === null || r.voted_at === undefined ? null : d.fromDbTime(r.voted_at),
    triageState: String(r.triage_state) as TriageState,
    triageActionId: str(r.triage_action_id),
  };
}

export function rowToAction(r: DbRow, d: DialectValues): TriageActionRow {
  return {
    id: String(r.id),
    at: d.fromDbTime(r.at),
    actor: String(r.actor),
    kind: String(r.kind) as TriageActionKind,
    guideId: str(r.guide_id),
    note: str(r.note),
    questions: JSON.parse(String(r.questions)) as string[],
    turnIds: JSON.parse(String(r.turn_ids)) as string[],
  };
}

export function rowToOutbox(r: DbRow, d: DialectValues): OutboxItem {
  return {
    key: String(r.key),
    payload: String(r.payload),
    createdAt: d.fromDbTime(r.created_at),
    attempts: Number(r.attempts),
    nextAttemptAt: d.fromDbTime(r.next_attempt_at),
    deliveredAt: r.delivered_at === null || r.delivered_at === undefined ? null : d.fromDbTime(r.delivered_at),
    lastError: str(r.last_error),
  };
}

export function aggregateRow(r: DbRow): AggregateRow {
  return {
    key: str(r.key),
    bucket: String(r.bucket),
    answered: Number(r.answered ?? 0),
    uncovered: Number(r.uncovered ?? 0),
    smalltalk: Number(r.smalltalk ?? 0),
    downvotes: Number(r.downvotes ?? 0),
    upvotes: Number(r.upvotes ?? 0),
    users: Number(r.users ?? 0),
  };
}
