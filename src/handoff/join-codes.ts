/**
 * One-time codes an administrator gives a new staff member, who sends "mã cán bộ KXMP-QRTA" to the bot.
 * Letters only (no digits, no I/L/O), so the inbox's personal-data redaction never mistakes one for a
 * number, and a code read aloud is not confused. 23^8 ≈ 7.8·10^10 codes, single use, expiring.
 */
import { createHash, randomInt } from 'node:crypto';
import { foldName } from '../communes/commune-match.js';

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LETTERS = 8;
const COMMAND = /^(?:ma|mã)?\s*(?:dang ky\s+)?(?:can bo|canbo|cb)\s*:?\s*([a-z]{4})\s?([a-z]{4})$/;

export function generateJoinCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LETTERS; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export function hashJoinCode(code: string): string {
  return createHash('sha256').update(code.toUpperCase().replace(/[^A-Z]/g, ''), 'utf8').digest('hex');
}

/** The code in a message such as "mã cán bộ KXMP-QRTA" or "ma can bo kxmpqrta"; undefined otherwise. */
export function parseJoinCommand(text: string): string | undefined {
  const folded = foldName(text);
  if (!folded.startsWith('ma ') && !folded.startsWith('can bo') && !folded.startsWith('cb ')) return undefined;
  const m = COMMAND.exec(folded.replace(/^ma\s+/, 'ma '));
  return m ? `${m[1]}${m[2]}`.toUpperCase() : undefined;
}
