/**
 * How a citizen's way of writing a commune is compared with the official names: folded to lower case
 * without diacritics, punctuation dropped, and the unit prefix ("xã", "phường", "p.", "thị trấn"…) removed.
 */
import { foldDiacritics } from '../text/fold.js';

/** Prefixes removed before comparing, longest first (all folded). */
const UNIT_PREFIXES = ['thi tran', 'dac khu', 'phuong', 'tt', 'xa', 'p', 'x'];
/** Filler around a commune name in a chat reply: "em ở xã Mường Phăng ạ". */
const FILLER = /^(?:(?:toi|em|minh|chau|con|anh|chi|nha|gia dinh|nha toi)\s+)?(?:o|song o|dang o|thuoc|tai|que)\s+/;
const TRAILING = /\s+(?:a|nhe|nha|ak|ah|ha|tinh dien bien|dien bien|tinh)$/;

/** Lower case, no diacritics, letters and digits separated by single spaces. */
export function foldName(text: string): string {
  return foldDiacritics(text.normalize('NFC'))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Removes one leading unit prefix ("xa muong phang" → "muong phang"); keeps the text if nothing is left. */
export function stripUnitPrefix(folded: string): string {
  for (const prefix of UNIT_PREFIXES) {
    if (folded.startsWith(`${prefix} `)) return folded.slice(prefix.length + 1);
  }
  return folded;
}

/** The comparable key of an official name: folded, unit prefix removed. */
export function nameKey(text: string): string {
  return stripUnitPrefix(foldName(text));
}

/**
 * The keys to try for what a citizen typed: the plain key first, then without chat filler around it
 * ("em ở xã Nà Tấu ạ" → "na tau"). Filler is never removed from official names ("Mường Nhé" ends in "nhe").
 */
export function inputKeys(text: string): string[] {
  const plain = nameKey(text);
  let stripped = foldName(text);
  for (let i = 0; i < 2; i++) stripped = stripped.replace(FILLER, '').replace(TRAILING, '');
  stripped = stripUnitPrefix(stripped);
  return [...new Set([plain, stripped].filter(Boolean))];
}

/** Levenshtein distance with an early exit once it exceeds `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}
