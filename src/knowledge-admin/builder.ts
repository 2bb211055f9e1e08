/**
 * Builds indexes for publishing and previews without touching the live engine. `prepare` builds the index of a
 * knowledge input and saves it under DATA_DIR/index/<hash>, so AnswerEngine.publish afterwards only loads it
 * from disk and swaps (the expensive part never runs on the engine that answers citizens). `preview` builds a
 * throw-away engine (nothing written to disk) and answers test questions with it.
 *
 * This file holds the contract and the in-process implementation; worker-builder.ts runs the same jobs in a
 * worker thread so the HTTP event loop stays free while an index builds.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AnswerEngine, toResponse, type AskResponse } from '../knowledge/engine.js';
import { buildIndex, contentHash, saveIndex, type IndexEmbedder, type IndexInput } from '../knowledge/index-store.js';
import type { Indicator } from '../knowledge/schema.js';

export type KnowledgeInput = IndexInput & { indicators?: Indicator[] };

export interface PrepareResult {
  hash: string;
  buildMs: number;
  /** True when an index with this hash was already on disk. */
  cached: boolean;
}

export interface PreviewResult {
  answers: AskResponse[];
  buildMs: number;
}

export interface IndexBuilder {
  prepare(input: KnowledgeInput): Promise<PrepareResult>;
  preview(input: KnowledgeInput, questions: readonly string[]): Promise<PreviewResult>;
  close(): Promise<void>;
}

/** Only what an index needs, as plain data (structured-clone friendly for the worker). */
export function plainInput(input: KnowledgeInput): KnowledgeInput {
  return {
    guides: input.guides.map((g) => ({ ...g, sections: g.sections.map((s) => ({ ...s })) })),
    outOfScope: input.outOfScope,
    smalltalk: input.smalltalk,
    synonyms: input.synonyms ?? [],
    calibration: input.calibration ?? [],
    indicators: input.indicators ?? [],
  };
}

export function indexExists(dataDir: string, hash: string): boolean {
  return existsSync(join(dataDir, 'index', hash, 'meta.json'));
}

/** Runs the jobs on the calling thread. Also what the worker thread runs inside. */
export class InProcessIndexBuilder implements IndexBuilder {
  private lastPreview?: { hash: string; engine: AnswerEngine; buildMs: number };

  constructor(
    private readonly dataDir: string | undefined,
    private readonly embedder: IndexEmbedder,
  ) {}

  async prepare(input: KnowledgeInput): Promise<PrepareResult> {
    const hash = contentHash(input, this.embedder.id);
    if (!this.dataDir) return { hash, buildMs: 0, cached: false };
    if (indexExists(this.dataDir, hash)) return { hash, buildMs: 0, cached: true };
    const built = await buildIndex(input, this.embedder);
    saveIndex(this.dataDir, built, this.embedder);
    return { hash, buildMs: Math.round(built.buildMs), cached: false };
  }

  async preview(input: KnowledgeInput, questions: readonly string[]): Promise<PreviewResult> {
    const hash = contentHash(input, this.embedder.id);
    if (this.lastPreview?.hash !== hash) {
      const started = performance.now();
      const engine = await AnswerEngine.create(input, { embedder: this.embedder });
      this.lastPreview = { hash, engine, buildMs: Math.round(performance.now() - started) };
    }
    const { engine, buildMs } = this.lastPreview;
    const answers: AskResponse[] = [];
    for (const q of questions) answers.push(toResponse(await engine.ask(q)));
    return { answers, buildMs };
  }

  async close(): Promise<void> {
    this.lastPreview = undefined;
  }
}
