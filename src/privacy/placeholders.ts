/** The kinds of personal data the redactor recognises and the readable Vietnamese text that replaces each. */
export type PiiKind =
  | 'personal_id'
  | 'old_id'
  | 'phone'
  | 'email'
  | 'bank_account'
  | 'card'
  | 'social_insurance'
  | 'health_card'
  | 'passport'
  | 'licence_plate'
  | 'address'
  | 'personal_number';

export const PLACEHOLDERS: Record<PiiKind, string> = {
  personal_id: '[số định danh]',
  old_id: '[số CMND]',
  phone: '[số điện thoại]',
  email: '[email]',
  bank_account: '[số tài khoản]',
  card: '[số thẻ]',
  social_insurance: '[mã số BHXH]',
  health_card: '[mã thẻ BHYT]',
  passport: '[số hộ chiếu]',
  licence_plate: '[biển số xe]',
  address: '[địa chỉ]',
  personal_number: '[dãy số cá nhân]',
};
