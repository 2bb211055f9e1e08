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
  /** Share of the question's informative words (IDF-weighted) that occur anywhere in the target. */
  coverage: number;
}

export interface QueryEmbedder {
  readonly id: string;
  embedQuery(text: string): Promise<number[]>;
  embedSync?(text: string): number[];
}

export const LEXICAL_WEIGHT = 0.65;
const SECOND_WEIGHT = 0.5;
const KNN = 48;
/** Only the best targets get the (more expensive) coverage figure. */
const COVERAGE_TOP = 8;

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
  /** Per target, the sorted BM25 ids of the unigram terms it contains (for coverage). */
  private readonly vocabulary: Int32Array[] = [];

  constructor(
    readonly entries: readonly IndexEntry[],
    private readonly vectors: VectorStore,
    private readonly embedder: QueryEmbedder,
    readonly analyzer: Analyzer,
  ) {
    const targetIndex = new Map<string, number>();
    const vocabSets: Set<number>[] = [];
    this.targetOfEntry = new Int32Array(entries.length);
    const termsOfEntries = function* (): Generator<string[]> {
      for (const e of entries) yield entryTerms(analyzer, e.text);
    };
    this.bm25 = new Bm25Index(termsOfEntries(), entries.length, {}, (docId, ids, terms) => {
      const target = entries[docId]!.target;
      let t = targetIndex.get(target);
      if (t === undefined) {
        t = this.targetIds.length;
        targetIndex.set(target, t);
        this.targetIds.push(target);
        vocabSets.push(new Set());
      }
      this.targetOfEntry[docId] = t;
      ids.forEach((id, k) => {
        if (!terms[k]!.includes('_')) vocabSets[t]!.add(id);
      });
    });
    for (const set of vocabSets) this.vocabulary.push(Int32Array.from(set).sort());
  }

  saveVectors(path: string): void {
    this.vectors.save(path);
  }

  embedQuerySync(query: string): number[] | undefined {
    return this.embedder.embedSync?.(query);
  }

  private async embed(query: string): Promise<number[]> {
    return this.embedder.embedSync ? this.embedder.embedSync(query) : this.embedder.embedQuery(query);
  }

  /** The nearest entries to a text by vector, for calibration and triage. */
  async nearestEntries(text: string, k: number, exclude?: ReadonlySet<number>) {
    return this.vectors.search(await this.embed(text), k, exclude);
  }

  private hasTerm(target: number, termId: number): boolean {
    const vocab = this.vocabulary[target]!;
    let lo = 0;
    let hi = vocab.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = vocab[mid]!;
      if (v === termId) return true;
      if (v < termId) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Ranks every target that matched lexically or by vector; `exclude` leaves entries out (calibration). */
  async rank(query: string, exclude?: ReadonlySet<number>): Promise<TargetScore[]> {
    const analysis = this.analyzer.analyze(query);
    const content = [...new Set(analysis.content)];
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

    const ranked: Array<TargetScore & { index: number }> = [];
    for (const t of new Set([...lexical.keys(), ...vector.keys()])) {
      const lex = lexical.get(t) ?? 0;
      const vec = vector.get(t) ?? 0;
      ranked.push({
        index: t,
        target: this.targetIds[t]!,
        score: LEXICAL_WEIGHT * lex + (1 - LEXICAL_WEIGHT) * vec,
        lexical: lex,
        vector: vec,
        coverage: 0,
      });
    }
    ranked.sort((a, b) => b.score - a.score);

    const contentIds = content.map((t) => ({ id: this.bm25.termId(t), idf: this.bm25.idf(t) }));
    const idfMass = contentIds.reduce((sum, c) => sum + c.idf, 0);
    for (const r of ranked.slice(0, COVERAGE_TOP)) {
      let covered = 0;
      for (const c of contentIds) if (c.id !== undefined && this.hasTerm(r.index, c.id)) covered += c.idf;
      r.coverage = idfMass ? covered / idfMass : 0;
    }
    return ranked.map(({ index: _index, ...rest }) => rest);
  }

  /** Total IDF of the question's informative words and how much of it the whole base knows. */
  queryInformation(query: string): { contentTokens: string[]; known: number; total: number } {
    const content = [...new Set(this.analyzer.analyze(query).content)];
    let known = 0;
    let total = 0;
    for (const t of content) {
      const idf = this.bm25.idf(t);
      total += idf;
      if (this.bm25.has(t)) known += idf;
    }
    return { contentTokens: content, known, total };
  }
}
