/**
 * The embedding function triage clusters with. main.ts should pass the engine's own embedder (the same
 * vectors as retrieval); when none is given, an offline hashing embedder is fitted on the published
 * guides' questions, titles and keywords and refitted whenever the engine publishes a new index.
 */
import { HashingEmbeddings } from '../knowledge/embeddings/hashing.js';
import type { AnswerEngine } from '../knowledge/engine.js';
import type { EmbedTexts } from './clustering.js';

export function fittedHashingEmbedder(engine: () => AnswerEngine, dimensions = 512): EmbedTexts {
  let fittedFor: string | undefined;
  let embedder: HashingEmbeddings | undefined;
  return async (texts) => {
    const current = engine();
    if (!embedder || fittedFor !== current.indexHash) {
      const corpus = current.allGuides().flatMap((g) => [g.title, g.summary, ...g.questions, g.keywords.join(' ')]);
      embedder = new HashingEmbeddings({ dimensions });
      embedder.fit(corpus);
      fittedFor = current.indexHash;
    }
    return embedder.embedDocuments(texts);
  };
}
