/**
 * Okapi BM25 over short entries (sample questions, titles, sections). Terms are folded syllables and
 * syllable bigrams. Postings are stored in compressed-sparse-row typed arrays so that a 2,000-guide base
 * stays small in memory and fast to score.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface Bm25Options {
  k1?: number;
  b?: number;
}

/** tf / (tf + norm) lies in (0, 1); 16 bits keep it to within 1e-5. */
const IMPACT_SCALE = 65535;
/** Counts above this are capped (BM25 saturates long before); term ids fit in the remaining bits. */
const TF_LIMIT = 128;
const MAX_TERMS = Math.floor(0x7fffffff / TF_LIMIT);

/**
 * An append-only typed buffer in fixed chunks: collecting millions of postings never copies or frees a
 * large array, which kept peak memory of a 2,000-guide build well above what the index itself needs.
 */
class ChunkedInts {
  private readonly chunks: Int32Array[] = [];
  private readonly mask: number;
  length = 0;
  /** Chunks of 2^bits numbers: 1 MB for postings, less for the per-entry lists. */
  constructor(private readonly bits = 18) {
    this.mask = (1 << bits) - 1;
  }
  push(v: number): void {
    const at = this.length & this.mask;
    if (at === 0) this.chunks.push(new Int32Array(this.mask + 1));
    this.chunks[this.chunks.length - 1]![at] = v;
    this.length++;
  }
  get(i: number): number {
    return this.chunks[i >>> this.bits]![i & this.mask]!;
  }
}

/**
 * Collects the entries of an index one at a time. Postings are packed while collecting (term id in the
 * high bits, tf in the low ones) and sorted into rows when the index is made from the builder.
 */
export class Bm25Builder {
  readonly termIdOf: Map<string, number>;
  readonly packed = new ChunkedInts();
  readonly docStart = new ChunkedInts(14);
  readonly docLengths = new ChunkedInts(14);
  size = 0;
  totalLength = 0;
  private readonly counts = new Map<number, number>();

  /**
   * `sharing` gives this index the term dictionary of another one being built alongside (the target
   * profiles use the entries' terms): one dictionary of a large base is tens of thousands of strings.
   */
  constructor(sharing?: Bm25Builder) {
    this.termIdOf = sharing?.termIdOf ?? new Map<string, number>();
    this.docStart.push(0);
  }

  private partLength = 0;

  /** Adds one entry. */
  add(terms: readonly string[]): void {
    this.addPart(terms);
    this.endEntry();
  }

  /**
   * Adds terms to the entry being collected; `endEntry` closes it. An entry made of several texts (a
   * target's profile) is counted as it goes, without keeping the texts' term strings until it ends.
   */
  addPart(terms: readonly string[]): void {
    const counts = this.counts;
    for (const t of terms) {
      let id = this.termIdOf.get(t);
      if (id === undefined) this.termIdOf.set(t, (id = this.termIdOf.size));
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    this.partLength += terms.length;
  }

  endEntry(): void {
    for (const [id, c] of this.counts) this.packed.push(id * TF_LIMIT + Math.min(TF_LIMIT - 1, c));
    this.counts.clear();
    this.docLengths.push(this.partLength);
    this.totalLength += this.partLength;
    this.partLength = 0;
    this.docStart.push(this.packed.length);
    this.size++;
  }
}

/** What a saved index holds: the parameters and term list as JSON, the arrays as one binary file. */
interface SavedBm25Meta {
  k1: number;
  b: number;
  avgLength: number;
  size: number;
  /** Absent when the dictionary is another index's (see `save`); `termCount` is then that dictionary's size. */
  terms?: string[];
  termCount: number;
  postings: number;
}

export class Bm25Index {
  private readonly k1: number;
  private readonly b: number;
  private readonly avgLength: number;
  private readonly termIdOf: Map<string, number>;
  private readonly offsets: Int32Array;
  private readonly postingDocs: Int32Array;
  /** Each posting's BM25 term-frequency factor over (k1 + 1), quantised to 16 bits. */
  private readonly postingImpacts: Uint16Array;
  private readonly idfs: Float32Array;
  readonly size: number;
  /** Reused between queries (scores of touched entries are reset after use), so a query allocates little. */
  private scratch: Float64Array | undefined;
  private touched: Int32Array | undefined;

  /**
   * `docs` may be a lazy sequence (a generator) of each entry's terms, or a builder already fed entry by
   * entry, so building a large base never holds every entry's term list in memory at once.
   */
  constructor(docs: Iterable<readonly string[]> | Bm25Builder, options: Bm25Options = {}) {
    let builder: Bm25Builder;
    if (docs instanceof Bm25Builder) builder = docs;
    else {
      builder = new Bm25Builder();
      for (const terms of docs) builder.add(terms);
    }
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.5;
    const { termIdOf, packed, docStart, docLengths } = builder;
    const size = (this.size = builder.size);
    this.termIdOf = termIdOf;
    this.avgLength = size ? builder.totalLength / size : 1;
    const nTerms = termIdOf.size;
    if (nTerms > MAX_TERMS) throw new Error(`lexical index: ${nTerms} distinct terms exceed ${MAX_TERMS}`);
    const postings = packed.length;
    this.offsets = new Int32Array(nTerms + 1);
    for (let i = 0; i < postings; i++) this.offsets[Math.floor(packed.get(i) / TF_LIMIT) + 1]!++;
    for (let t = 0; t < nTerms; t++) this.offsets[t + 1]! += this.offsets[t]!;
    const cursor = this.offsets.slice(0, nTerms);
    this.postingDocs = new Int32Array(postings);
    this.postingImpacts = new Uint16Array(postings);
    // The length normalisation is known per entry, so each posting's factor is computed once here rather
    // than on every query (a common term of a large base has tens of thousands of postings).
    const k1 = this.k1;
    for (let doc = 0; doc < size; doc++) {
      const norm = k1 * (1 - this.b + (this.b * docLengths.get(doc)) / this.avgLength);
      for (let i = docStart.get(doc), end = docStart.get(doc + 1); i < end; i++) {
        const p = packed.get(i);
        const at = cursor[Math.floor(p / TF_LIMIT)]!++;
        const tf = p % TF_LIMIT;
        this.postingDocs[at] = doc;
        this.postingImpacts[at] = Math.round((IMPACT_SCALE * tf) / (tf + norm));
      }
    }
    this.idfs = new Float32Array(nTerms);
    for (let t = 0; t < nTerms; t++) {
      const n = this.offsets[t + 1]! - this.offsets[t]!;
      this.idfs[t] = Math.log(1 + (this.size - n + 0.5) / (n + 0.5));
    }
  }

  /** Whether this index uses the term dictionary of `other` (built with a sharing builder, or loaded so). */
  sharesTermsWith(other: Bm25Index): boolean {
    return this.termIdOf === other.termIdOf;
  }

  /**
   * Writes the index to `<path>.json` and `<path>.bin`, so loading a saved index does not re-analyse every
   * entry. With `withoutTerms` the dictionary is left out: it is saved with the index that shares it.
   */
  save(path: string, options: { withoutTerms?: boolean } = {}): void {
    let terms: string[] | undefined;
    if (!options.withoutTerms) {
      terms = new Array<string>(this.termIdOf.size);
      for (const [term, id] of this.termIdOf) terms[id] = term;
    }
    const meta: SavedBm25Meta = {
      k1: this.k1, b: this.b, avgLength: this.avgLength, size: this.size, terms, termCount: this.termIdOf.size, postings: this.postingDocs.length,
    };
    writeFileSync(`${path}.json`, JSON.stringify(meta));
    const parts = [this.offsets, this.postingDocs, this.idfs, this.postingImpacts];
    writeFileSync(`${path}.bin`, Buffer.concat(parts.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  }

  /**
   * Reads an index written by `save`; undefined when the files are missing or do not fit together. An index
   * saved without its dictionary takes the one of `sharing`.
   */
  static load(path: string, sharing?: Bm25Index): Bm25Index | undefined {
    if (!existsSync(`${path}.json`) || !existsSync(`${path}.bin`)) return undefined;
    const meta = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as SavedBm25Meta;
    let termIdOf: Map<string, number>;
    if (meta.terms) termIdOf = new Map(meta.terms.map((t, i) => [t, i]));
    else if (sharing && sharing.termIdOf.size === meta.termCount) termIdOf = sharing.termIdOf;
    else return undefined;
    const bin = readFileSync(`${path}.bin`);
    const nTerms = termIdOf.size;
    const sizes = [(nTerms + 1) * 4, meta.postings * 4, nTerms * 4, meta.postings * 2];
    if (bin.byteLength !== sizes.reduce((a, b) => a + b, 0)) return undefined;
    // Copy into fresh, aligned buffers (a Buffer from readFileSync may share a pool and sit at any offset).
    let at = 0;
    const take = (bytes: number) => {
      const copy = new ArrayBuffer(bytes);
      new Uint8Array(copy).set(bin.subarray(at, at + bytes));
      at += bytes;
      return copy;
    };
    const index = Object.create(Bm25Index.prototype) as Bm25Index;
    Object.assign(index, {
      k1: meta.k1,
      b: meta.b,
      avgLength: meta.avgLength,
      size: meta.size,
      termIdOf,
      offsets: new Int32Array(take(sizes[0]!)),
      postingDocs: new Int32Array(take(sizes[1]!)),
      idfs: new Float32Array(take(sizes[2]!)),
      postingImpacts: new Uint16Array(take(sizes[3]!)),
      scratch: undefined,
      touched: undefined,
    });
    return index;
  }

  /** Inverse document frequency; a term never seen gets the highest possible value. */
  idf(term: string): number {
    const id = this.termIdOf.get(term);
    return id === undefined ? this.maxIdf() : this.idfs[id]!;
  }

  /** Whether some entry contains the term (a shared dictionary may know terms this index never saw). */
  has(term: string): boolean {
    const id = this.termIdOf.get(term);
    return id !== undefined && this.offsets[id + 1]! > this.offsets[id]!;
  }

  /** The most one occurrence of a term can contribute relative to its IDF (a very short entry). */
  maxTermFactor(): number {
    return (this.k1 + 1) / (1 + this.k1 * (1 - this.b));
  }

  maxIdf(): number {
    return Math.log(1 + (this.size + 0.5) / 0.5);
  }

  /**
   * Calls `visit(entry, score)` for every entry containing a query term. `termWeight` scales a term
   * (stopwords, bigrams). Scores accumulate in buffers reused between queries, so a query over a large base
   * allocates next to nothing.
   */
  forEachScore(
    queryTerms: readonly string[],
    termWeight: (term: string) => number,
    visit: (entry: number, score: number) => void,
  ): void {
    const scores = (this.scratch ??= new Float64Array(this.size));
    const touched = (this.touched ??= new Int32Array(this.size));
    const count = this.accumulate(queryTerms, termWeight, scores, touched);
    for (let i = 0; i < count; i++) {
      const entry = touched[i]!;
      visit(entry, scores[entry]!);
      scores[entry] = 0;
    }
  }

  /** Every entry's score for the query (a fresh array; for tests and tools). */
  score(queryTerms: readonly string[], termWeight: (term: string) => number = () => 1): Float64Array {
    const scores = new Float64Array(this.size);
    this.accumulate(queryTerms, termWeight, scores, new Int32Array(this.size));
    return scores;
  }

  /** Adds the query's BM25 contributions into `scores`; lists newly touched entries in `touched`. */
  private accumulate(
    queryTerms: readonly string[],
    termWeight: (term: string) => number,
    scores: Float64Array,
    touched: Int32Array,
  ): number {
    let count = 0;
    const { postingDocs, postingImpacts, offsets } = this;
    const seen = new Set<number>();
    for (const term of queryTerms) {
      const id = this.termIdOf.get(term);
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      const weight = termWeight(term);
      if (weight === 0) continue;
      const w = (this.idfs[id]! * weight * (this.k1 + 1)) / IMPACT_SCALE;
      for (let i = offsets[id]!, end = offsets[id + 1]!; i < end; i++) {
        const doc = postingDocs[i]!;
        if (scores[doc] === 0) touched[count++] = doc;
        scores[doc]! += w * postingImpacts[i]!;
      }
    }
    return count;
  }
}
