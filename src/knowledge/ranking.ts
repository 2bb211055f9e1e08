/**
 * Hybrid ranking: BM25 over syllables and bigrams, plus cosine similarity from the vector index, fused
 * per target (guide, out-of-scope subject or small-talk intent). Scores are normalised to roughly 0..1 so
 * the decision step can compare them across questions.
 */
import { Bm25Builder, Bm25Index } from './bm25.js';
import { hasVector } from './entries.js';
import { OOS_PREFIX, SMALLTALK_PREFIX, type IndexEntry } from './entries.js';
import { VectorStore } from './vector-store.js';
import { isStopword } from '../text/normalize.js';
import type { Analysis, Analyzer } from '../text/analyzer.js';

export interface TargetScore {
  target: string;
  score: number;
  lexical: number;
  vector: number;
}

export interface QueryEmbedder {
  readonly id: string;
  embedQuery(text: string): Promise<number[]>;
  embedSync?(text: string): number[];
}

export const LEXICAL_WEIGHT = 0.65;
const SECOND_WEIGHT = 0.5;
const KNN = 48;

/** The lexical terms of an analysed text: its syllables and syllable bigrams. */
export function analysisTerms({ tokens, bigrams }: Analysis): string[] {
  return [...tokens, ...bigrams];
}

/**
 * The two lexical indexes: one over the entries, and one over each target's profile (the terms of all its
 * questions, title, keywords and summary together). An entry match says "this question was asked like
 * that"; a profile match says "these words belong to this topic and few others", which tells neighbouring
 * guides apart when no single sample question covers the whole message.
 */
export interface LexicalIndexes {
  entries: Bm25Index;
  profiles: Bm25Index;
}

/** Profiles are scored with little length normalisation and early saturation: guides differ in size. */
const PROFILE_OPTIONS = { k1: 0.8, b: 0.3 };
/** The share of a target's lexical score that comes from its profile. */
export const PROFILE_WEIGHT = 0.35;

/**
 * The lexical indexes of the entries. Targets' entries must be contiguous (buildEntries writes them so):
 * a profile is complete when the next target starts. `onAnalysis` sees each entry's analysis as it goes
 * by, so other consumers (the hashing embedder's fit) need not analyse every text again.
 */
export function buildLexicalIndex(
  entries: readonly IndexEntry[],
  analyzer: Analyzer,
  onAnalysis?: (entry: number, analysis: Analysis) => void,
): LexicalIndexes {
  const entryIndex = new Bm25Builder();
  const profileIndex = new Bm25Builder(entryIndex);
  const done = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const analysis = analyzer.analyze(entry.text);
    onAnalysis?.(i, analysis);
    const terms = analysisTerms(analysis);
    entryIndex.add(terms);
    if (hasVector(entry)) profileIndex.addPart(terms);
    if (entries[i + 1]?.target !== entry.target) {
      if (done.has(entry.target)) throw new Error(`lexical index: the entries of ${entry.target} are not contiguous`);
      done.add(entry.target);
      profileIndex.endEntry();
    }
  }
  return { entries: new Bm25Index(entryIndex), profiles: new Bm25Index(profileIndex, PROFILE_OPTIONS) };
}

/**
 * What a perfect match of the query would score in an index. Words the index has never seen count too (at
 * half the rarest weight), so a question about something the base never mentions cannot reach full marks
 * on one common word.
 */
function perfectScore(index: Bm25Index, terms: readonly string[]): number {
  let score = 0;
  for (const t of terms) {
    if (index.has(t)) score += index.idf(t) * termWeight(t);
    else if (!t.includes('_') && !isStopword(t) && !/^\d+$/.test(t)) score += 0.5 * index.maxIdf();
  }
  return (score || 1) * index.maxTermFactor();
}

/** Stopwords are left out of lexical scoring: they match everything and say nothing. */
function termWeight(term: string): number {
  return !term.includes('_') && isStopword(term) ? 0 : 1;
}

/**
 * The two best entry scores of each target, in buffers reused between queries: a 2,000-guide base touches
 * thousands of targets per question, and a Map of pairs per question was most of what a query allocated.
 */
class TopTwoScores {
  readonly first: Float64Array;
  readonly second: Float64Array;
  readonly touched: Int32Array;
  count = 0;

  constructor(targets: number) {
    this.first = new Float64Array(targets);
    this.second = new Float64Array(targets);
    this.touched = new Int32Array(targets);
  }

  add(target: number, score: number): void {
    if (score <= 0) return;
    const a = this.first[target]!;
    if (a === 0) {
      this.touched[this.count++] = target;
      this.first[target] = score;
    } else if (score > a) {
      this.second[target] = a;
      this.first[target] = score;
    } else if (score > this.second[target]!) this.second[target] = score;
  }

  /** A target's score is its best entry plus a little of its second best: two matching entries beat one. */
  combined(target: number): number {
    return Math.min(1, this.first[target]! + SECOND_WEIGHT * this.second[target]!);
  }

  reset(): void {
    for (let i = 0; i < this.count; i++) {
      const t = this.touched[i]!;
      this.first[t] = 0;
      this.second[t] = 0;
    }
    this.count = 0;
  }
}

const enum TargetKind {
  Guide,
  OutOfScope,
  Smalltalk,
}

/** How many guides a ranking returns; the decision and the suggestions use the first three. */
export const RANKED_GUIDES = 8;

export class HybridRanker {
  readonly lexical: LexicalIndexes;
  /** Each target's profile score for the current query (reset after each query). */
  private readonly profileScores: Float64Array;
  private readonly targetIds: string[] = [];
  private readonly targetOfEntry: Int32Array;
  private readonly kindOfTarget: TargetKind[] = [];
  private readonly lexicalTop: TopTwoScores;
  private readonly vectorTop: TopTwoScores;

  constructor(
    readonly entries: readonly IndexEntry[],
    private readonly vectors: VectorStore,
    private readonly embedder: QueryEmbedder,
    readonly analyzer: Analyzer,
    /** The lexical indexes when the caller has them (built while fitting the embedder, or loaded). */
    lexical?: LexicalIndexes,
  ) {
    const targetIndex = new Map<string, number>();
    this.targetOfEntry = Int32Array.from(entries, (e) => {
      let t = targetIndex.get(e.target);
      if (t === undefined) {
        targetIndex.set(e.target, (t = this.targetIds.length));
        this.targetIds.push(e.target);
        this.kindOfTarget.push(
          e.target.startsWith(OOS_PREFIX) ? TargetKind.OutOfScope : e.target.startsWith(SMALLTALK_PREFIX) ? TargetKind.Smalltalk : TargetKind.Guide,
        );
      }
      return t;
    });
    this.lexicalTop = new TopTwoScores(this.targetIds.length);
    this.vectorTop = new TopTwoScores(this.targetIds.length);
    this.lexical = lexical ?? buildLexicalIndex(entries, analyzer);
    if (this.lexical.entries.size !== entries.length || this.lexical.profiles.size !== this.targetIds.length) {
      throw new Error('lexical index: does not match the entries');
    }
    this.profileScores = new Float64Array(this.targetIds.length);
  }

  saveVectors(path: string): void {
    this.vectors.save(path);
  }

  private async embed(query: string): Promise<number[]> {
    return this.embedder.embedSync ? this.embedder.embedSync(query) : this.embedder.embedQuery(query);
  }

  /** The nearest entries to a text by vector, for calibration and triage. */
  async nearestEntries(text: string, k: number, exclude?: ReadonlySet<number>) {
    return this.vectors.search(await this.embed(text), k, exclude);
  }

  /**
   * Ranks the targets a query matches lexically or by vector: the best `limit` guides and the best
   * out-of-scope subject and small-talk intent. `exclude` leaves entries out (calibration).
   */
  async rank(query: string, exclude?: ReadonlySet<number>, limit = RANKED_GUIDES): Promise<TargetScore[]> {
    const analysis = this.analyzer.analyze(query);
    const unique = [...new Set([...analysis.tokens, ...analysis.bigrams])];
    const selfScore = perfectScore(this.lexical.entries, unique);
    const selfProfileScore = perfectScore(this.lexical.profiles, unique);
    const queryVector = await this.embed(query);
    // From here to the end nothing awaits, so the shared score buffers serve one query at a time.
    const { lexicalTop, vectorTop, entries, targetOfEntry } = this;
    try {
      this.lexical.entries.forEachScore(unique, termWeight, (entry, raw) => {
        if (exclude?.has(entry)) return;
        lexicalTop.add(targetOfEntry[entry]!, Math.min(1, raw / selfScore) * entries[entry]!.weight);
      });
      // A left-out entry (calibration) still counts in its target's profile: leaving it out there too would
      // need a profile index per query, and the profile holds many other entries besides.
      this.lexical.profiles.forEachScore(unique, termWeight, (target, raw) => {
        this.profileScores[target] = Math.min(1, raw / selfProfileScore);
      });
      for (const { label, similarity } of this.vectors.search(queryVector, KNN, exclude)) {
        vectorTop.add(targetOfEntry[label]!, Math.max(0, similarity) * entries[label]!.weight);
      }
      return this.collect(limit);
    } finally {
      lexicalTop.reset();
      vectorTop.reset();
      this.profileScores.fill(0);
    }
  }

  /** The best `limit` guides, plus the best out-of-scope subject and small-talk intent, best first. */
  private collect(limit: number): TargetScore[] {
    const guides: TargetScore[] = [];
    let outOfScope: TargetScore | undefined;
    let smalltalk: TargetScore | undefined;
    const consider = (t: number) => {
      const entryLex = this.lexicalTop.first[t]! > 0 ? this.lexicalTop.combined(t) : 0;
      const lex = (1 - PROFILE_WEIGHT) * entryLex + PROFILE_WEIGHT * this.profileScores[t]!;
      const vec = this.vectorTop.first[t]! > 0 ? this.vectorTop.combined(t) : 0;
      const score = LEXICAL_WEIGHT * lex + (1 - LEXICAL_WEIGHT) * vec;
      const kind = this.kindOfTarget[t]!;
      if (kind === TargetKind.OutOfScope) {
        if (!outOfScope || score > outOfScope.score) outOfScope = { target: this.targetIds[t]!, score, lexical: lex, vector: vec };
        return;
      }
      if (kind === TargetKind.Smalltalk) {
        if (!smalltalk || score > smalltalk.score) smalltalk = { target: this.targetIds[t]!, score, lexical: lex, vector: vec };
        return;
      }
      if (guides.length === limit && score <= guides[limit - 1]!.score) return;
      const entry = { target: this.targetIds[t]!, score, lexical: lex, vector: vec };
      let at = Math.min(guides.length, limit - 1);
      if (guides.length < limit) guides.push(entry);
      while (at > 0 && guides[at - 1]!.score < score) {
        guides[at] = guides[at - 1]!;
        at--;
      }
      guides[at] = entry;
    };
    // A target matched only by vector has first === 0 in the lexical buffer, and the other way round.
    for (let i = 0; i < this.lexicalTop.count; i++) consider(this.lexicalTop.touched[i]!);
    for (let i = 0; i < this.vectorTop.count; i++) {
      const t = this.vectorTop.touched[i]!;
      if (this.lexicalTop.first[t] === 0) consider(t);
    }
    const ranked = [...guides];
    if (outOfScope) ranked.push(outOfScope);
    if (smalltalk) ranked.push(smalltalk);
    return ranked.sort((a, b) => b.score - a.score);
  }
}
