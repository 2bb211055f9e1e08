/**
 * The default, fully offline embedder. A text becomes a signed feature-hashed vector of its syllables,
 * syllable bigrams and character trigrams, each weighted by an inverse document frequency learned from the
 * knowledge base itself. Character trigrams make it tolerant of typos; nothing is downloaded.
 */
import { Embeddings } from '@langchain/core/embeddings';
import { charTrigrams, isStopword } from '../../text/normalize.js';
import { Analyzer } from '../../text/analyzer.js';

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

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Features of a text with their raw weights before IDF. */
export function textFeatures(text: string, analyzer: Analyzer): Map<string, number> {
  const { tokens, content, bigrams } = analyzer.analyze(text);
  const features = new Map<string, number>();
  const add = (f: string, w: number) => features.set(f, (features.get(f) ?? 0) + w);
  for (const t of tokens) add(`w:${t}`, isStopword(t) ? 0.25 : 1);
  for (const bg of bigrams) add(`b:${bg}`, 1);
  for (const t of content) {
    if (t.length < 3) continue;
    for (const tri of charTrigrams(t)) add(`c:${tri}`, 0.35);
  }
  return features;
}

export class HashingEmbeddings extends Embeddings {
  readonly id: string;
  private readonly dimensions: number;
  private documentCount = 0;
  private documentFrequency = new Uint32Array(DF_BUCKETS);

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
    this.documentCount = texts.length;
    this.documentFrequency.fill(0);
    for (const text of texts) {
      for (const f of textFeatures(text, this.analyzer).keys()) this.documentFrequency[fnv1a(f) & (DF_BUCKETS - 1)]!++;
    }
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
    const vec = new Float64Array(this.dimensions);
    for (const [feature, weight] of textFeatures(text, this.analyzer)) {
      const h = fnv1a(feature);
      const sign = h & 1 ? 1 : -1;
      vec[(h >>> 1) % this.dimensions]! += sign * weight * this.idf(h);
    }
    let norm = 0;
    for (const v of vec) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    return Array.from(vec, (v) => v / norm);
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => this.embedSync(d));
  }

  override async embedQuery(document: string): Promise<number[]> {
    return this.embedSync(document);
  }
}
