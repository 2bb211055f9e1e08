/**
 * Words a citizen or staff member may type at any time, compared folded (lower case, no diacritics, no
 * punctuation): "menu", "bắt đầu lại", "gặp cán bộ" and the staff commands.
 */
import { foldName } from '../communes/commune-match.js';

export type GlobalCommand = 'menu' | 'restart' | 'handoff';

const MENU_WORDS = new Set(['menu', 'bat dau', 'start', 'get started', 'menu chinh', 'danh muc', 'xem menu']);
const RESTART_WORDS = new Set(['bat dau lai', 'lam lai', 'lam lai tu dau', 'bat dau lai tu dau', 'restart', 'choi lai']);
const HANDOFF =
  /^(?:(?:toi|em|minh|chau|cho|xin|muon|can|duoc|a|oi)\s+)*(?:gap|noi chuyen|noi chuyen voi|lien he|chat voi|ket noi|hoi)\s+(?:voi\s+)?(?:can bo|nguoi that|nhan vien|tong dai vien|tu van vien|nguoi ho tro)(?:\s+(?:xa|phuong|ho tro|a|voi|nhe|duoc khong|di|oi))*$/;

export function globalCommand(text: string): GlobalCommand | undefined {
  const folded = foldName(text);
  if (!folded || folded.length > 80) return undefined;
  if (MENU_WORDS.has(folded)) return 'menu';
  if (RESTART_WORDS.has(folded)) return 'restart';
  if (HANDOFF.test(folded)) return 'handoff';
  return undefined;
}

const CITIZEN_CLOSE = new Set(['ket thuc', 'ket thuc tro chuyen', 'dong', 'dung', 'dung lai', 'huy', 'thoi', 'xong roi', 'xong']);
const STAFF_CLOSE = new Set(['dong', 'dong phieu', 'ket thuc', 'ket thuc phieu', 'xong phieu']);
const STAFF_LIST = new Set(['phieu', 'xem phieu', 'danh sach phieu', 'cac phieu', 'phieu cho', 'phieu dang cho']);
const STAFF_SAVE = new Set(['luu goi y', 'luu lam goi y', 'luu cau tra loi']);
const STAFF_HELP_WORDS = new Set(['huong dan can bo', 'lenh can bo', 'tro giup can bo', 'lenh']);

export const isCitizenClose = (text: string) => CITIZEN_CLOSE.has(foldName(text));
export const isStaffClose = (text: string) => STAFF_CLOSE.has(foldName(text));
export const isStaffList = (text: string) => STAFF_LIST.has(foldName(text));
export const isStaffSave = (text: string) => STAFF_SAVE.has(foldName(text));
export const isStaffHelp = (text: string) => STAFF_HELP_WORDS.has(foldName(text));

const FORWARD_PREFIXES = ['hoi giup nguoi dan', 'hoi giup', 'hoi ho', 'hoi dum', 'tra loi giup'];

/**
 * The question in a staff member's "Hỏi giúp: …" message (with or without the colon), or undefined when the
 * message is not one. An empty string means the prefix came without a question.
 */
export function forwardedQuestion(text: string): string | undefined {
  const nfc = text.normalize('NFC').trim();
  const colon = nfc.search(/[:：]/);
  if (colon > 0 && colon <= 24) {
    const prefix = foldName(nfc.slice(0, colon));
    if (FORWARD_PREFIXES.includes(prefix)) return nfc.slice(colon + 1).trim();
  }
  const words = nfc.split(/\s+/);
  for (const prefix of FORWARD_PREFIXES) {
    const n = prefix.split(' ').length;
    if (words.length > n && foldName(words.slice(0, n).join(' ')) === prefix) return words.slice(n).join(' ').replace(/^[-–—,]\s*/, '').trim();
  }
  return undefined;
}
