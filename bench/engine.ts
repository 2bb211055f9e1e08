/**
 * npm run bench: index build time (the real guides, and a synthetic 2,000-guide base), per-question latency
 * p50/p99 over an evaluation file, and peak RSS. Each base is measured in its own process, as one instance
 * would serve it, so one base's memory does not count against the other. Nothing is cached on disk.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AnswerEngine } from '../src/knowledge/engine.js';
import { loadKnowledgeDir } from '../src/knowledge/loader.js';
import { usableKnowledge } from '../src/knowledge/setup.js';
import { defaultEmbedder } from '../src/knowledge/index-store.js';
import { syntheticGuides } from './synthetic.js';

interface ScenarioResult {
  label: string;
  entries: number;
  buildMs: number;
  p50: number;
  p99: number;
  rssMb: number;
  questions: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function evalFile(): string {
  const candidates = [process.env.BENCH_EVAL_FILE, '../shared/eval/dev.jsonl', 'test/eval/own.jsonl'];
  return candidates.find((f): f is string => !!f && existsSync(f))!;
}

async function runScenario(name: 'real' | 'synthetic'): Promise<ScenarioResult> {
  const questions = readFileSync(evalFile(), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { q: string }).q);
  const kb = usableKnowledge(loadKnowledgeDir(resolve('knowledge')), () => {});
  const input = name === 'real' ? kb : { ...kb, guides: syntheticGuides(kb.guides, 2000) };
  const started = performance.now();
  const engine = await AnswerEngine.create(input, { embedder: defaultEmbedder() });
  const buildMs = performance.now() - started;
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
  return {
    label: name === 'real' ? `${input.guides.length} hướng dẫn thật` : '2.000 hướng dẫn tổng hợp',
    entries: engine.indexInfo.entries,
    buildMs,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    rssMb: process.resourceUsage().maxRSS / 1024,
    questions: questions.length,
  };
}

function main(): void {
  const scenario = process.argv.find((a) => a.startsWith('--scenario='))?.split('=')[1];
  if (scenario === 'real' || scenario === 'synthetic') {
    runScenario(scenario).then((r) => process.stdout.write(JSON.stringify(r)));
    return;
  }
  const results = (['real', 'synthetic'] as const).map((s) => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/engine.ts', `--scenario=${s}`], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out) as ScenarioResult;
  });
  const f = (x: number) => x.toFixed(2);
  console.log(`Benchmark engine — câu hỏi từ ${evalFile()} (${results[0]!.questions} câu × 3 lượt), Node ${process.version}`);
  console.log('| cơ sở tri thức | mục chỉ mục | xây chỉ mục (ms) | p50 (ms) | p99 (ms) | RSS đỉnh (MB) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.label} | ${r.entries} | ${r.buildMs.toFixed(0)} | ${f(r.p50)} | ${f(r.p99)} | ${r.rssMb.toFixed(0)} |`);
  }
}

main();
