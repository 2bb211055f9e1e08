/**
 * The topics offered on a welcome and on "menu". Labels stay within Messenger's 20-character quick-reply
 * limit; a topic missing from the loaded knowledge is left out.
 */
export interface MenuEntry {
  topic: string;
  label: string;
}

export const MAIN_MENU: readonly MenuEntry[] = [
  { topic: 'vneid-dang-ky-muc-2', label: 'Đăng ký VNeID mức 2' },
  { topic: 'vneid-kich-hoat-tai-khoan', label: 'Kích hoạt VNeID' },
  { topic: 'dvc-cap-doi-cap-lai-the-can-cuoc', label: 'Cấp đổi căn cước' },
  { topic: 'dvc-dang-ky-tam-tru', label: 'Đăng ký tạm trú' },
  { topic: 'chung-tra-cuu-ho-so', label: 'Tra cứu hồ sơ' },
];
