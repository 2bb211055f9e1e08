/**
 * A real AnswerEngine over a temporary copy of the knowledge directory (tests never touch knowledge/), with
 * the republish callback main.ts passes to the feedback module.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AnswerEngine } from '../../src/knowledge/engine.js';
import { defaultEmbedder } from '../../src/knowledge/index-store.js';
import { loadKnowledgeDir } from '../../src/knowledge/loader.js';
import { usableKnowledge } from '../../src/knowledge/setup.js';

export const REAL_KNOWLEDGE_DIR = resolve(import.meta.dirname, '../../knowledge');

export interface EngineFixture {
  root: string;
  knowledgeDir: string;
  dataDir: string;
  engine: AnswerEngine;
  republish: () => Promise<void>;
  publishCount: () => number;
  cleanup: () => void;
}

export async function createEngineFixture(): Promise<EngineFixture> {
  const root = mkdtempSync(join(tmpdir(), 'feedback-engine-'));
  const knowledgeDir = join(root, 'knowledge');
  const dataDir = join(root, 'data');
  cpSync(REAL_KNOWLEDGE_DIR, knowledgeDir, { recursive: true });
  const quiet = () => undefined;
  const engine = await AnswerEngine.create(usableKnowledge(loadKnowledgeDir(knowledgeDir), quiet), {
    dataDir,
    embedder: defaultEmbedder(512),
  });
  let published = 0;
  return {
    root,
    knowledgeDir,
    dataDir,
    engine,
    republish: async () => {
      await engine.publish(usableKnowledge(loadKnowledgeDir(knowledgeDir), quiet));
      published += 1;
    },
    publishCount: () => published,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
