import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeDir } from '../../src/knowledge/loader.js';
import { validateKnowledgeBase } from '../../src/knowledge/validate.js';
import { tokenize } from '../../src/text/normalize.js';

const ROOT = join(import.meta.dirname, '../..');
const kb = loadKnowledgeDir(join(ROOT, 'knowledge'));

describe('the shipped knowledge base', () => {
  it('passes every validation rule and covers the whole catalog', () => {
    expect(validateKnowledgeBase(kb)).toEqual([]);
    expect(kb.catalog).toHaveLength(56);
    expect(new Set(kb.guides.map((g) => g.id))).toEqual(new Set(kb.catalog.map((t) => t.id)));
  });

  it('`npm run kb -- validate` exits 0', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/kb.ts', 'validate'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toContain('56/56 chủ đề trong danh mục, 0 lỗi');
  });

  it('uses the current names: thẻ căn cước, no district offices', () => {
    for (const g of kb.guides) {
      expect(g.body, g.id).not.toMatch(/(UBND|Công an|Ủy ban nhân dân) (cấp )?(huyện|quận)\b/i);
    }
  });

  /** Held-out questions must never be copied into the guides (nor near-copies). */
  const heldOut = [
    join(ROOT, '../shared/eval/dev.jsonl'),
    join(ROOT, 'test/eval/own.jsonl'),
    join(ROOT, 'knowledge/calibration.jsonl'),
  ].filter(existsSync);

  it.each(heldOut)('shares no sample question with %s', (file) => {
    const key = (q: string) => tokenize(q).join(' ');
    const held = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { q: string }).q);
    const heldKeys = new Set(held.map(key));
    const heldSets = held.map((q) => new Set(tokenize(q)));
    for (const g of kb.guides) {
      for (const q of g.questions) {
        expect(heldKeys.has(key(q)), `${g.id}: ${q}`).toBe(false);
        const mine = new Set(tokenize(q));
        for (const other of heldSets) {
          const inter = [...mine].filter((t) => other.has(t)).length;
          const jaccard = inter / (mine.size + other.size - inter);
          expect(jaccard, `${g.id}: ${q}`).toBeLessThan(0.8);
        }
      }
    }
  });
});
