/** One AnswerEngine per test file, built from the real knowledge/ directory into a temp DATA_DIR. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../../src/config.js';
import { createEngineFromConfig } from '../../../src/knowledge/setup.js';
import type { AnswerEngine } from '../../../src/knowledge/engine.js';

export const KNOWLEDGE_DIR = resolve(new URL('../../../knowledge', import.meta.url).pathname);

export async function buildTestEngine(dataDir = mkdtempSync(join(tmpdir(), 'channels-engine-'))): Promise<AnswerEngine> {
  const config = loadConfig({ DATA_DIR: dataDir, KNOWLEDGE_DIR } as NodeJS.ProcessEnv);
  const quiet = { info: () => {}, warn: () => {} };
  return (await createEngineFromConfig(config, quiet)).engine;
}
