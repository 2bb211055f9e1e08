/**
 * One AnswerEngine per test file, built from the real knowledge/ directory. The built index is cached in a
 * directory shared by the test files (keyed by content hash and written atomically by saveIndex), so only
 * the first file of a run pays for the build.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../../src/config.js';
import { createEngineFromConfig } from '../../../src/knowledge/setup.js';
import type { AnswerEngine } from '../../../src/knowledge/engine.js';

export const KNOWLEDGE_DIR = resolve(new URL('../../../knowledge', import.meta.url).pathname);
const SHARED_INDEX_DIR = join(tmpdir(), 'tro-ly-channels-test-index');

export async function buildTestEngine(dataDir = SHARED_INDEX_DIR): Promise<AnswerEngine> {
  const config = loadConfig({ DATA_DIR: dataDir, KNOWLEDGE_DIR } as NodeJS.ProcessEnv);
  const quiet = { info: () => {}, warn: () => {} };
  return (await createEngineFromConfig(config, quiet)).engine;
}
