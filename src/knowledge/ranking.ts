/**
 * Hybrid ranking: BM25 over syllables and bigrams, plus cosine similarity from the vector index, fused
 * per target (guide, out-of-scope subject or small-talk intent). Scores are normalised to roughly 0..1 so
 * the decision step can compare them across questions.
 */
import { Bm25Index } from './bm25.js';
import type { IndexEntry } from './entries.js';
import { VectorStore } from './vector-store.js';
import { isStopword } from '../text/normalize.js';
import type { Analyzer } from '../text/analyzer.js';

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

export function entryTerms(analyzer: Analyzer, text: string): string[] {
  const { tokens, bigrams } = analyzer.analyze(text);
  return [...tokens, ...bigrams];
}

/** Stopwords are left out of lexical scoring: they match everything and say nothing. */
function termWeight(term: string): number {
  return !term.includes('_') && isStopword(term) ? 0 : 1;
}

/** Keeps the two best entry scores of each target. */
function keepTopTwo(top: Map<number, [number, number]>, target: number, score: number): void {
  const pair = top.get(target);
  if (!pair) top.set(target, [score, 0]);
  else if (score > pair[0]) {
    pair[1] = pair[0];
    pair[0] = score;
  } else if (score > pair[1]) pair[1] = score;
}

/** A target's score is its best entry plus a little of its second best: two matching entries beat one. */
function combineTopTwo(top: Map<number, [number, number]>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [t, [a, b]] of top) out.set(t, Math.min(1, a + SECOND_WEIGHT * b));
  return out;
}

export class HybridRanker {
  readonly bm25: Bm25Index;
  private readonly targetIds: string[] = [];
  private readonly targetOfEntry: Int32Array;

  constructor(
    readonly entries: readonly IndexEntry[],
    private readonly vectors: VectorStore,
    private readonly embedder: QueryEmbedder,
    readonly analyzer: Analyzer,
  ) {
    const targetIndex = new Map<string, number>();
    this.targetOfEntry = Int32Array.from(entries, (e) => {
      let t = targetIndex.get(e.target);
      if (t === undefined) {
        targetIndex.set(e.target, (t = this.targetIds.length));
        this.targetIds.push(e.target);
      }
      return t;
    });
    const termsOfEntries = function* (): Generator<string[]> {
      for (const e of entries) yield entryTerms(analyzer, e.text);
    };
    this.bm25 = new Bm25Index(termsOfEntries(), entries.length);
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

  /** Ranks every target that matched lexically or by vector; `exclude` leaves entries out (calibration). */
  async rank(query: string, exclude?: ReadonlySet<number>): Promise<TargetScore[]> {
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

    const lexicalTop = new Map<number, [number, number]>();
    this.bm25.forEachScore(unique, termWeight, (entry, raw) => {
      if (exclude?.has(entry)) return;
      keepTopTwo(lexicalTop, this.targetOfEntry[entry]!, Math.min(1, raw / selfScore) * this.entries[entry]!.weight);
    });

    const vectorTop = new Map<number, [number, number]>();
    const queryVector = await this.embed(query);
    for (const { label, similarity } of this.vectors.search(queryVector, KNN, exclude)) {
      keepTopTwo(vectorTop, this.targetOfEntry[label]!, Math.max(0, similarity) * this.entries[label]!.weight);
    }
    const lexical = combineTopTwo(lexicalTop);
    const vector = combineTopTwo(vectorTop);

    const ranked: TargetScore[] = [];
    for (const t of new Set([...lexical.keys(), ...vector.keys()])) {
      const lex = lexical.get(t) ?? 0;
      const vec = vector.get(t) ?? 0;
      ranked.push({
        target: this.targetIds[t]!,
        score: LEXICAL_WEIGHT * lex + (1 - LEXICAL_WEIGHT) * vec,
        lexical: lex,
        vector: vec,
      });
    }
    return ranked.sort((a, b) => b.score - a.score);
  }
}
