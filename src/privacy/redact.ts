/**
 * Redacts a citizen's personal data from free text before it is stored or logged, while keeping the
 * question readable: "số CCCD 001099012345" becomes "số CCCD [số định danh]".
 *
 * The approach, in order:
 *  1. spans that merely look like personal numbers but are not (fees with a currency, dates, 1900/1800
 *     hotlines) are shielded behind private-use sentinels so later passes cannot touch them;
 *  2. shaped identifiers are replaced (emails, health-insurance card codes, passports, licence plates,
 *     street addresses with a house number);
 *  3. every remaining run of digits (groups split by spaces, dots or dashes are joined) is classified by its
 *     digit count, its prefix and the words just before it;
 *  4. the shielded spans are restored.
 * Placeholders never contain digits, so redacting twice gives the same text.
 */
import { PLACEHOLDERS, type PiiKind } from './placeholders.js';
import { redactAddresses } from './address.js';

export { PLACEHOLDERS, type PiiKind } from './placeholders.js';

const SENTINEL_OPEN = '\uE000';
const SENTINEL_CLOSE = '\uE001';
const SENTINEL_INDEX_BASE = 0xe100;
const PRIVATE_USE = /[\uE000-\uF8FF]/g;

/** Money with a currency word or sign, written with thousands separators or not: 200.000đ, 50k, 1,5 triệu. */
const MONEY_WITH_UNIT =
  /(?<![\p{L}\p{N}])\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?\s?(?:đồng|dong|vnđ|vnd|đ|₫|nghìn|ngàn|triệu|tr|tỷ|k)(?![\p{L}\p{N}])|(?<![\p{L}\p{N}.,])\d{1,9}(?:[.,]\d+)?\s?(?:đồng|dong|vnđ|vnd|đ|₫|nghìn|ngàn|triệu|tr|tỷ|k)(?![\p{L}\p{N}])/giu;

/** A fee named as such but written without a unit: "lệ phí 1.200.000", "số tiền 125.000.000". */
const MONEY_AFTER_CUE =
  /(?<=(?:phí|giá|tiền|mức thu|nộp|trả|thanh toán|chi phí|hết|mất|tốn)\s{1,3}(?:là\s{1,3})?)[1-9]\d{0,2}(?:[.,]\d{3})+(?![\p{L}\p{N}])/giu;

/** Dates written with dots or dashes (slashes never join digit runs, so they need no shield). */
const DATE = /(?<![\p{L}\p{N}])\d{1,2}[.\-]\d{1,2}[.\-](?:19|20)\d{2}(?![\p{L}\p{N}])/gu;

/** National hotlines 1900/1800 followed by 4 or 6 digits, grouped in any way. */
const HOTLINE = /(?<![\p{L}\p{N}])(?:1900|1800)(?:[ .\-]?\d){4}(?:(?:[ .\-]?\d){2})?(?![\p{N}])/gu;

const EMAIL = /[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+/gu;

/** Health-insurance card code: two letters, then 13 digits (the last 10 are the social-insurance code). */
const HEALTH_CARD = /(?<![\p{L}\p{N}])[A-Za-z]{2}[ .\-]?\d[ .\-]?\d{2}[ .\-]?\d{3}[ .\-]?\d{3}[ .\-]?\d{4}(?![\p{L}\p{N}])/gu;

/** Vietnamese passport: one capital letter and 7 digits (C1234567), or with "hộ chiếu" before it. */
const PASSPORT = /(?<![\p{L}\p{N}])[A-Z]\d{7,8}(?![\p{L}\p{N}])|(?<=hộ chiếu(?:\s+số)?\s{0,3}:?\s{0,3})[A-Za-z]{1,2}\s?\d{7,8}(?![\p{N}])/gu;

/**
 * Licence plates: 29A-123.45, 30E 12345, 51F1-234.56, 59-X1 123.45, 30LD-123.45, 29A-1234 (old 4-digit
 * tail). The series letters must touch the province digits (or follow a hyphen) to avoid "12 h 30000".
 */
const LICENCE_PLATE =
  /(?<![\p{L}\p{N}])\d{2}(?:-\s?|\s?)?[A-Z]{1,2}\d?(?:\s?[-.]\s?|\s)?(?:\d{3}\.?\d{2}|\d{4})(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])\d{2}-?(?![hgkm]\s)[a-z]{1,2}\d?(?:\s?[-.]\s?|\s)(?:\d{3}\.?\d{2}|\d{4})(?![\p{L}\p{N}])/gu;

/**
 * A run of digits whose groups are split by a space, a dot or a dash ("0912 345 678", "001.099.012.345",
 * "+84 912-345-678", "(+84) 912345678", "(028) 3823 4567"). Line breaks never join groups. Letters may
 * touch the run ("cccd001099012345"): only long runs are ever redacted, so short codes like "mức2" stay.
 */
const DIGIT_RUN = /(?<!\p{N})(?:\(\+?84\)[ \t]?|\+[ \t]?|\(0\d{1,3}\)[ \t]?)?\d+(?:(?:[ \t\u00A0]?[.\-][ \t\u00A0]?|[ \t\u00A0])(?:\(0\)[ \t]?)?\d+)*(?!\p{N})/gu;

const CUE_WINDOW = 40;
const PHONE_CUE = /(?<!\p{L})(?:sđt|sdt|số điện thoại|so dien thoai|điện thoại|dien thoai|đt|dt|di động|gọi|goi|liên hệ|zalo|nhắn|hotline|số máy|phone|tel)\W*(?:\p{L}+\W+){0,3}$/iu;
const SOCIAL_INSURANCE_CUE = /(?<!\p{L})(?:bhxh|bhyt|bảo hiểm|bao hiem|mã số bh|msbh|sổ bh)\W*(?:\p{L}+\W+){0,4}$/iu;
const ACCOUNT_CUE = /(?<!\p{L})(?:stk|số tk|so tk|tài khoản|tai khoan|tk|ngân hàng|ngan hang|chuyển khoản|chuyen khoan|ck)\W*(?:\p{L}+\W+){0,4}$/iu;
const CARD_CUE = /(?<!\p{L})(?:số thẻ|so the|thẻ atm|the atm|thẻ tín dụng|thẻ ghi nợ|visa|mastercard|napas)\W*(?:\p{L}+\W+){0,3}$/iu;
const ID_CUE = /(?<!\p{L})(?:cccd|căn cước|can cuoc|định danh|dinh danh|cmnd|chứng minh|chung minh|cmt|mã số thuế|mst)\W*(?:\p{L}+\W+){0,4}$/iu;

/** Shields spans that must survive; returns the text with sentinels and a restore function. */
function shield(text: string, patterns: RegExp[]): { text: string; restore: (t: string) => string } {
  const kept: string[] = [];
  let out = text;
  for (const pattern of patterns) {
    out = out.replace(pattern, (match) => {
      if (SENTINEL_INDEX_BASE + kept.length > 0xf8ff) return match;
      kept.push(match);
      return SENTINEL_OPEN + String.fromCharCode(SENTINEL_INDEX_BASE + kept.length - 1) + SENTINEL_CLOSE;
    });
  }
  const restore = (t: string) =>
    t.replace(/\uE000([\uE100-\uF8FF])\uE001/g, (_m, ch: string) => kept[ch.charCodeAt(0) - SENTINEL_INDEX_BASE] ?? '');
  return { text: out, restore };
}

function classifyDigitRun(run: string, before: string): PiiKind | null {
  const international = /^\(?\+/.test(run);
  let digits = run.replace(/\(0\)/g, '').replace(/\D/g, '');
  const groups = run.replace(/^\(?\+?84\)?/, '').split(/[ \t\u00A0.\-]+/).filter(Boolean);
  const context = before.slice(-CUE_WINDOW);

  if (international || (digits.startsWith('84') && (digits.length === 11 || digits.length === 12) && /^84[1-9]/.test(digits))) {
    if (digits.startsWith('84')) digits = digits.slice(2);
    if (digits.length >= 9 && digits.length <= 10) return 'phone';
  }
  const n = digits.length;
  if (n < 6) return null;
  // Billions written with thousands dots ("2.500.000.000") are money even without a unit.
  if (/^[1-9]\d{0,2}(?:\.\d{3}){3,}$/.test(run)) return null;
  // "các năm 2023 2024 2025" is a list of years, not one number.
  if (groups.length >= 2 && groups.every((g) => /^(?:19|20)\d{2}$/.test(g))) return null;

  if (n <= 8) {
    // Short numbers are fees, years, codes; only an explicit account cue makes them personal.
    return ACCOUNT_CUE.test(context) && n >= 6 ? 'bank_account' : null;
  }
  if (ID_CUE.test(context)) return n === 9 ? 'old_id' : n === 12 ? 'personal_id' : 'personal_number';
  if (CARD_CUE.test(context) && n >= 13) return 'card';
  if (n === 9) return ACCOUNT_CUE.test(context) ? 'bank_account' : 'old_id';
  if (n === 10 || n === 11) {
    if (PHONE_CUE.test(context)) return 'phone';
    if (SOCIAL_INSURANCE_CUE.test(context) && n === 10) return 'social_insurance';
    if (ACCOUNT_CUE.test(context)) return 'bank_account';
    if (/^0[35789]\d{8}$/.test(digits) || /^02\d{9}$/.test(digits)) return 'phone';
    return n === 10 ? 'social_insurance' : 'personal_number';
  }
  if (n === 12) {
    if (ACCOUNT_CUE.test(context)) return 'bank_account';
    return digits.startsWith('0') ? 'personal_id' : 'personal_number';
  }
  // 13 to 19 digits: a payment card when grouped by four or when it carries a card prefix, else an account.
  const groupedByFour = groups.length >= 4 && groups.every((g) => g.length === 4 || g === groups[groups.length - 1]);
  if ((n === 16 || n === 19) && (groupedByFour || /^(?:9704|4|5[1-5]|3[47]|62)/.test(digits)) && !ACCOUNT_CUE.test(context)) {
    return 'card';
  }
  if (n <= 19) return 'bank_account';
  return 'personal_number';
}

function redactDigitRuns(text: string): string {
  return text.replace(DIGIT_RUN, (run: string, offset: number, whole: string) => {
    const kind = classifyDigitRun(run, whole.slice(Math.max(0, offset - CUE_WINDOW), offset));
    return kind ? PLACEHOLDERS[kind] : run;
  });
}

/** Replaces every personal datum in `text` with a readable Vietnamese placeholder. */
export function redactPii(text: string): string {
  if (!text) return text;
  const input = text.replace(PRIVATE_USE, '');
  const shielded = shield(input, [HOTLINE, DATE, MONEY_WITH_UNIT, MONEY_AFTER_CUE]);
  let out = shielded.text;
  out = out.replace(EMAIL, PLACEHOLDERS.email);
  out = out.replace(HEALTH_CARD, PLACEHOLDERS.health_card);
  out = out.replace(PASSPORT, PLACEHOLDERS.passport);
  out = out.replace(LICENCE_PLATE, PLACEHOLDERS.licence_plate);
  out = redactAddresses(out);
  out = redactDigitRuns(out);
  return shielded.restore(out);
}

/** True when redaction would change the text; handy for asserting that nothing personal slipped through. */
export function containsPii(text: string): boolean {
  return redactPii(text) !== text.replace(PRIVATE_USE, '');
}
