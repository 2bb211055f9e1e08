/**
 * Analysis of a text for matching: the normalised syllables plus the canonical phrase of every domain synonym
 * found in it ("nhập hộ khẩu" also yields "thuong tru"). The synonym table is data (knowledge/synonyms.yaml) so
 * administrators can teach the assistant how people in their province name things. Expansion only adds
 * tokens; the citizen's own words are always kept.
 */
import { createHash } from 'node:crypto';
import { contentTokens, syllableBigrams, tokenize } from './normalize.js';

export interface SynonymGroup {
  canonical: string;
  terms: readonly string[];
}

export interface Analysis {
  /** Syllables of the text followed by the syllables of every synonym expansion. */
  tokens: string[];
  /** `tokens` without stopwords. */
  content: string[];
  /** Syllable bigrams within each clause of the text and within each expansion (never across them). */
  bigrams: string[];
}

/**
 * Punctuation that ends a clause: a comma, a semicolon, a question or exclamation mark, a line break, a
 * bracket, or a full stop or colon before a space. Full stops inside numbers ("100.000đ") do not count.
 */
const CLAUSE_BREAK = /[,;!?\n()…]+|[.:](?:\s|$)/;

/**
 * The clauses of a text, so word pairs are never formed across punctuation: in "đã bật NFC rồi, máy
 * samsung" the pair "nfc máy" is not something the citizen said.
 */
export function splitClauses(text: string): string[] {
  return text.split(CLAUSE_BREAK).filter((c) => /[\p{L}\p{N}]/u.test(c));
}

interface Phrase {
  tokens: string[];
  canonical: string[];
}

export class Analyzer {
  readonly fingerprint: string;
  private readonly byFirstToken = new Map<string, Phrase[]>();

  constructor(groups: readonly SynonymGroup[] = []) {
    const h = createHash('sha256');
    for (const g of groups) {
      const canonical = tokenize(g.canonical);
      h.update(`${canonical.join(' ')}=`);
      for (const term of g.terms) {
        const tokens = tokenize(term);
        h.update(`${tokens.join(' ')};`);
        if (tokens.length === 0 || canonical.length === 0) continue;
        const list = this.byFirstToken.get(tokens[0]!) ?? [];
        list.push({ tokens, canonical });
        this.byFirstToken.set(tokens[0]!, list);
      }
    }
    this.fingerprint = h.digest('hex').slice(0, 12);
  }

  analyze(text: string): Analysis {
    // Each clause is tokenised on its own (once): its tokens make the text's, and its bigrams stay inside it.
    const clauses = splitClauses(text);
    const clauseTokens = clauses.length > 1 ? clauses.map((c) => tokenize(c)) : [tokenize(text)];
    const base = clauseTokens.length > 1 ? clauseTokens.flat() : clauseTokens[0]!;
    const joined = ` ${base.join(' ')} `;
    const expansions: string[][] = [];
    const seen = new Set<string>();
    for (let i = 0; i < base.length; i++) {
      for (const phrase of this.byFirstToken.get(base[i]!) ?? []) {
        if (!phrase.tokens.every((t, k) => base[i + k] === t)) continue;
        const key = phrase.canonical.join(' ');
        if (seen.has(key) || joined.includes(` ${key} `)) continue;
        seen.add(key);
        expansions.push(phrase.canonical);
      }
    }
    const tokens = [...base, ...expansions.flat()];
    const bigrams = clauseTokens.flatMap((c) => syllableBigrams(contentTokens(c)));
    for (const e of expansions) bigrams.push(...syllableBigrams(contentTokens(e)));
    return { tokens, content: contentTokens(tokens), bigrams };
  }
}
