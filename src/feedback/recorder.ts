/**
 * The TurnRecorder behind every channel: redacts the text, turns the platform id into a keyed hash, cuts
 * the report buckets and writes one row. Nothing personal reaches the store or the log.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { AskResult } from '../knowledge/engine.js';
import { redactPii } from '../privacy/redact.js';
import { pseudonymousUserKey } from '../privacy/pseudonym.js';
import { foldDiacritics } from '../text/fold.js';
import { bucketsOf } from './calendar.js';
import type { TurnLogStore } from './store.js';
import type { ChannelName, TurnInput, TurnRecorder, Vote } from './turn-types.js';

export const MAX_STORED_TEXT = 2000;
const MAX_CANDIDATES = 5;
/** Returned when a turn could not be stored, so a later vote on it is a harmless no-op. */
export const UNRECORDED_TURN_ID = 'none';

/** Lower case, no diacritics, collapsed spaces: what search compares against. */
export function foldSearchText(text: string): string {
  return foldDiacritics(text.normalize('NFC')).toLowerCase().replace(/\s+/g, ' ').trim();
}

export interface RecorderOptions {
  store: TurnLogStore;
  userKeySecret: string;
  timeZone: string;
  log: { warn(line: string): void };
  now?: () => Date;
}

export class StoreTurnRecorder implements TurnRecorder {
  constructor(private readonly options: RecorderOptions) {}

  async record(turn: TurnInput): Promise<string> {
    const at = turn.at ?? this.options.now?.() ?? new Date();
    const text = redactPii(turn.text.normalize('NFC')).slice(0, MAX_STORED_TEXT);
    const id = randomUUID();
    try {
      await this.options.store.insertTurn({
        id,
        at,
        ...bucketsOf(at, this.options.timeZone),
        channel: turn.channel,
        userKey: pseudonymousUserKey(this.options.userKeySecret, turn.channel, turn.platformUserId),
        commune: normaliseCommune(turn.communeCode),
        text,
        searchText: foldSearchText(text),
        status: turn.status,
        topic: turn.topic,
        indicator: turn.indicator,
        confidence: Number.isFinite(turn.confidence) ? turn.confidence : 0,
        candidates: turn.candidates.slice(0, MAX_CANDIDATES).map((c) => ({ topic: c.topic, score: c.score })),
        forwarded: turn.forwarded ?? false,
      });
      return id;
    } catch (err) {
      // Losing one log row must not cost the citizen their answer; the operator sees why.
      this.options.log.warn(`Không ghi được lượt hỏi vào nhật ký (${turn.channel}): ${(err as Error).message}`);
      return UNRECORDED_TURN_ID;
    }
  }

  async vote(turnId: string, vote: Vote): Promise<void> {
    if (vote !== 'up' && vote !== 'down') throw new AppError('invalid_request', 'Đánh giá phải là up hoặc down.');
    if (turnId === UNRECORDED_TURN_ID) return;
    const found = await this.options.store.setVote(turnId, vote, this.options.now?.() ?? new Date());
    if (!found) this.options.log.warn(`Bỏ qua đánh giá cho lượt hỏi không còn trong nhật ký: ${turnId}`);
  }
}

function normaliseCommune(code: string | null | undefined): string | null {
  const trimmed = code?.trim();
  return trimmed ? trimmed.slice(0, 64) : null;
}

/** Builds the TurnInput for an engine answer; channels and /api/ask share it. */
export function turnFromAsk(
  result: AskResult,
  who: { channel: ChannelName; platformUserId: string; communeCode?: string | null; forwarded?: boolean; at?: Date },
): TurnInput {
  return {
    channel: who.channel,
    platformUserId: who.platformUserId,
    communeCode: who.communeCode ?? null,
    text: result.q,
    status: result.status,
    topic: result.topic,
    indicator: result.indicator,
    confidence: result.confidence,
    candidates: result.candidates,
    forwarded: who.forwarded,
    at: who.at,
  };
}
