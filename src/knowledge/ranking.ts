/**
 * Hybrid ranking: BM25 over syllables and bigrams, plus cosine similarity from the vector index, fused
 * per target (guide, out-of-scope subject or small-talk intent). Scores are normalised to roughly 0..1 so
 * the decision step can compare them across questions.
 */
import { Bm25Index } from './bm25.js';
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
 * The lexical index of the entries. `onAnalysis` sees each entry's analysis as it goes by, so other
 * consumers (the hashing embedder's fit) need not analyse every text again.
 */
export function buildLexicalIndex(
  entries: readonly IndexEntry[],
  analyzer: Analyzer,
  onAnalysis?: (entry: number, analysis: Analysis) => void,
): Bm25Index {
  const termsOfEntries = function* (): Generator<string[]> {
    for (let i = 0; i < entries.length; i++) {
      const analysis = analyzer.analyze(entries[i]!.text);
      onAnalysis?.(i, analysis);
      yield analysisTerms(analysis);
    }
  };
  return new Bm25Index(termsOfEntries(), entries.length);
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
  readonly bm25: Bm25Index;
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
    /** The lexical index when the caller built it already (the index build does, while fitting the embedder). */
    bm25?: Bm25Index,
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
    this.bm25 = bm25 ?? buildLexicalIndex(entries, analyzer);
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
    // What a perfect match would score. Words no entry contains count too (at half the rarest weight), so
    // a question about something the base never mentions cannot reach full marks on one common word.
    let selfScore = 0;
    for (const t of unique) {
      if (this.bm25.has(t)) selfScore += this.bm25.idf(t) * termWeight(t);
      else if (!t.includes('_') && !isStopword(t) && !/^\d+$/.test(t)) selfScore += 0.5 * this.bm25.maxIdf();
    }
    selfScore = (selfScore || 1) * this.bm25.maxTermFactor();

    const queryVector = await this.embed(query);
    // From here to the end nothing awaits, so the shared score buffers serve one query at a time.
    const { lexicalTop, vectorTop, entries, targetOfEntry } = this;
    try {
      this.bm25.forEachScore(unique, termWeight, (entry, raw) => {
        if (exclude?.has(entry)) return;
        lexicalTop.add(targetOfEntry[entry]!, Math.min(1, raw / selfScore) * entries[entry]!.weight);
      });
      for (const { label, similarity } of this.vectors.search(queryVector, KNN, exclude)) {
        vectorTop.add(targetOfEntry[label]!, Math.max(0, similarity) * entries[label]!.weight);
      }
      return this.collect(limit);
    } finally {
      lexicalTop.reset();
      vectorTop.reset();
    }
  }

  /** The best `limit` guides, plus the best out-of-scope subject and small-talk intent, best first. */
  private collect(limit: number): TargetScore[] {
    const guides: TargetScore[] = [];
    let outOfScope: TargetScore | undefined;
    let smalltalk: TargetScore | undefined;
    const consider = (t: number) => {
      const lex = this.lexicalTop.first[t]! > 0 ? this.lexicalTop.combined(t) : 0;
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
