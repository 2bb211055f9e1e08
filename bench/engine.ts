/**
 * npm run bench: index build time (real guides and a synthetic 2,000-guide base), per-question latency
 * p50/p99 over an evaluation file, and peak RSS. Prints a table. Nothing is cached on disk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AnswerEngine } from '../src/knowledge/engine.js';
import { loadKnowledgeDir } from '../src/knowledge/loader.js';
import { usableKnowledge } from '../src/knowledge/setup.js';
import { defaultEmbedder } from '../src/knowledge/index-store.js';
import { syntheticGuides } from './synthetic.js';

const EVAL_CANDIDATES = [process.argv[2], '../shared/eval/dev.jsonl', 'test/eval/own.jsonl'].filter(Boolean) as string[];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function measure(label: string, engine: AnswerEngine, questions: string[]) {
  for (const q of questions.slice(0, 50)) await engine.ask(q); // warm-up
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const q of questions) {
      const t = performance.now();
      await engine.ask(q);
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  return { label, p50: percentile(times, 50), p99: percentile(times, 99), n: times.length };
}

async function main() {
  const evalFile = EVAL_CANDIDATES.find((f) => existsSync(f))!;
  const questions = readFileSync(evalFile, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { q: string }).q);
  const kb = usableKnowledge(loadKnowledgeDir(resolve('knowledge')), () => {});

  let t = performance.now();
  const real = await AnswerEngine.create(kb, { embedder: defaultEmbedder() });
  const realBuild = performance.now() - t;
  const realLatency = await measure(`${kb.guides.length} hướng dẫn thật`, real, questions);
  const mb = (x: number) => `${(x / 1024 / 1024).toFixed(0)} MB`;
  const mem = (label: string) => {
    const m = process.memoryUsage();
    console.error(`${label}: rss ${mb(m.rss)}, heap ${mb(m.heapUsed)}, external ${mb(m.external + m.arrayBuffers)}`);
  };
  mem('sau chỉ mục thật');

  const synthetic = syntheticGuides(kb.guides, 2000);
  t = performance.now();
  const big = await AnswerEngine.create({ ...kb, guides: synthetic }, { embedder: defaultEmbedder() });
  const bigBuild = performance.now() - t;
  mem('sau chỉ mục 2.000 hướng dẫn');
  const bigLatency = await measure('2.000 hướng dẫn tổng hợp', big, questions);
  const rssMb = process.resourceUsage().maxRSS / 1024;

  const f = (x: number) => x.toFixed(2);
  console.log(`Benchmark engine — câu hỏi từ ${evalFile} (${questions.length} câu × 3 lượt), Node ${process.version}`);
  console.log('| cơ sở tri thức | mục chỉ mục | xây chỉ mục (ms) | p50 (ms) | p99 (ms) |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| ${realLatency.label} | ${real.indexInfo.entries} | ${realBuild.toFixed(0)} | ${f(realLatency.p50)} | ${f(realLatency.p99)} |`);
  console.log(`| ${bigLatency.label} | ${big.indexInfo.entries} | ${bigBuild.toFixed(0)} | ${f(bigLatency.p50)} | ${f(bigLatency.p99)} |`);
  console.log(`\nRSS đỉnh của tiến trình: ${rssMb.toFixed(0)} MB`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
