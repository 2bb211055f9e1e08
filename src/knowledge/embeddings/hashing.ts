/**
 * The default, fully offline embedder. A text becomes a signed feature-hashed vector of its syllables,
 * syllable bigrams and character trigrams, each weighted by an inverse document frequency learned from the
 * knowledge base itself. Character trigrams make it tolerant of typos; nothing is downloaded.
 */
import { Embeddings } from '@langchain/core/embeddings';
import { isStopword } from '../../text/normalize.js';
import { Analyzer, type Analysis } from '../../text/analyzer.js';

export interface HashingEmbeddingsState {
  dimensions: number;
  documentCount: number;
  /** Document frequencies per feature bucket, base64 of a little-endian Uint32Array of DF_BUCKETS. */
  documentFrequency: string;
}

/**
 * Document frequencies are counted per hashed feature bucket instead of per feature string: a fixed 4 MB
 * table whatever the size of the base (a string map grew past 100 MB on a 2,000-guide base). Collisions among
 * a million buckets barely move an IDF.
 */
const DF_BUCKETS = 1 << 20;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over `text[from, to)`, continuing from `h` (so a prefix and a slice hash without concatenation). */
function fnv1aRange(h: number, text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h;
}

const fnvChar = (h: number, code: number) => Math.imul(h ^ code, FNV_PRIME);
/** Hash states after the feature-kind prefixes "w:", "b:" and "c:". */
const PREFIX = {
  word: fnvChar(fnvChar(FNV_OFFSET, 0x77), 0x3a),
  bigram: fnvChar(fnvChar(FNV_OFFSET, 0x62), 0x3a),
  trigram: fnvChar(fnvChar(FNV_OFFSET, 0x63), 0x3a),
};
const LT = 0x3c; // "<" and ">" pad a token for its character trigrams
const GT = 0x3e;

/**
 * Calls `visit(hash, weight)` for every feature occurrence of a text: syllables, syllable bigrams and the
 * character trigrams of content syllables of 3+ letters. Features are hashed straight from the analysed
 * tokens, so embedding a large base does not allocate a string per feature.
 */
export function forEachFeature(text: string, analyzer: Analyzer, visit: (hash: number, weight: number) => void): void {
  forEachFeatureOf(analyzer.analyze(text), visit);
}

/** `forEachFeature` over a text already analysed (the index build analyses each entry once). */
export function forEachFeatureOf(analysis: Analysis, visit: (hash: number, weight: number) => void): void {
  const { tokens, content, bigrams } = analysis;
  for (const t of tokens) visit(fnv1aRange(PREFIX.word, t, 0, t.length) >>> 0, isStopword(t) ? 0.25 : 1);
  for (const bg of bigrams) visit(fnv1aRange(PREFIX.bigram, bg, 0, bg.length) >>> 0, 1);
  for (const t of content) {
    if (t.length < 3) continue;
    // The trigrams of "<t>": "<ab", then every inner "abc", then "yz>".
    visit(fnv1aRange(fnvChar(PREFIX.trigram, LT), t, 0, 2) >>> 0, 0.35);
    for (let i = 0; i + 3 <= t.length; i++) visit(fnv1aRange(PREFIX.trigram, t, i, i + 3) >>> 0, 0.35);
    visit(fnvChar(fnv1aRange(PREFIX.trigram, t, t.length - 2, t.length), GT) >>> 0, 0.35);
  }
}

export class HashingEmbeddings extends Embeddings {
  readonly id: string;
  private readonly dimensions: number;
  private documentCount = 0;
  private documentFrequency = new Uint32Array(DF_BUCKETS);
  private scratch: Float64Array | undefined;

  private readonly analyzer: Analyzer;

  constructor(options: { dimensions?: number; state?: HashingEmbeddingsState; analyzer?: Analyzer } = {}) {
    super({});
    this.analyzer = options.analyzer ?? new Analyzer();
    this.dimensions = options.state?.dimensions ?? options.dimensions ?? 512;
    this.id = `hashing-v2-${this.dimensions}-${this.analyzer.fingerprint}`;
    if (options.state) {
      this.documentCount = options.state.documentCount;
      const bytes = Buffer.from(options.state.documentFrequency, 'base64');
      this.documentFrequency = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
  }

  /** A fresh embedder with the same dimensions that analyses text with `analyzer`. */
  forAnalyzer(analyzer: Analyzer): HashingEmbeddings {
    return new HashingEmbeddings({ dimensions: this.dimensions, analyzer });
  }

  /** A copy that shares this embedder's analyzer and restores learned state (loading a saved index). */
  withState(state: HashingEmbeddingsState): HashingEmbeddings {
    return new HashingEmbeddings({ state, analyzer: this.analyzer });
  }

  get dimension(): number {
    return this.dimensions;
  }

  /** Learns document frequencies from the corpus the index is built on. */
  fit(texts: readonly string[]): void {
    const fitting = this.startFit();
    for (const text of texts) fitting.add(this.analyzer.analyze(text));
  }

  /**
   * Learns document frequencies one analysed document at a time, so the index build can fit while it
   * analyses entries for the lexical index instead of analysing every text a second time.
   */
  startFit(): { add(analysis: Analysis): void } {
    this.documentCount = 0;
    this.documentFrequency.fill(0);
    const seen = new Set<number>();
    const countBucket = (h: number) => {
      const bucket = h & (DF_BUCKETS - 1);
      if (!seen.has(bucket)) {
        seen.add(bucket);
        this.documentFrequency[bucket]!++;
      }
    };
    return {
      add: (analysis) => {
        seen.clear();
        this.documentCount++;
        forEachFeatureOf(analysis, countBucket);
      },
    };
  }

  state(): HashingEmbeddingsState {
    return {
      dimensions: this.dimensions,
      documentCount: this.documentCount,
      documentFrequency: Buffer.from(this.documentFrequency.buffer, this.documentFrequency.byteOffset, this.documentFrequency.byteLength).toString('base64'),
    };
  }

  private idf(hash: number): number {
    const df = this.documentFrequency[hash & (DF_BUCKETS - 1)]!;
    return Math.log(1 + (this.documentCount + 1) / (df + 1));
  }

  embedSync(text: string): number[] {
    return this.embedInto(text, new Array<number>(this.dimensions));
  }

  /**
   * Writes the unit-length vector of `text` into `out` and returns it. Building a large index reuses one
   * array for every entry instead of allocating a vector per entry.
   */
  embedInto(text: string, out: number[]): number[] {
    const vec = (this.scratch ??= new Float64Array(this.dimensions));
    vec.fill(0);
    // Adding each occurrence is the same as adding each feature with its summed weight (IDF is per hash).
    forEachFeature(text, this.analyzer, (h, weight) => {
      vec[(h >>> 1) % this.dimensions]! += (h & 1 ? 1 : -1) * weight * this.idf(h);
    });
    let norm = 0;
    for (let i = 0; i < vec.length; i++) norm += vec[i]! * vec[i]!;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < vec.length; i++) out[i] = vec[i]! / norm;
    return out;
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => this.embedSync(d));
  }

  override async embedQuery(document: string): Promise<number[]> {
    return this.embedSync(document);
  }
}
