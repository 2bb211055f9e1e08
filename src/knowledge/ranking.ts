/**
 * Hybrid ranking: BM25 over syllables and bigrams, plus cosine similarity from the vector index, fused
 * per target (guide, out-of-scope subject or small-talk intent). Scores are normalised to roughly 0..1 so
 * the decision step can compare them across questions.
 */
import { Bm25Index } from './bm25.js';
import type { IndexEntry } from './entries.js';
import { VectorStore } from './vector-store.js';
import { contentTokens, isStopword, syllableBigrams, tokenize } from '../text/normalize.js';

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

export const LEXICAL_WEIGHT = 0.55;
const KNN = 64;

export function entryTerms(text: string): string[] {
  const tokens = tokenize(text);
  return [...tokens, ...syllableBigrams(contentTokens(tokens))];
}

function termWeight(term: string): number {
  if (term.includes('_')) return 1;
  return isStopword(term) ? 0.15 : 1;
}

export class HybridRanker {
  readonly bm25: Bm25Index;
  private readonly targetOfEntry: string[];
  private readonly vocabulary = new Map<string, Set<string>>();

  constructor(
    readonly entries: readonly IndexEntry[],
    private readonly vectors: VectorStore,
    private readonly embedder: QueryEmbedder,
  ) {
    const terms = entries.map((e) => entryTerms(e.text));
    this.bm25 = new Bm25Index(terms);
    this.targetOfEntry = entries.map((e) => e.target);
    entries.forEach((e, i) => {
      let vocab = this.vocabulary.get(e.target);
      if (!vocab) this.vocabulary.set(e.target, (vocab = new Set()));
      for (const t of terms[i]!) if (!t.includes('_')) vocab.add(t);
    });
  }

  saveVectors(path: string): void {
    this.vectors.save(path);
  }

  private async embed(query: string): Promise<number[]> {
    return this.embedder.embedSync ? this.embedder.embedSync(query) : this.embedder.embedQuery(query);
  }

  /** Ranks every target that matched lexically or by vector; `exclude` leaves one entry out (calibration). */
  async rank(query: string, exclude?: number): Promise<TargetScore[]> {
    const tokens = tokenize(query);
    const content = [...new Set(contentTokens(tokens))];
    const terms = [...tokens, ...syllableBigrams(contentTokens(tokens))];
    const unique = [...new Set(terms)];
    let selfScore = 0;
    for (const t of unique) if (this.bm25.has(t)) selfScore += this.bm25.idf(t) * termWeight(t);
    selfScore = selfScore || 1;

    const lexical = new Map<string, number>();
    for (const [entry, raw] of this.bm25.score(unique, termWeight)) {
      if (entry === exclude) continue;
      const e = this.entries[entry]!;
      const s = Math.min(1.2, raw / selfScore) * e.weight;
      if (s > (lexical.get(e.target) ?? 0)) lexical.set(e.target, s);
    }

    const vector = new Map<string, number>();
    const queryVector = await this.embed(query);
    for (const { label, similarity } of this.vectors.search(queryVector, KNN, exclude)) {
      const e = this.entries[label]!;
      const s = Math.max(0, similarity) * e.weight;
      if (s > (vector.get(e.target) ?? 0)) vector.set(e.target, s);
    }

    const idfMass = content.reduce((sum, t) => sum + this.bm25.idf(t), 0) || 1;
    const targets = new Set([...lexical.keys(), ...vector.keys()]);
    const ranked: TargetScore[] = [];
    for (const target of targets) {
      const lex = lexical.get(target) ?? 0;
      const vec = vector.get(target) ?? 0;
      const vocab = this.vocabulary.get(target);
      let covered = 0;
      if (vocab) for (const t of content) if (vocab.has(t)) covered += this.bm25.idf(t);
      ranked.push({
        target,
        score: LEXICAL_WEIGHT * lex + (1 - LEXICAL_WEIGHT) * vec,
        lexical: lex,
        vector: vec,
        coverage: content.length ? covered / idfMass : 0,
      });
    }
    ranked.sort((a, b) => b.score - a.score);
    return ranked;
  }

  /** Total IDF of the question's informative words and how much of it the whole base knows. */
  queryInformation(query: string): { contentTokens: string[]; known: number; total: number } {
    const content = [...new Set(contentTokens(tokenize(query)))];
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
