/**
 * The choices offered on a welcome and on "menu". Labels stay within Messenger's 20-character quick-reply
 * limit; an entry whose topic or flow is not loaded is left out. With guided flows loaded the menu leads
 * with them (five entries: Zalo shows at most five buttons); without flows it lists knowledge topics.
 */
export interface MenuEntry {
  topic: string;
  label: string;
}

export interface FlowMenuEntry {
  /** A flow id, or a topic id when `topic` is set. */
  id: string;
  label: string;
  kind: 'flow' | 'topic';
}

export const MAIN_MENU: readonly MenuEntry[] = [
  { topic: 'vneid-dang-ky-muc-2', label: 'Đăng ký VNeID mức 2' },
  { topic: 'vneid-kich-hoat-tai-khoan', label: 'Kích hoạt VNeID' },
  { topic: 'dvc-cap-doi-cap-lai-the-can-cuoc', label: 'Cấp đổi căn cước' },
  { topic: 'dvc-dang-ky-tam-tru', label: 'Đăng ký tạm trú' },
  { topic: 'chung-tra-cuu-ho-so', label: 'Tra cứu hồ sơ' },
];

export const FLOW_MENU: readonly FlowMenuEntry[] = [
  { kind: 'flow', id: 'san-sang-vneid-muc-2', label: 'Sẵn sàng VNeID mức 2' },
  { kind: 'flow', id: 'nop-ho-so-lan-dau', label: 'Nộp hồ sơ lần đầu' },
  { kind: 'flow', id: 'khai-sinh-cho-be', label: 'Khai sinh cho bé' },
  { kind: 'topic', id: 'chung-tra-cuu-ho-so', label: 'Tra cứu hồ sơ' },
  { kind: 'flow', id: 'gap-can-bo', label: 'Gặp cán bộ' },
];

/** The flow every new follower (or first greeting) gets. */
export const ONBOARDING_FLOW = 'lam-quen';
/** The flow behind "gặp cán bộ". */
export const HANDOFF_FLOW = 'gap-can-bo';
