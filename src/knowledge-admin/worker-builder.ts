/**
 * Runs IndexBuilder jobs in one long-lived worker thread (started on first use, unref'd so it never keeps the
 * process alive). Jobs run one at a time in arrival order. If the worker cannot start at all (no TypeScript
 * loader, workers unavailable) the builder says so once and falls back to building on the main thread.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Config } from '../config.js';
import { InProcessIndexBuilder, plainInput, type IndexBuilder, type KnowledgeInput, type PrepareResult, type PreviewResult } from './builder.js';
import { createEmbedder } from '../knowledge/setup.js';

export type EmbedderSettings = Pick<Config, 'EMBEDDINGS_URL' | 'EMBEDDINGS_MODEL' | 'EMBEDDINGS_API_KEY' | 'EMBEDDINGS_DIMENSIONS'>;

/** A job that takes longer than this is abandoned and the worker restarted (a hung remote embedder). */
const JOB_TIMEOUT_MS = 10 * 60_000;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** The code that starts the worker: under tsx the entry is TypeScript, so the loader is registered first. */
function workerBootstrap(): { code: string } {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const entry = new URL(`./build-worker${ext}`, import.meta.url).href;
  if (ext !== '.ts') return { code: `import(${JSON.stringify(entry)});` };
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url).resolve('tsx/package.json').replace(/package\.json$/, 'dist/esm/api/index.mjs'),
  ).href;
  return {
    code: `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })
      .catch((err) => { require('node:worker_threads').parentPort.postMessage({ bootError: String(err && err.stack || err) }); });`,
  };
}

export class WorkerIndexBuilder implements IndexBuilder {
  private worker?: Worker;
  private ready?: Promise<void>;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private fallback?: InProcessIndexBuilder;

  constructor(
    private readonly options: { dataDir: string | undefined; embedder: EmbedderSettings; warn?: (line: string) => void },
  ) {}

  prepare(input: KnowledgeInput): Promise<PrepareResult> {
    return this.run('prepare', input) as Promise<PrepareResult>;
  }

  preview(input: KnowledgeInput, questions: readonly string[]): Promise<PreviewResult> {
    return this.run('preview', input, [...questions]) as Promise<PreviewResult>;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.reset(new Error('Bộ dựng chỉ mục đã dừng.'));
    await worker?.terminate();
    await this.fallback?.close();
  }

  private run(kind: 'prepare' | 'preview', input: KnowledgeInput, questions?: string[]): Promise<unknown> {
    const job = this.queue.then(async () => {
      if (!this.fallback) {
        try {
          await this.start();
        } catch (err) {
          this.options.warn?.(`Không chạy được luồng dựng chỉ mục riêng (${(err as Error).message}); dựng trên luồng chính.`);
          this.fallback = new InProcessIndexBuilder(this.options.dataDir, createEmbedder(this.options.embedder));
        }
      }
      if (this.fallback) return kind === 'prepare' ? this.fallback.prepare(input) : this.fallback.preview(input, questions ?? []);
      return this.send(kind, input, questions);
    });
    this.queue = job.catch(() => undefined);
    return job;
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = new Worker(workerBootstrap().code, {
      eval: true,
      execArgv: [],
      workerData: { dataDir: this.options.dataDir, embedder: this.options.embedder },
    });
    worker.unref();
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const onBootMessage = (m: { ready?: boolean; bootError?: string }) => {
        if (m.ready) {
          worker.off('message', onBootMessage);
          worker.on('message', (msg) => this.onMessage(msg));
          resolve();
        } else if (m.bootError) {
          reject(new Error(m.bootError.split('\n')[0]));
          void worker.terminate();
        }
      };
      worker.on('message', onBootMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`luồng dựng chỉ mục dừng với mã ${code}`)));
    });
    worker.on('error', (err) => {
      if (this.worker === worker) this.reset(err);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.reset(new Error(`Luồng dựng chỉ mục dừng bất ngờ (mã ${code}).`));
    });
    return this.ready;
  }

  private send(kind: 'prepare' | 'preview', input: KnowledgeInput, questions?: string[]): Promise<unknown> {
    const worker = this.worker!;
    const id = this.nextId++;
    worker.ref();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const err = new Error(`Dựng chỉ mục quá ${JOB_TIMEOUT_MS / 60_000} phút, đã huỷ.`);
        void worker.terminate();
        this.reset(err);
      }, JOB_TIMEOUT_MS);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, kind, input: plainInput(input), questions });
    }).finally(() => {
      if (this.pending.size === 0) worker.unref();
    });
  }

  private onMessage(msg: { id: number; ok: boolean; result?: unknown; error?: string }): void {
    const job = this.pending.get(msg.id);
    if (!job) return;
    this.pending.delete(msg.id);
    clearTimeout(job.timer);
    if (msg.ok) job.resolve(msg.result);
    else job.reject(new Error(msg.error ?? 'lỗi không rõ khi dựng chỉ mục'));
  }

  /** Fails every job in flight and forgets the worker; the next job starts a new one. */
  private reset(err: Error): void {
    for (const job of this.pending.values()) {
      clearTimeout(job.timer);
      job.reject(err);
    }
    this.pending.clear();
    this.worker = undefined;
    this.ready = undefined;
  }
}
