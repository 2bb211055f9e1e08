/**
 * Vietnamese text processing for matching: NFC → lower case → diacritic folding → abbreviation expansion →
 * Telex repair → syllable tokens. Questions and guides go through the same pipeline, so the two meet whether
 * or not the citizen typed diacritics.
 */
import { foldDiacritics, toNfcLower } from './fold.js';
import { PHRASE_SYNONYMS, TOKEN_EXPANSIONS } from './abbreviations.js';
import { repairTelex } from './telex.js';
import { STOPWORDS } from './stopwords.js';

const NON_WORD = /[^a-z0-9]+/g;

/** Splits folded text into raw tokens: letters and digits only. */
function rawTokens(folded: string): string[] {
  return folded.replace(NON_WORD, ' ').trim().split(/\s+/).filter(Boolean);
}

/** The phrase rules with their first token and output tokens, split once. */
const PHRASE_RULES = PHRASE_SYNONYMS.map(([from, to, only]) => ({
  from: ` ${from} `,
  to: ` ${to} `,
  first: from.split(' ')[0]!,
  output: to.split(' '),
  plainOnly: only === 'plain',
}));

/**
 * Rewrites phrases in rule order, each rule over the whole text (a rule sees the output of earlier ones).
 * A rule can only match when its first token is present, so most texts check only a few rules.
 */
function applyPhraseSynonyms(tokens: string[], accented: boolean): string[] {
  const present = new Set(tokens);
  let text: string | undefined;
  for (const rule of PHRASE_RULES) {
    if (!present.has(rule.first) || (accented && rule.plainOnly)) continue;
    text ??= ` ${tokens.join(' ')} `;
    if (!text.includes(rule.from)) continue;
    text = text.split(rule.from).join(rule.to);
    for (const t of rule.output) present.add(t);
  }
  return text === undefined ? tokens : text.trim().split(' ').filter(Boolean);
}

/** Letters glued to digits are split ("muc2" stays an abbreviation; "200k" → "200 k"). */
function splitAlnum(token: string): string[] {
  if (TOKEN_EXPANSIONS[token] !== undefined) return [token];
  const parts = token.match(/[a-z]+|[0-9]+/g);
  return parts ?? [token];
}

/** Expansion and Telex repair of one raw token; pure, so it is memoised (tokens repeat a lot). */
function normalizeRawToken(raw: string): readonly string[] {
  const cached = TOKEN_CACHE.get(raw);
  if (cached) return cached;
  const out: string[] = [];
  let previous = '';
  for (const piece of splitAlnum(raw)) {
    const amount = /^[0-9]+$/.test(previous) ? AMOUNT_UNITS[piece] : undefined;
    previous = piece;
    if (amount !== undefined) {
      out.push(amount);
      continue;
    }
    const expansion = TOKEN_EXPANSIONS[piece];
    if (expansion !== undefined) {
      out.push(...expansion.split(' ').filter(Boolean));
      continue;
    }
    const repaired = /^[a-z]+$/.test(piece) ? repairTelex(piece) : piece;
    const again = TOKEN_EXPANSIONS[repaired];
    if (again !== undefined && repaired !== piece) out.push(...again.split(' ').filter(Boolean));
    else out.push(repaired);
  }
  if (TOKEN_CACHE.size >= TOKEN_CACHE_LIMIT) TOKEN_CACHE.clear();
  TOKEN_CACHE.set(raw, out);
  return out;
}

const TOKEN_CACHE = new Map<string, readonly string[]>();
const TOKEN_CACHE_LIMIT = 200_000;

/** Words after which "bn" means "bao nhiêu" (how much) rather than "bạn" (you). */
const QUANTITY_WORDS = new Set([
  'tien', 'ngay', 'lau', 'phan', 'tuoi', 'nam', 'thang', 'so', 'k', 'nghin', 'ngan', 'trieu', 'lan', 'cai', 'gio', 'dong',
]);

/** "bn" is "bao nhiêu" before a quantity or at the end ("hết bn"), otherwise "bạn" ("bn là ai"). */
/** After a number, "k" is a thousand ("200k"), "tr" a million: not "không", "trong". */
const AMOUNT_UNITS: Readonly<Record<string, string>> = { k: 'nghin', tr: 'trieu' };

function disambiguate(raw: string[], i: number): readonly string[] | undefined {
  const unit = AMOUNT_UNITS[raw[i]!];
  if (unit !== undefined && i > 0 && /^[0-9]+$/.test(raw[i - 1]!)) return [unit];
  if (raw[i] !== 'bn') return undefined;
  const next = raw[i + 1];
  return next === undefined || QUANTITY_WORDS.has(next) ? ['bao', 'nhieu'] : ['ban'];
}

/**
 * The polite particle "ạ" ("được không ạ") is dropped before folding: folded it is "a", which chat
 * shorthand uses for "anh" (elder brother, you).
 */
const POLITE_PARTICLE = /(?<![\p{L}\p{N}])ạ(?![\p{L}\p{N}])/gu;

/**
 * Accented words that folding would break into stopwords: "ô tô" would become "o to", read as "ở" plus
 * "tô"/"tờ", and the car would vanish from the question. They become one token before folding.
 */
const ACCENTED_COMPOUNDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?<![\p{L}\p{N}])ô[\s-]?tô(?![\p{L}\p{N}])/gu, ' oto '],
  // "sổ đỏ", "sổ hồng" (land certificates) against "số đó" (that number), "số hồng": the accents decide.
  [/(?<![\p{L}\p{N}])sổ\s+đỏ(?![\p{L}\p{N}])/gu, ' sodo '],
  [/(?<![\p{L}\p{N}])sổ\s+hồng(?![\p{L}\p{N}])/gu, ' sohong '],
];

/** Any accented Latin letter (Latin-1 to the Vietnamese block), đ included. */
const ACCENTED_LETTER = /[\u00c0-\u024f\u1e00-\u1eff]/u;

function joinAccentedCompounds(text: string): string {
  let out = text;
  for (const [pattern, replacement] of ACCENTED_COMPOUNDS) out = out.replace(pattern, replacement);
  return out;
}

/** The full pipeline: returns folded, expanded syllable tokens (stopwords kept). */
export function tokenize(text: string): string[] {
  const lower = toNfcLower(text);
  const folded = foldDiacritics(joinAccentedCompounds(lower.replace(POLITE_PARTICLE, ' ')));
  const raw = rawTokens(folded);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) out.push(...(disambiguate(raw, i) ?? normalizeRawToken(raw[i]!)));
  return applyPhraseSynonyms(out, ACCENTED_LETTER.test(lower));
}

/** Normalised text for display or hashing: the tokens joined by single spaces. */
export function normalizeText(text: string): string {
  return tokenize(text).join(' ');
}

export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}

/** Tokens without stopwords: the words that carry the meaning of a question. */
export function contentTokens(tokens: readonly string[]): string[] {
  return tokens.filter((t) => !STOPWORDS.has(t));
}

/** Adjacent syllable pairs ("dang_ky", "ky_muc"); Vietnamese words are mostly two syllables. */
export function syllableBigrams(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) out.push(`${tokens[i]}_${tokens[i + 1]}`);
  return out;
}

/** Character trigrams of one token with boundary marks, for typo tolerance ("khaorn" ~ "khoan"). */
export function charTrigrams(token: string): string[] {
  const padded = `<${token}>`;
  if (padded.length <= 3) return [padded];
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
}
