/**
 * Builds the retrieval index from a knowledge base and keeps it under `DATA_DIR/index/<content hash>/`.
 * The hash covers the guides, the out-of-scope and small-talk data, the embedder and the engine version, so
 * the index is rebuilt only when one of them changes. A new index is written to a temporary folder and
 * renamed into place, so a crash mid-build never leaves a half index behind.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEntries, hasVector, isGuideTarget, type IndexEntry } from './entries.js';
import {
  fitCalibration,
  featureVector,
  summarize,
  type Calibration,
  type CalibrationSample,
} from './decision.js';
import { buildLexicalIndex, HybridRanker, type LexicalIndexes, type QueryEmbedder } from './ranking.js';
import { VectorStore } from './vector-store.js';
import { Bm25Index } from './bm25.js';
import { perturbQuestion } from './calibration-queries.js';
import { HashingEmbeddings, type HashingEmbeddingsState } from './embeddings/hashing.js';
import type { CalibrationLine, Guide, OutOfScopeSubject, SmalltalkIntent, SynonymEntry } from './schema.js';
import { Analyzer } from '../text/analyzer.js';
import { collectGarbage } from './collect-garbage.js';

/**
 * The index format and the code that fills it: a change to the engine or text code must invalidate saved
 * indexes, so the version includes a fingerprint of those source files.
 */
export const ENGINE_VERSION = `engine-v2-${sourceFingerprint()}`;

function sourceFingerprint(): string {
  const h = createHash('sha256');
  const root = dirname(fileURLToPath(import.meta.url));
  for (const dir of [root, join(root, 'embeddings'), join(root, '..', 'text')]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => /\.(ts|js)$/.test(x)).sort()) h.update(readFileSync(join(dir, f)));
  }
  return h.digest('hex').slice(0, 12);
}
const MAX_CALIBRATION_QUESTIONS = 900;
/** Above this many entries a build collects garbage before filling the vector index (see collect-garbage.ts). */
const LARGE_BASE_ENTRIES = 10_000;
const MAX_CALIBRATION_OOS = 400;
const KEEP_OLD_INDEXES = 2;
/** Texts per request to a remote embeddings endpoint. */
const EMBED_CHUNK = 64;

export interface IndexInput {
  guides: readonly Guide[];
  outOfScope: readonly OutOfScopeSubject[];
  smalltalk: readonly SmalltalkIntent[];
  synonyms?: readonly SynonymEntry[];
  /** Labelled questions; when enough of them name guides of this base, confidence is fitted on them. */
  calibration?: readonly CalibrationLine[];
}

/** The hashing embedder analyses text like the lexical side does; remote embedders see the raw text. */
function embedderFor(embedder: IndexEmbedder, analyzer: Analyzer): IndexEmbedder {
  return embedder instanceof HashingEmbeddings ? embedder.forAnalyzer(analyzer) : embedder;
}

/** An embedder that can be persisted: the hashing one learns from the corpus, remote ones are stateless. */
export interface IndexEmbedder extends QueryEmbedder {
  embedDocuments(texts: string[]): Promise<number[][]>;
}

export interface BuiltIndex {
  hash: string;
  ranker: HybridRanker;
  calibration: Calibration;
  /** The embedder the index was built with (the hashing one carries learned state). */
  embedder: IndexEmbedder;
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
  /** Entries are rebuilt from the knowledge at load time (the hash guarantees the same ones); the count checks it. */
  entryCount: number;
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
  h.update(JSON.stringify(input.synonyms ?? []));
  h.update(JSON.stringify(input.calibration ?? []));
  return h.digest('hex').slice(0, 24);
}

/** Deterministic spread sample of at most `max` items. */
function sample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]!);
}

/** Left-out siblings: the asked entry and its nearest entries of the same target. */
const SIBLINGS_LEFT_OUT = 2;

const MIN_LABELLED = 60;

/**
 * Fits confidence on labelled questions written like real messages (knowledge/calibration.jsonl). Returns
 * undefined when too few of them concern guides of this base (e.g. a brand-new or synthetic base).
 */
async function calibrateOnLabelled(
  ranker: HybridRanker,
  lines: readonly CalibrationLine[],
  guideIds: ReadonlySet<string>,
): Promise<Calibration | undefined> {
  const usable = lines.filter((l) => l.expect === 'uncovered' || guideIds.has(l.expect));
  const topical = usable.filter((l) => l.expect !== 'uncovered').length;
  if (usable.length < MIN_LABELLED || topical < MIN_LABELLED / 2) return undefined;
  const samples: CalibrationSample[] = [];
  for (const line of usable) {
    const summary = summarize(await ranker.rank(line.q));
    if (!summary.best) continue;
    const right = line.expect !== 'uncovered' && [line.expect, ...line.alt].includes(summary.best.target);
    samples.push({
      x: featureVector(summary),
      y: right ? 1 : 0,
      inScope: line.expect !== 'uncovered',
    });
  }
  return fitCalibration(samples);
}

async function calibrate(ranker: HybridRanker, entries: readonly IndexEntry[]): Promise<Calibration> {
  const questionIdx = entries.flatMap((e, i) => (e.kind === 'question' ? [i] : []));
  const oosIdx = entries.flatMap((e, i) => (e.kind === 'oos' ? [i] : []));
  const samples: CalibrationSample[] = [];
  // Large bases need fewer samples per guide for the same precision, and each query costs more.
  const scale = entries.length > LARGE_BASE_ENTRIES ? 0.25 : 1;
  const picked = [
    ...sample(questionIdx, Math.round(MAX_CALIBRATION_QUESTIONS * scale)),
    ...sample(oosIdx, Math.round(MAX_CALIBRATION_OOS * scale)),
  ];
  for (const i of picked) {
    const entry = entries[i]!;
    const exclude = new Set([i]);
    for (const n of await ranker.nearestEntries(entry.text, 8, exclude)) {
      if (exclude.size > SIBLINGS_LEFT_OUT) break;
      if (entries[n.label]!.target === entry.target && entries[n.label]!.kind === entry.kind) exclude.add(n.label);
    }
    const query = perturbQuestion(entry.text);
    const summary = summarize(await ranker.rank(query, exclude));
    if (!summary.best) continue;
    const x = featureVector(summary);
    const right = isGuideTarget(entry.target) && summary.best.target === entry.target;
    samples.push({ x, y: right ? 1 : 0 });
  }
  return fitCalibration(samples);
}

export function defaultEmbedder(dimensions = 384): HashingEmbeddings {
  return new HashingEmbeddings({ dimensions });
}

export async function buildIndex(input: IndexInput, baseEmbedder: IndexEmbedder): Promise<BuiltIndex> {
  const started = performance.now();
  const analyzer = new Analyzer(input.synonyms ?? []);
  const embedder = embedderFor(baseEmbedder, analyzer);
  const entries = buildEntries({ guides: [...input.guides], outOfScope: [...input.outOfScope], smalltalk: [...input.smalltalk] });
  const vectorLabels = entries.flatMap((e, i) => (hasVector(e) ? [i] : []));
  const texts = vectorLabels.map((i) => entries[i]!.text);
  // One analysis per entry feeds both the lexical index and the hashing embedder's document frequencies.
  const fitting = embedder instanceof HashingEmbeddings ? embedder.startFit() : undefined;
  const lexical = buildLexicalIndex(entries, analyzer, (i, analysis) => {
    if (fitting && hasVector(entries[i]!)) fitting.add(analysis);
  });
  releaseSectionTexts(entries);
  if (entries.length > LARGE_BASE_ENTRIES) collectGarbage();
  let store: VectorStore | undefined;
  let dimensions = embedder instanceof HashingEmbeddings ? embedder.dimension : 1;
  if (embedder instanceof HashingEmbeddings) {
    store = VectorStore.create(texts.length, dimensions);
    const vector = new Array<number>(dimensions);
    texts.forEach((text, k) => store!.add(embedder.embedInto(text, vector), vectorLabels[k]!));
  } else {
    for (let start = 0; start < texts.length; start += EMBED_CHUNK) {
      const vectors = await embedder.embedDocuments(texts.slice(start, start + EMBED_CHUNK));
      if (!store) {
        dimensions = vectors[0]?.length ?? dimensions;
        store = VectorStore.create(texts.length, dimensions);
      }
      vectors.forEach((v, k) => store!.add(v, vectorLabels[start + k]!));
    }
  }
  store ??= VectorStore.create(1, dimensions);
  const ranker = new HybridRanker(entries, store, embedder, analyzer, lexical);
  const guideIds = new Set(input.guides.map((g) => g.id));
  const calibration =
    (await calibrateOnLabelled(ranker, input.calibration ?? [], guideIds)) ?? (await calibrate(ranker, entries));
  return {
    hash: contentHash(input, baseEmbedder.id),
    ranker,
    embedder,
    calibration,
    entries,
    dimensions,
    builtAt: new Date().toISOString(),
    buildMs: performance.now() - started,
  };
}

/**
 * Body sections are matched lexically only; once the lexical index holds them, their text is not needed
 * again (the guides keep the body for answers), and on a large base it is the biggest share of the entries.
 */
function releaseSectionTexts(entries: IndexEntry[]): void {
  for (const e of entries) if (!hasVector(e)) e.text = '';
}

function indexRoot(dataDir: string): string {
  return join(dataDir, 'index');
}

export function saveIndex(dataDir: string, built: BuiltIndex, baseEmbedder: IndexEmbedder): string {
  const embedder = built.embedder;
  const root = indexRoot(dataDir);
  mkdirSync(root, { recursive: true });
  const finalDir = join(root, built.hash);
  if (existsSync(finalDir)) return finalDir;
  const tmp = join(root, `.tmp-${built.hash}-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  built.ranker.saveVectors(join(tmp, 'vectors.hnsw'));
  built.ranker.lexical.entries.save(join(tmp, 'lexical'));
  const { entries: entryIndex, profiles } = built.ranker.lexical;
  profiles.save(join(tmp, 'profiles'), { withoutTerms: profiles.sharesTermsWith(entryIndex) });
  const meta: IndexMeta = {
    version: ENGINE_VERSION,
    hash: built.hash,
    embedderId: baseEmbedder.id,
    dimensions: built.dimensions,
    builtAt: built.builtAt,
    entryCount: built.entries.length,
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
export function loadIndex(dataDir: string, hash: string, embedder: IndexEmbedder, input: IndexInput): BuiltIndex | undefined {
  const dir = join(indexRoot(dataDir), hash);
  const metaPath = join(dir, 'meta.json');
  if (!existsSync(metaPath)) return undefined;
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as IndexMeta;
  if (meta.version !== ENGINE_VERSION || meta.embedderId !== embedder.id) return undefined;
  const entries = buildEntries({ guides: [...input.guides], outOfScope: [...input.outOfScope], smalltalk: [...input.smalltalk] });
  if (entries.length !== meta.entryCount) return undefined;
  const analyzer = new Analyzer(input.synonyms ?? []);
  let queryEmbedder = embedderFor(embedder, analyzer);
  if (queryEmbedder instanceof HashingEmbeddings) {
    if (!meta.hashingState) return undefined;
    queryEmbedder = queryEmbedder.withState(meta.hashingState);
  }
  const store = VectorStore.load(join(dir, 'vectors.hnsw'), meta.dimensions, entries.filter(hasVector).length);
  // Missing or mismatched lexical files are rebuilt from the entries.
  const entryIndex = Bm25Index.load(join(dir, 'lexical'));
  const lexical = { entries: entryIndex, profiles: Bm25Index.load(join(dir, 'profiles'), entryIndex) };
  const targets = new Set(entries.map((e) => e.target)).size;
  const usable = lexical.entries?.size === entries.length && lexical.profiles?.size === targets;
  const ranker = new HybridRanker(entries, store, queryEmbedder, analyzer, usable ? (lexical as LexicalIndexes) : undefined);
  releaseSectionTexts(entries);
  return {
    hash,
    ranker,
    calibration: meta.calibration,
    embedder: queryEmbedder,
    entries,
    dimensions: meta.dimensions,
    builtAt: meta.builtAt,
    buildMs: 0,
  };
}
