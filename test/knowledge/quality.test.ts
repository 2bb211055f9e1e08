import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnswerEngine } from '../../src/knowledge/engine.js';
import { loadKnowledgeDir } from '../../src/knowledge/loader.js';
import { usableKnowledge } from '../../src/knowledge/setup.js';
import { defaultEmbedder } from '../../src/knowledge/index-store.js';
import { scoreEvaluation, type EvalLine } from '../../src/knowledge/evaluation.js';

/**
 * A regression guard on our own evaluation set (written independently of the guides and of the calibration
 * set): the figures `npm run eval -- test/eval/own.jsonl` prints must not fall below these floors.
 */
describe('answer quality on test/eval/own.jsonl', () => {
  it('keeps top-1, uncovered recall/precision and small talk above their floors', async () => {
    const kb = usableKnowledge(loadKnowledgeDir(join(import.meta.dirname, '../../knowledge')), () => {});
    const engine = await AnswerEngine.create(kb, { embedder: defaultEmbedder() });
    const lines = readFileSync(join(import.meta.dirname, '../eval/own.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as EvalLine);
    const outcomes = [];
    for (const line of lines) outcomes.push({ line, result: await engine.ask(line.q) });
    const report = scoreEvaluation(outcomes);
    expect(report.inScopeTop1.rate).toBeGreaterThanOrEqual(0.9);
    expect(report.uncoveredRecall.rate).toBeGreaterThanOrEqual(0.85);
    expect(report.uncoveredPrecision.rate).toBeGreaterThanOrEqual(0.85);
    expect(report.smalltalk.rate).toBeGreaterThanOrEqual(0.75);
    for (const [style, r] of Object.entries(report.byStyle)) expect(r.rate, style).toBeGreaterThanOrEqual(0.8);
  });
});
