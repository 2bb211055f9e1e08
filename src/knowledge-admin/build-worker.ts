/**
 * Worker-thread side of WorkerIndexBuilder: builds indexes (saved under DATA_DIR/index) and preview engines
 * away from the thread that answers citizens. Jobs arrive one at a time as {id, kind, input, questions?}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEmbedder } from '../knowledge/setup.js';
import { InProcessIndexBuilder, type KnowledgeInput } from './builder.js';
import type { EmbedderSettings } from './worker-builder.js';

interface Job {
  id: number;
  kind: 'prepare' | 'preview';
  input: KnowledgeInput;
  questions?: string[];
}

const { dataDir, embedder } = workerData as { dataDir: string | undefined; embedder: EmbedderSettings };
const builder = new InProcessIndexBuilder(dataDir, createEmbedder(embedder));
const port = parentPort!;

port.on('message', async (job: Job) => {
  try {
    const result = job.kind === 'prepare' ? await builder.prepare(job.input) : await builder.preview(job.input, job.questions ?? []);
    port.postMessage({ id: job.id, ok: true, result });
  } catch (err) {
    port.postMessage({ id: job.id, ok: false, error: (err as Error)?.message ?? String(err) });
  }
});
port.postMessage({ ready: true });
