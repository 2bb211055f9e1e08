/** Where the memory of a large index goes: heap and RSS after each build stage (node --expose-gc). */
import { resolve } from 'node:path';
import { loadKnowledgeDir } from '../src/knowledge/loader.js';
import { usableKnowledge } from '../src/knowledge/setup.js';
import { AnswerEngine } from '../src/knowledge/engine.js';
import { defaultEmbedder } from '../src/knowledge/index-store.js';
import { syntheticGuides } from './synthetic.js';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (n: number) => (n / 1048576).toFixed(0);
function report(stage: string): void {
  gc();
  const m = process.memoryUsage();
  console.log(`${stage.padEnd(28)} rss ${mb(m.rss)} heap ${mb(m.heapUsed)} ext ${mb(m.external)} ab ${mb(m.arrayBuffers)} maxrss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}`);
}
report('start');
const kb = usableKnowledge(loadKnowledgeDir(resolve('knowledge')), () => {});
const guides = syntheticGuides(kb.guides, Number(process.env.GUIDES ?? 2000));
report('guides generated');
const engine = await AnswerEngine.create({ ...kb, guides }, { embedder: defaultEmbedder(Number(process.env.DIMS ?? 384)) });
report('engine built');
console.log('entries', engine.indexInfo.entries);
await engine.ask('cho hoi cach kich hoat vneid muc 2');
report('after one question');
import { readFileSync } from 'node:fs';
const qs = readFileSync('../shared/eval/dev.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { q: string }).q);
for (let r = 0; r < 3; r++) {
  for (const q of qs) await engine.ask(q);
  const m = process.memoryUsage();
  console.log(`round ${r} rss ${mb(m.rss)} heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} maxrss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}`);
}
