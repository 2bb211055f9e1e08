import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/knowledge/bm25.js';
import { buildLexicalIndex } from '../../src/knowledge/ranking.js';
import type { IndexEntry } from '../../src/knowledge/entries.js';
import { Analyzer } from '../../src/text/analyzer.js';

const analyzer = new Analyzer([]);
const entry = (target: string, text: string, kind: IndexEntry['kind'] = 'question'): IndexEntry => ({ target, kind, text, weight: 1 });

describe('lexical indexes: entries and target profiles', () => {
  // "con dấu mới" spreads its words over several questions; the other guide has one question sharing two
  // of the query's words. Only the profiles see that all three words belong to the first guide.
  const entries: IndexEntry[] = [
    entry('dau-moi', 'khắc con dấu cho hội'),
    entry('dau-moi', 'tổ chức mới thành lập'),
    entry('dau-moi', 'đăng ký mẫu dấu lần đầu'),
    entry('dau-moi', 'mục con dấu bị mất thì báo ở đâu', 'section'),
    entry('dau-thu-nho', 'đăng ký con dấu thu nhỏ dấu nổi'),
    entry('dau-thu-nho', 'dấu xi là gì'),
    entry('oos:xay-dung', 'giấy phép xây dựng nhà ở', 'oos'),
  ];
  const { entries: byEntry, profiles } = buildLexicalIndex(entries, analyzer);
  const terms = (q: string) => {
    const a = analyzer.analyze(q);
    return [...a.tokens, ...a.bigrams];
  };

  it('indexes every entry, and one profile per target in order of first appearance', () => {
    expect(byEntry.size).toBe(entries.length);
    expect(profiles.size).toBe(3);
  });

  it('a profile holds the words of all the target’s questions; body sections stay out of it', () => {
    const s = profiles.score(terms('thành lập'));
    expect(s[0]).toBeGreaterThan(0);
    expect(s[1]).toBe(0);
    expect(profiles.score(terms('báo mất'))[0]).toBe(0);
    expect(byEntry.score(terms('báo mất'))[3]).toBeGreaterThan(0);
  });

  it('a message whose words are spread over one guide’s questions ranks that guide first by profile', () => {
    const q = terms('hội mới đăng ký con dấu');
    const perEntry = byEntry.score(q);
    // By single entries, the other guide's one question is the best match...
    expect(perEntry[4]).toBeGreaterThan(Math.max(perEntry[0]!, perEntry[1]!, perEntry[2]!));
    // ...while the profiles put the guide that holds all the words first.
    const perTarget = profiles.score(q);
    expect(perTarget[0]).toBeGreaterThan(perTarget[1]!);
    expect(perTarget[2]).toBe(0);
  });

  it('profiles share the entries’ dictionary, yet know only their own words; saved and loaded with it', () => {
    expect(profiles.sharesTermsWith(byEntry)).toBe(true);
    expect(byEntry.has('mat')).toBe(true);
    expect(profiles.has('mat')).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'lexical-'));
    try {
      byEntry.save(join(dir, 'lexical'));
      profiles.save(join(dir, 'profiles'), { withoutTerms: true });
      const entriesBack = Bm25Index.load(join(dir, 'lexical'))!;
      expect(Bm25Index.load(join(dir, 'profiles'))).toBeUndefined();
      const profilesBack = Bm25Index.load(join(dir, 'profiles'), entriesBack)!;
      expect(profilesBack.sharesTermsWith(entriesBack)).toBe(true);
      const q = terms('hội mới đăng ký con dấu');
      expect([...profilesBack.score(q)]).toEqual([...profiles.score(q)]);
      expect([...entriesBack.score(q)]).toEqual([...byEntry.score(q)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses entries whose targets are not contiguous', () => {
    expect(() => buildLexicalIndex([entry('a', 'một'), entry('b', 'hai'), entry('a', 'ba')], analyzer)).toThrow(/contiguous/);
  });
});
