/**
 * Okapi BM25 over short entries (sample questions, titles, sections). Terms are folded syllables and
 * syllable bigrams. Postings are kept in typed arrays so that a 2,000-guide base stays small and fast.
 */

export interface Bm25Options {
  k1?: number;
  b?: number;
}

export class Bm25Index {
  private readonly k1: number;
  private readonly b: number;
  private readonly docLengths: Float32Array;
  private readonly avgLength: number;
  private readonly postings = new Map<string, { docs: Int32Array; tfs: Float32Array }>();
  private readonly idfs = new Map<string, number>();
  readonly size: number;

  /**
   * `docs` may be a lazy sequence (a generator): terms of one entry at a time, so that building a large base
   * never holds every entry's term list in memory at once.
   */
  constructor(docs: Iterable<readonly string[]>, size: number, options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.5;
    this.size = size;
    this.docLengths = new Float32Array(size);
    const lists = new Map<string, number[]>();
    let total = 0;
    let docId = 0;
    for (const terms of docs) {
      this.docLengths[docId] = terms.length;
      total += terms.length;
      const counts = new Map<string, number>();
      for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, c] of counts) {
        let list = lists.get(t);
        if (!list) lists.set(t, (list = []));
        list.push(docId, c);
      }
      docId++;
    }
    this.avgLength = size ? total / size : 1;
    for (const [term, list] of lists) {
      const n = list.length / 2;
      const docsArr = new Int32Array(n);
      const tfs = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        docsArr[i] = list[2 * i]!;
        tfs[i] = list[2 * i + 1]!;
      }
      this.postings.set(term, { docs: docsArr, tfs });
      this.idfs.set(term, Math.log(1 + (this.size - n + 0.5) / (n + 0.5)));
    }
  }

  /** Inverse document frequency; a term never seen gets the highest possible value. */
  idf(term: string): number {
    return this.idfs.get(term) ?? this.maxIdf();
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  maxIdf(): number {
    return Math.log(1 + (this.size + 0.5) / 0.5);
  }

  /**
   * Scores every entry containing a query term into `scores` (indexed by entry) and returns the entries
   * touched. `termWeight` scales a term (stopwords, bigrams). Typed arrays keep this fast on large bases.
   */
  score(
    queryTerms: readonly string[],
    termWeight: (term: string) => number = () => 1,
    scores: Float64Array = new Float64Array(this.size),
  ): { scores: Float64Array; touched: number[] } {
    const touched: number[] = [];
    for (const term of new Set(queryTerms)) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const weight = termWeight(term);
      if (weight === 0) continue;
      const w = this.idfs.get(term)! * weight;
      const { docs, tfs } = posting;
      const k1 = this.k1;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i]!;
        const tf = tfs[i]!;
        const norm = tf + k1 * (1 - this.b + (this.b * this.docLengths[doc]!) / this.avgLength);
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += (w * tf * (k1 + 1)) / norm;
      }
    }
    return { scores, touched };
  }
}
