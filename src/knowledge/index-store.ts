/**
 * Builds the retrieval index from a knowledge base and keeps it under `DATA_DIR/index/<content hash>/`.
 * The hash covers the guides, the out-of-scope and small-talk data, the embedder and the engine version, so
 * the index is rebuilt only when one of them changes. A new index is written to a temporary folder and
 * renamed into place, so a crash mid-build never leaves a half index behind.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildEntries, isGuideTarget, type IndexEntry } from './entries.js';
import {
  fitCalibration,
  featureVector,
  summarize,
  type Calibration,
  type CalibrationSample,
} from './decision.js';
import { HybridRanker, type QueryEmbedder } from './ranking.js';
import { VectorStore } from './vector-store.js';
import { HashingEmbeddings, type HashingEmbeddingsState } from './embeddings/hashing.js';
import type { Guide, OutOfScopeSubject, SmalltalkIntent } from './schema.js';

export const ENGINE_VERSION = 'engine-v1';
const MAX_CALIBRATION_QUESTIONS = 1500;
const MAX_CALIBRATION_OOS = 500;
const KEEP_OLD_INDEXES = 2;

export interface IndexInput {
  guides: readonly Guide[];
  outOfScope: readonly OutOfScopeSubject[];
  smalltalk: readonly SmalltalkIntent[];
}

/** An embedder that can be persisted: the hashing one learns from the corpus, remote ones are stateless. */
export interface IndexEmbedder extends QueryEmbedder {
  embedDocuments(texts: string[]): Promise<number[][]>;
}

export interface BuiltIndex {
  hash: string;
  ranker: HybridRanker;
  calibration: Calibration;
  entries: IndexEntry[];
  dimensions: number;
  builtAt: string;
  /** Milliseconds spent building, 0 when loaded from disk. */
  buildMs: number;
}

interface IndexMeta {
  version: string;
  hash: string;
  embedderId: string;
  dimensions: number;
  builtAt: string;
  entries: IndexEntry[];
  hashingState?: HashingEmbeddingsState;
  calibration: Calibration;
}

export function contentHash(input: IndexInput, embedderId: string): string {
  const h = createHash('sha256');
  h.update(`${ENGINE_VERSION}\n${embedderId}\n`);
  for (const g of [...input.guides].sort((a, b) => a.id.localeCompare(b.id))) {
    const { file: _file, sections: _sections, ...content } = g;
    h.update(JSON.stringify(content));
  }
  h.update(JSON.stringify(input.outOfScope));
  h.update(JSON.stringify(input.smalltalk));
  return h.digest('hex').slice(0, 24);
}

/** Deterministic spread sample of at most `max` items. */
function sample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]!);
}

async function calibrate(ranker: HybridRanker, entries: readonly IndexEntry[]): Promise<Calibration> {
  const questionIdx = entries.flatMap((e, i) => (e.kind === 'question' ? [i] : []));
  const oosIdx = entries.flatMap((e, i) => (e.kind === 'oos' ? [i] : []));
  const samples: CalibrationSample[] = [];
  for (const i of [...sample(questionIdx, MAX_CALIBRATION_QUESTIONS), ...sample(oosIdx, MAX_CALIBRATION_OOS)]) {
    const entry = entries[i]!;
    const ranked = await ranker.rank(entry.text, i);
    const summary = summarize(ranked);
    if (!summary.best) continue;
    const x = featureVector(summary, ranker.queryInformation(entry.text));
    const right = isGuideTarget(entry.target) && summary.best.target === entry.target;
    samples.push({ x, y: right ? 1 : 0 });
  }
  return fitCalibration(samples);
}

export function defaultEmbedder(dimensions = 512): HashingEmbeddings {
  return new HashingEmbeddings({ dimensions });
}

export async function buildIndex(input: IndexInput, embedder: IndexEmbedder): Promise<BuiltIndex> {
  const started = performance.now();
  const entries = buildEntries({ guides: [...input.guides], outOfScope: [...input.outOfScope], smalltalk: [...input.smalltalk] });
  const texts = entries.map((e) => e.text);
  if (embedder instanceof HashingEmbeddings) embedder.fit(texts);
  const vectors = await embedder.embedDocuments(texts);
  const dimensions = vectors[0]?.length ?? (embedder instanceof HashingEmbeddings ? embedder.dimension : 1);
  const store = VectorStore.build(vectors, dimensions);
  const ranker = new HybridRanker(entries, store, embedder);
  const calibration = await calibrate(ranker, entries);
  return {
    hash: contentHash(input, embedder.id),
    ranker,
    calibration,
    entries,
    dimensions,
    builtAt: new Date().toISOString(),
    buildMs: performance.now() - started,
  };
}

function indexRoot(dataDir: string): string {
  return join(dataDir, 'index');
}

export function saveIndex(dataDir: string, built: BuiltIndex, embedder: IndexEmbedder): string {
  const root = indexRoot(dataDir);
  mkdirSync(root, { recursive: true });
  const finalDir = join(root, built.hash);
  if (existsSync(finalDir)) return finalDir;
  const tmp = join(root, `.tmp-${built.hash}-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  built.ranker.saveVectors(join(tmp, 'vectors.hnsw'));
  const meta: IndexMeta = {
    version: ENGINE_VERSION,
    hash: built.hash,
    embedderId: embedder.id,
    dimensions: built.dimensions,
    builtAt: built.builtAt,
    entries: built.entries,
    hashingState: embedder instanceof HashingEmbeddings ? embedder.state() : undefined,
    calibration: built.calibration,
  };
  writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta));
  try {
    renameSync(tmp, finalDir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(finalDir)) throw err;
  }
  pruneOldIndexes(root, built.hash);
  return finalDir;
}

function pruneOldIndexes(root: string, keep: string): void {
  const dirs = readdirSync(root)
    .filter((d) => d !== keep && !d.startsWith('.tmp-'))
    .map((d) => ({ d, t: statSync(join(root, d)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { d } of dirs.slice(KEEP_OLD_INDEXES)) rmSync(join(root, d), { recursive: true, force: true });
}

/** Loads a saved index with this hash, or returns undefined. The embedder's learned state is restored. */
export function loadIndex(dataDir: string, hash: string, embedder: IndexEmbedder): BuiltIndex | undefined {
  const dir = join(indexRoot(dataDir), hash);
  const metaPath = join(dir, 'meta.json');
  if (!existsSync(metaPath)) return undefined;
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as IndexMeta;
  if (meta.version !== ENGINE_VERSION || meta.embedderId !== embedder.id) return undefined;
  let queryEmbedder: IndexEmbedder = embedder;
  if (embedder instanceof HashingEmbeddings) {
    if (!meta.hashingState) return undefined;
    queryEmbedder = new HashingEmbeddings({ state: meta.hashingState });
  }
  const store = VectorStore.load(join(dir, 'vectors.hnsw'), meta.dimensions, meta.entries.length);
  return {
    hash,
    ranker: new HybridRanker(meta.entries, store, queryEmbedder),
    calibration: meta.calibration,
    entries: meta.entries,
    dimensions: meta.dimensions,
    builtAt: meta.builtAt,
    buildMs: 0,
  };
}
