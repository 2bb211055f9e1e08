import { resolve } from 'node:path';
import { AnswerEngine } from '../src/knowledge/engine.js';
import { loadKnowledgeDir } from '../src/knowledge/loader.js';
import { usableKnowledge } from '../src/knowledge/setup.js';
import { defaultEmbedder } from '../src/knowledge/index-store.js';
import { syntheticGuides } from './synthetic.js';
async function main() {
  const kb = usableKnowledge(loadKnowledgeDir(resolve('knowledge')), () => {});
  const iv = setInterval(() => { const m = process.memoryUsage(); console.log(`rss ${(m.rss/1e6).toFixed(0)} heap ${(m.heapUsed/1e6).toFixed(0)} ext ${((m.external+m.arrayBuffers)/1e6).toFixed(0)}`); }, 1000);
  const big = await AnswerEngine.create({ ...kb, guides: syntheticGuides(kb.guides, 2000) }, { embedder: defaultEmbedder() });
  clearInterval(iv);
  console.log('maxrss', process.resourceUsage().maxRSS / 1024);
}
main();
