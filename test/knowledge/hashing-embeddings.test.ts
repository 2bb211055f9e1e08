import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forEachFeature, HashingEmbeddings } from '../../src/knowledge/embeddings/hashing.js';
import { charTrigrams, isStopword } from '../../src/text/normalize.js';
import { Bm25Index } from '../../src/knowledge/bm25.js';
import { Analyzer } from '../../src/text/analyzer.js';

const analyzer = new Analyzer();

/** The features spelled out by name, the way the embedder defines them: the reference it must hash alike. */
function namedFeatures(text: string): Map<string, number> {
  const { tokens, content, bigrams } = analyzer.analyze(text);
  const features = new Map<string, number>();
  const add = (f: string, w: number) => features.set(f, (features.get(f) ?? 0) + w);
  for (const t of tokens) add(`w:${t}`, isStopword(t) ? 0.25 : 1);
  for (const bg of bigrams) add(`b:${bg}`, 1);
  for (const t of content) if (t.length >= 3) for (const tri of charTrigrams(t)) add(`c:${tri}`, 0.35);
  return features;
}

/** 32-bit FNV-1a of a feature name. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
const TEXTS = [
  'cho hoi cach kich hoat vneid muc 2',
  'Tôi muốn làm thẻ căn cước cho con 5 tuổi ở xã',
  'đc ko ạ',
  'ab',
];

describe('hashing embeddings', () => {
  it('hashes features straight from tokens exactly as it would hash their names', () => {
    for (const text of TEXTS) {
      const byName = new Map<number, number>();
      for (const [feature, w] of namedFeatures(text)) byName.set(fnv1a(feature), (byName.get(fnv1a(feature)) ?? 0) + w);
      const direct = new Map<number, number>();
      forEachFeature(text, analyzer, (h, w) => direct.set(h, (direct.get(h) ?? 0) + w));
      expect([...direct.keys()].sort()).toEqual([...byName.keys()].sort());
      for (const [h, w] of byName) expect(direct.get(h)).toBeCloseTo(w, 9);
    }
  });

  it('writes the same unit vector into a reused array as it returns fresh', () => {
    const embedder = new HashingEmbeddings({ dimensions: 64, analyzer });
    embedder.fit(TEXTS);
    const reused = new Array<number>(64);
    for (const text of TEXTS.slice(0, 3)) {
      const fresh = embedder.embedSync(text);
      expect(embedder.embedInto(text, reused)).toEqual(fresh);
      expect(Math.hypot(...fresh)).toBeCloseTo(1, 9);
    }
  });
});

describe('BM25 index', () => {
  const docs = [['vneid', 'muc', '2'], ['the', 'can', 'cuoc', 'can', 'cuoc'], ['vneid', 'mat', 'khau', 'quen', 'mat', 'khau', 'vneid']];
  const index = new Bm25Index(docs);

  it('scores only the entries containing a query term, and more for rarer terms', () => {
    const scores = index.score(['vneid', 'cuoc']);
    expect(scores[0]).toBeGreaterThan(0);
    expect(scores[1]).toBeGreaterThan(0);
    expect(scores[2]).toBeGreaterThan(0);
    expect(index.score(['khau'])[0]).toBe(0);
    // "cuoc" is in one entry, "vneid" in two: the rarer term weighs more.
    expect(index.idf('cuoc')).toBeGreaterThan(index.idf('vneid'));
  });

  it('saves and loads to the same scores', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bm25-'));
    index.save(join(dir, 'lexical'));
    const loaded = Bm25Index.load(join(dir, 'lexical'))!;
    expect(loaded.size).toBe(3);
    for (const q of [['vneid'], ['can', 'cuoc'], ['mat', 'khau', 'khong']]) expect([...loaded.score(q)]).toEqual([...index.score(q)]);
    expect(loaded.idf('cuoc')).toBe(index.idf('cuoc'));
    // A truncated file is refused rather than read wrong.
    writeFileSync(join(dir, 'lexical.bin'), readFileSync(join(dir, 'lexical.bin')).subarray(4));
    expect(Bm25Index.load(join(dir, 'lexical'))).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });

  it('visits the same scores with reused buffers, query after query', () => {
    for (const q of [['vneid'], ['can', 'cuoc'], ['vneid', 'mat'], ['khong', 'co']]) {
      const expected = index.score(q);
      const seen = new Map<number, number>();
      index.forEachScore(q, () => 1, (entry, score) => seen.set(entry, score));
      expect(seen.size).toBe([...expected].filter((s) => s > 0).length);
      for (const [entry, score] of seen) expect(score).toBeCloseTo(expected[entry]!, 12);
    }
  });
});
