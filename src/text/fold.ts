/** Unicode NFC, lower case, and removal of Vietnamese diacritics (đ → d). Pure functions. */

const COMBINING_MARKS = /[\u0300-\u036f]/g;

export function toNfcLower(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** Folds every Latin letter with a diacritic to its base letter; đ/Đ become d. */
export function foldDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFC');
}

/** True when the text carries at least one Vietnamese diacritic. */
export function hasDiacritics(text: string): boolean {
  return foldDiacritics(text) !== text.normalize('NFC');
}
