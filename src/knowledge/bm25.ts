/**
 * Okapi BM25 over short entries (sample questions, titles, sections). Terms are folded syllables and
 * syllable bigrams. Postings are stored in compressed-sparse-row typed arrays so that a 2,000-guide base
 * stays small in memory and fast to score.
 */

export interface Bm25Options {
  k1?: number;
  b?: number;
}

/** A growable Int32 buffer (avoids millions of small JS arrays while collecting postings). */
class IntBuffer {
  data = new Int32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
}

export class Bm25Index {
  private readonly k1: number;
  private readonly b: number;
  private readonly docLengths: Float32Array;
  private readonly avgLength: number;
  private readonly termIdOf = new Map<string, number>();
  private readonly offsets: Int32Array;
  private readonly postingDocs: Int32Array;
  private readonly postingTfs: Uint16Array;
  private readonly idfs: Float32Array;
  readonly size: number;
  /** Reused between queries (scores of touched entries are reset after use), so a query allocates little. */
  private scratch: Float64Array | undefined;

  /**
   * `docs` may be a lazy sequence (a generator): the terms of one entry at a time, so building a large base
   * never holds every entry's term list in memory at once.
   */
  constructor(docs: Iterable<readonly string[]>, size: number, options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.5;
    this.size = size;
    this.docLengths = new Float32Array(size);
    const triples = { term: new IntBuffer(), doc: new IntBuffer(), tf: new IntBuffer() };
    let total = 0;
    let docId = 0;
    for (const terms of docs) {
      this.docLengths[docId] = terms.length;
      total += terms.length;
      const counts = new Map<number, number>();
      for (const t of terms) {
        let id = this.termIdOf.get(t);
        if (id === undefined) this.termIdOf.set(t, (id = this.termIdOf.size));
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      for (const [id, c] of counts) {
        triples.term.push(id);
        triples.doc.push(docId);
        triples.tf.push(c);
      }
      docId++;
    }
    this.avgLength = size ? total / size : 1;
    const nTerms = this.termIdOf.size;
    this.offsets = new Int32Array(nTerms + 1);
    for (let i = 0; i < triples.term.length; i++) this.offsets[triples.term.data[i]! + 1]!++;
    for (let t = 0; t < nTerms; t++) this.offsets[t + 1]! += this.offsets[t]!;
    const cursor = this.offsets.slice(0, nTerms);
    this.postingDocs = new Int32Array(triples.term.length);
    this.postingTfs = new Uint16Array(triples.term.length);
    for (let i = 0; i < triples.term.length; i++) {
      const at = cursor[triples.term.data[i]!]!++;
      this.postingDocs[at] = triples.doc.data[i]!;
      this.postingTfs[at] = Math.min(65535, triples.tf.data[i]!);
    }
    this.idfs = new Float32Array(nTerms);
    for (let t = 0; t < nTerms; t++) {
      const n = this.offsets[t + 1]! - this.offsets[t]!;
      this.idfs[t] = Math.log(1 + (this.size - n + 0.5) / (n + 0.5));
    }
  }

  /** Inverse document frequency; a term never seen gets the highest possible value. */
  idf(term: string): number {
    const id = this.termIdOf.get(term);
    return id === undefined ? this.maxIdf() : this.idfs[id]!;
  }

  has(term: string): boolean {
    return this.termIdOf.has(term);
  }

  /** The most one occurrence of a term can contribute relative to its IDF (a very short entry). */
  maxTermFactor(): number {
    return (this.k1 + 1) / (1 + this.k1 * (1 - this.b));
  }

  maxIdf(): number {
    return Math.log(1 + (this.size + 0.5) / 0.5);
  }

  /**
   * Scores every entry containing a query term into `scores` (indexed by entry) and returns the entries
   * touched. `termWeight` scales a term (stopwords, bigrams).
   */
  /**
   * Calls `visit(entry, score)` for every entry containing a query term. `termWeight` scales a term
   * (stopwords, bigrams).
   */
  forEachScore(
    queryTerms: readonly string[],
    termWeight: (term: string) => number,
    visit: (entry: number, score: number) => void,
  ): void {
    const scores = (this.scratch ??= new Float64Array(this.size));
    const { touched } = this.score(queryTerms, termWeight, scores);
    for (const entry of touched) {
      visit(entry, scores[entry]!);
      scores[entry] = 0;
    }
  }

  score(
    queryTerms: readonly string[],
    termWeight: (term: string) => number = () => 1,
    scores: Float64Array = new Float64Array(this.size),
  ): { scores: Float64Array; touched: number[] } {
    const touched: number[] = [];
    const k1 = this.k1;
    for (const term of new Set(queryTerms)) {
      const id = this.termIdOf.get(term);
      if (id === undefined) continue;
      const weight = termWeight(term);
      if (weight === 0) continue;
      const w = this.idfs[id]! * weight;
      for (let i = this.offsets[id]!; i < this.offsets[id + 1]!; i++) {
        const doc = this.postingDocs[i]!;
        const tf = this.postingTfs[i]!;
        const norm = tf + k1 * (1 - this.b + (this.b * this.docLengths[doc]!) / this.avgLength);
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += (w * tf * (k1 + 1)) / norm;
      }
    }
    return { scores, touched };
  }
}
