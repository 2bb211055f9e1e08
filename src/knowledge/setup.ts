/** Loads the knowledge directory, reports skipped guides, and creates the engine with the configured embedder. */
import { resolve } from 'node:path';
import { AnswerEngine } from './engine.js';
import { loadKnowledgeDir, type KnowledgeBase } from './loader.js';
import { guideProblems } from './validate.js';
import { defaultEmbedder, type IndexEmbedder } from './index-store.js';
import { OpenAiCompatibleEmbeddings } from './embeddings/openai-compatible.js';
import type { Config } from '../config.js';

export function createEmbedder(config: Pick<Config, 'EMBEDDINGS_URL' | 'EMBEDDINGS_MODEL' | 'EMBEDDINGS_API_KEY' | 'EMBEDDINGS_DIMENSIONS'>): IndexEmbedder {
  if (config.EMBEDDINGS_URL && config.EMBEDDINGS_MODEL) {
    return new OpenAiCompatibleEmbeddings({
      url: config.EMBEDDINGS_URL,
      model: config.EMBEDDINGS_MODEL,
      apiKey: config.EMBEDDINGS_API_KEY,
    });
  }
  return defaultEmbedder(config.EMBEDDINGS_DIMENSIONS);
}

/**
 * Keeps only the guides that pass the per-guide rules; every skipped guide is reported with file, field and
 * reason through `warn`.
 */
export function usableKnowledge(kb: KnowledgeBase, warn: (line: string) => void): KnowledgeBase {
  const indicatorIds = new Set(kb.indicators.map((i) => i.id));
  for (const p of kb.problems) warn(`Bỏ qua ${p.file} [${p.field}]: ${p.reason}`);
  const seen = new Set<string>();
  const guides = kb.guides.filter((g) => {
    const problems = guideProblems(g, indicatorIds);
    if (seen.has(g.id)) problems.push({ file: g.file, field: 'id', reason: 'trùng id với hướng dẫn khác' });
    for (const p of problems) warn(`Bỏ qua ${p.file} [${p.field}]: ${p.reason}`);
    seen.add(g.id);
    return problems.length === 0;
  });
  return { ...kb, guides };
}

export async function createEngineFromConfig(
  config: Config,
  log: { info: (l: string) => void; warn: (l: string) => void },
): Promise<{ engine: AnswerEngine; knowledge: KnowledgeBase }> {
  const knowledge = usableKnowledge(loadKnowledgeDir(resolve(config.KNOWLEDGE_DIR)), log.warn);
  const engine = await AnswerEngine.create(knowledge, {
    dataDir: resolve(config.DATA_DIR),
    embedder: createEmbedder(config),
    log: log.info,
  });
  return { engine, knowledge };
}
