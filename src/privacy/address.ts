/**
 * Street addresses with a house number ("số 12 ngõ 34 phố Hàng Bạc", "123/4 Nguyễn Trãi", "hẻm 45/6").
 * The house number and the street are replaced; the commune, district and province stay, because the
 * reports group questions by commune and a commune alone does not identify anyone.
 */
import { PLACEHOLDERS } from './placeholders.js';

/** A cue word as written at the start of a sentence too ("số" and "Số"); the patterns are case-sensitive. */
const word = (alternatives: string) => {
  const all = alternatives.split('|').flatMap((w) => [w, w.charAt(0).toUpperCase() + w.slice(1)]);
  return `(?<![\\p{L}\\p{N}])(?:${[...new Set(all)].join('|')})(?![\\p{L}])`;
};

const HOUSE = String.raw`\d{1,5}[A-Za-z]?(?:[\/\-]\d{1,5}[A-Za-z]?){0,3}`;
const HOUSE_CUE = word('số nhà|nhà số|so nha|nha so|sn|số|so');
const LANE = word('ngõ|ngo|ngách|ngach|hẻm|hem|kiệt|kiet|hxh');
const STREET = word('đường|duong|phố|pho|đại lộ|dai lo|quốc lộ|quoc lo|ql|tỉnh lộ|tinh lo');

/** Words that end a lower-case street name: administrative levels and the verbs of the question. */
const STOP_WORDS = [
  'phường', 'phuong', 'xã', 'xa', 'quận', 'quan', 'huyện', 'huyen', 'thị', 'thi', 'tỉnh', 'tinh', 'thành',
  'tp', 'tổ', 'ấp', 'ap', 'thôn', 'thon', 'khu', 'kp', 'muốn', 'muon', 'thì', 'có', 'co', 'để', 'de',
  'được', 'duoc', 'cần', 'can', 'làm', 'lam', 'xin', 'hỏi', 'hoi', 'đăng', 'dang', 'và', 'va', 'nhưng',
  'mà', 'ma', 'của', 'cua', 'em', 'tôi', 'toi', 'mình', 'minh', 'ạ', 'nhé', 'nhe', 'vậy', 'vay', 'sao',
  'gì', 'gi', 'nào', 'nao', 'không', 'khong', 'ko', 'ở', 'tại', 'tai', 'bị', 'bi', 'đã', 'da', 'đi',
  'cho', 'với', 'voi', 'là', 'la', 'nay', 'này', 'giờ', 'gio', 'thường', 'tạm', 'tam', 'trú', 'tru',
];
/** Capitalised words that follow "số N" in legal references ("Thông tư số 01 Bộ Công an"), never streets. */
const LEGAL_WORDS = '(?:Điều|Khoản|Điểm|Chương|Mục|Phụ|Mẫu|Tờ|Bộ|Nghị|Thông|Quyết|Luật|Công|Văn|Chỉ|Kế|Quy|Hướng|Ban|Sở|Phòng|UBND|NĐ|TT|QĐ|CP)';
const LOWER_WORD = `(?!(?:${STOP_WORDS.join('|')})(?![\\p{L}]))\\p{Ll}+`;
const CAP_WORD = String.raw`\p{Lu}\p{Ll}*`;
const CAP_NAME = `${CAP_WORD}(?:[ \\t]+${CAP_WORD}){0,4}`;
const NAME = `(?:(?:số[ \\t]+)?\\d{1,3}(?:\\/\\d{1,2})?|${CAP_NAME}|${LOWER_WORD}(?:[ \\t]+${LOWER_WORD}){0,2})`;
const SEP = String.raw`[ \t]*,?[ \t]*`;
const LANES = `(?:${SEP}${LANE}[ \\t]*${HOUSE})`;

const PATTERNS: RegExp[] = [
  // House number, optional lanes, then a street keyword and its name.
  new RegExp(`(?:${HOUSE_CUE}[ \\t]*)?(?<![\\p{L}\\p{N}])${HOUSE}${LANES}*${SEP}${STREET}[ \\t]+${NAME}`, 'gu'),
  // House number followed by at least one lane ("số 5 ngõ 10", "12 hẻm 34/5 Lê Lai").
  new RegExp(`(?:${HOUSE_CUE}[ \\t]*)?(?<![\\p{L}\\p{N}])${HOUSE}${LANES}+(?:${SEP}(?:${STREET}[ \\t]+)?${NAME})?`, 'gu'),
  // "số nhà 45" with or without the street after it.
  new RegExp(`${word('số nhà|nhà số|so nha|nha so|sn')}[ \\t]*:?[ \\t]*${HOUSE}(?:${SEP}(?:${STREET}[ \\t]+)?${NAME})?`, 'gu'),
  // After an address cue, a house number and a capitalised street name ("ở 12 Nguyễn Trãi").
  new RegExp(
    `(?<=${word('ở|o|tại|tai|nhà|nha|sống ở|cư trú tại|địa chỉ|dia chi')}[ \\t]*:?[ \\t]*)(?:số[ \\t]+)?${HOUSE}${SEP}${CAP_NAME}`,
    'gu',
  ),
  // "Số 8 Lê Duẩn": the word "số", a house number and a capitalised name that is not a legal reference.
  new RegExp(
    `${word('số|so|sn')}[ \\t]*${HOUSE}${SEP}(?!${LEGAL_WORDS}(?![\\p{L}]))${CAP_NAME}`,
    'gu',
  ),
  // After "địa chỉ", even a lower-case street name.
  new RegExp(`(?<=${word('địa chỉ|dia chi|đ/c')}[ \\t]*:?[ \\t]*)(?:số[ \\t]+)?${HOUSE}${SEP}${NAME}`, 'giu'),
  // A lane with a slashed number is an address by itself ("hẻm 123/45").
  new RegExp(`${LANE}[ \\t]*\\d{1,5}[A-Za-z]?(?:\\/\\d{1,5}[A-Za-z]?)+(?:${SEP}(?:${STREET}[ \\t]+)?${CAP_NAME})?`, 'gu'),
];

export function redactAddresses(text: string): string {
  let out = text;
  for (const pattern of PATTERNS) out = out.replace(pattern, PLACEHOLDERS.address);
  return out;
}
