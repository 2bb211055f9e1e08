/**
 * `npx tsx bench/publish.ts`: time of a publish from /admin on the real guides — building the new index (worker
 * thread, then on the main thread for comparison) and swapping it into the live engine — and the latency of
 * questions asked while a build runs. Each round edits one guide so nothing comes from the on-disk cache.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createKnowledgeAdmin } from '../src/knowledge-admin/index.js';

/** Quiet rounds (nothing else running) measure the publish itself; the last round asks questions meanwhile. */
const ROUNDS = 4;
const GUIDE = 'dvc-khai-bao-tam-vang';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function scenario(worker: boolean): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'bench-publish-'));
  const knowledgeDir = join(root, 'knowledge');
  cpSync(resolve('knowledge'), knowledgeDir, { recursive: true });
  const admin = await createKnowledgeAdmin({
    config: { DATA_DIR: join(root, 'data'), KNOWLEDGE_DIR: knowledgeDir, EMBEDDINGS_DIMENSIONS: 384 },
    env: { KNOWLEDGE_BUILD_WORKER: worker ? 'on' : 'off' },
    log: { info: () => undefined, warn: () => undefined },
    writePidFile: false,
  });
  const original = readFileSync(join(knowledgeDir, `${GUIDE}.md`), 'utf8');
  const rows: string[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const markdown = original.replace(/^title: (.*)$/m, `title: $1 (lần ${round + 1})`);
      await admin.editor.save(GUIDE, markdown, { author: 'bench', mode: 'update' });
      // Questions asked back to back while the publish runs: their latency shows what the build costs the live path.
      const latencies: number[] = [];
      const underLoad = round === ROUNDS - 1;
      let done = !underLoad;
      const asking = (async () => {
        while (!done) {
          const t = performance.now();
          await admin.engine.ask('khai báo tạm vắng online ở đâu');
          latencies.push(performance.now() - t);
          await new Promise((r) => setImmediate(r));
        }
      })();
      const started = performance.now();
      const { publication } = await admin.runtime.publish('bench');
      const total = performance.now() - started;
      done = true;
      await asking;
      latencies.sort((a, b) => a - b);
      rows.push(
        `| ${worker ? 'worker thread' : 'luồng chính'} | ${round + 1}${underLoad ? ' (có hỏi đồng thời)' : ''} | ${publication.guides} | ${publication.buildMs} | ${publication.swapMs} | ` +
          `${Math.round(total)} | ${underLoad ? `${latencies.length} | ${percentile(latencies, 50).toFixed(1)} | ${percentile(latencies, 99).toFixed(1)}` : '– | – | –'} |`,
      );
    }
  } finally {
    await admin.stop();
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

const rows = [...(await scenario(true)), ...(await scenario(false))];
console.log('| dựng ở | lần | hướng dẫn | dựng (ms) | đổi (ms) | tổng (ms) | câu hỏi trong lúc dựng | p50 (ms) | p99 (ms) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
