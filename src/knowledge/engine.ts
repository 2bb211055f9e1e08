/**
 * The answer engine: a question in, a decision and a Vietnamese reply out. It owns the current index and can
 * swap to a new one atomically (questions keep being answered from the old index while a new one builds).
 */
import { buildIndex, contentHash, loadIndex, saveIndex, type BuiltIndex, type IndexEmbedder, type IndexInput } from './index-store.js';
import { featureVector, predict, summarize } from './decision.js';
import { composeGuideAnswer, composeUncovered, type Suggestion } from './compose.js';
import { SMALLTALK_PREFIX } from './entries.js';
import type { Guide, Indicator, SmalltalkIntent } from './schema.js';
import { contentTokens, tokenize } from '../text/normalize.js';
import { foldDiacritics } from '../text/fold.js';

export type AskStatus = 'answered' | 'uncovered' | 'smalltalk';

/** The public contract of `ask --json`, `POST /api/ask` and the evaluation. */
export interface AskResponse {
  q: string;
  status: AskStatus;
  topic: string | null;
  confidence: number;
  candidates: Array<{ topic: string; score: number }>;
  text: string;
}

export interface AskResult extends AskResponse {
  /** The reply cut into pieces of at most 2,000 characters. */
  pieces: string[];
  indicator: string | null;
  suggestions: Suggestion[];
  smalltalkIntent?: string;
}

export function toResponse(r: AskResult): AskResponse {
  return { q: r.q, status: r.status, topic: r.topic, confidence: r.confidence, candidates: r.candidates, text: r.text };
}

const SMALLTALK_MIN_SCORE = 0.3;
const MAX_SMALLTALK_WORDS = 12;

/** Question marks and Vietnamese question words ("gì", "sao", "đâu", "không", "bao nhiêu"...), folded. */
const QUESTION_SIGNALS =
  /\?|\b(gi|j|sao|s|nao|dau|khong|ko|k|hok|chua|bao nhieu|bn|the nao|ntn|hoi|giup|can|muon|lam on|huong dan|chi cho|duoc khong)\b/;

/** Checked on the raw folded text (for "?" and "k") and on the normalised tokens (typos: "gif" is "gì"). */
function asksSomething(text: string, tokens: readonly string[]): boolean {
  return QUESTION_SIGNALS.test(foldDiacritics(text.toLowerCase())) || QUESTION_SIGNALS.test(tokens.join(' '));
}

/** Content words of the small-talk examples, and those of them no guide title or keyword uses. */
function smalltalkOnlyWords(
  intents: readonly SmalltalkIntent[],
  guides: readonly Guide[],
): { all: Set<string>; only: Set<string> } {
  const topical = new Set<string>();
  for (const g of guides) {
    for (const text of [g.title, ...g.keywords]) for (const t of contentTokens(tokenize(text))) topical.add(t);
  }
  const all = new Set<string>();
  for (const intent of intents) for (const ex of intent.examples) for (const t of contentTokens(tokenize(ex))) all.add(t);
  return { all, only: new Set([...all].filter((t) => !topical.has(t))) };
}
const MAX_QUESTION_CHARS = 2000;
const round = (x: number) => Math.round(x * 1000) / 1000;

export interface EngineOptions {
  dataDir?: string;
  embedder: IndexEmbedder;
  /** Called with a short Vietnamese line for operators (which index was loaded or built). */
  log?: (line: string) => void;
}

/** How far an out-of-scope subject must lead the best guide to make a question uncovered on its own. */
const OUT_OF_SCOPE_MARGIN = 0.05;

export class AnswerEngine {
  private index!: BuiltIndex;
  private guides = new Map<string, Guide>();
  private smalltalk = new Map<string, SmalltalkIntent>();
  private indicators: Indicator[] = [];
  /**
   * A message is small talk when all its words come from the small-talk examples and at least one of them
   * never names anything in the guides ("cam on", "chao", "bye" vs "tam tru").
   */
  private smalltalkVocabulary = { all: new Set<string>(), only: new Set<string>() };

  private constructor(private readonly options: EngineOptions) {}

  static async create(input: IndexInput & { indicators?: Indicator[] }, options: EngineOptions): Promise<AnswerEngine> {
    const engine = new AnswerEngine(options);
    await engine.publish(input);
    engine.indicators = input.indicators ?? [];
    return engine;
  }

  get indexHash(): string {
    return this.index.hash;
  }

  get indexInfo(): { hash: string; builtAt: string; entries: number; guides: number; buildMs: number; threshold: number } {
    return {
      hash: this.index.hash,
      builtAt: this.index.builtAt,
      entries: this.index.entries.length,
      guides: this.guides.size,
      buildMs: Math.round(this.index.buildMs),
      threshold: this.index.calibration.threshold,
    };
  }

  /** Vectors from the live index's embedder (the same space as retrieval), for clustering questions. */
  async embedTexts(texts: string[]): Promise<number[][]> {
    return this.index.embedder.embedDocuments(texts);
  }

  guide(id: string): Guide | undefined {
    return this.guides.get(id);
  }

  allGuides(): Guide[] {
    return [...this.guides.values()];
  }

  indicatorList(): Indicator[] {
    return this.indicators;
  }

  /** Builds (or loads from disk) the index for this knowledge and swaps it in only when it is ready. */
  async publish(input: IndexInput & { indicators?: Indicator[] }): Promise<BuiltIndex> {
    const { dataDir, embedder, log } = this.options;
    const hash = contentHash(input, embedder.id);
    let built = dataDir ? loadIndex(dataDir, hash, embedder, input) : undefined;
    if (built) log?.(`Đã nạp chỉ mục ${hash} từ ${dataDir}.`);
    else {
      built = await buildIndex(input, embedder);
      if (dataDir) saveIndex(dataDir, built, embedder);
      log?.(`Đã xây chỉ mục ${hash}: ${built.entries.length} mục, ${Math.round(built.buildMs)} ms.`);
    }
    this.index = built;
    this.guides = new Map(input.guides.map((g) => [g.id, g]));
    this.smalltalk = new Map(input.smalltalk.map((s) => [s.id, s]));
    this.smalltalkVocabulary = smalltalkOnlyWords(input.smalltalk, input.guides);
    if (input.indicators) this.indicators = input.indicators;
    return built;
  }

  async ask(rawQuestion: string): Promise<AskResult> {
    const q = rawQuestion.normalize('NFC').trim().slice(0, MAX_QUESTION_CHARS);
    const { ranker, calibration } = this.index;
    const ranked = await ranker.rank(q);
    const summary = summarize(ranked);
    const candidates = summary.guides.slice(0, 3).map((g) => ({ topic: g.target, score: round(Math.min(1, g.score)) }));
    const suggestions = candidates
      .map((c) => this.guides.get(c.topic))
      .filter((g): g is Guide => g !== undefined)
      .map((g) => ({ topic: g.id, title: g.title }));

    const tokens = tokenize(q);
    const content = contentTokens(tokens);
    const st = summary.smalltalk;
    const best = summary.best;
    const bestScore = best?.score ?? 0;
    const smalltalkWins =
      content.length === 0 ||
      (!asksSomething(q, tokens) &&
        content.some((t) => this.smalltalkVocabulary.only.has(t)) &&
        (st?.score ?? 0) >= (summary.outOfScope?.score ?? 0)) ||
      (content.length <= MAX_SMALLTALK_WORDS &&
        content.every((t) => this.smalltalkVocabulary.all.has(t)) &&
        content.some((t) => this.smalltalkVocabulary.only.has(t))) ||
      (st !== undefined &&
        st.score >= SMALLTALK_MIN_SCORE &&
        st.score >= bestScore &&
        st.score >= (summary.outOfScope?.score ?? 0));
    if (smalltalkWins) {
      const intentId = st?.target.slice(SMALLTALK_PREFIX.length) ?? 'greeting';
      const text = this.smalltalkReply(intentId, q);
      return {
        q, status: 'smalltalk', topic: null, confidence: round(Math.min(1, st?.score ?? 1)), candidates,
        text, pieces: [text], indicator: null, suggestions: [], smalltalkIntent: intentId,
      };
    }

    const p = best ? predict(calibration, featureVector(summary)) : 0;
    const guide = best ? this.guides.get(best.target) : undefined;
    // A subject the base knows to be outside it, clearly ahead of every guide, settles it whatever the
    // confidence model says: the model is linear, and a high score can outweigh a negative gap.
    const outOfScopeAhead = best !== undefined && (summary.outOfScope?.score ?? 0) > best.score + OUT_OF_SCOPE_MARGIN;
    if (guide && p >= calibration.threshold && !outOfScopeAhead) {
      const pieces = composeGuideAnswer(guide);
      return {
        q, status: 'answered', topic: guide.id, confidence: round(p), candidates,
        text: pieces.join('\n\n'), pieces, indicator: guide.indicator, suggestions,
      };
    }
    const pieces = composeUncovered(suggestions);
    return {
      q, status: 'uncovered', topic: null, confidence: round(p), candidates,
      text: pieces.join('\n\n'), pieces, indicator: guide?.indicator ?? null, suggestions,
    };
  }

  private smalltalkReply(intentId: string, q: string): string {
    const intent = this.smalltalk.get(intentId);
    const replies = intent?.replies ?? [
      'Chào bạn! Tôi là trợ lý tự động hướng dẫn VNeID, dịch vụ công trực tuyến và thanh toán điện tử. Bạn cần hỏi gì ạ?',
    ];
    let h = 0;
    for (const ch of q) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return replies[h % replies.length]!;
  }
}
