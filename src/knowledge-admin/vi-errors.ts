/**
 * Vietnamese messages for zod's built-in checks, for the admin editor (zod's default messages are English;
 * the messages written into the knowledge schema itself are already Vietnamese and take precedence).
 */
import type { z } from 'zod';

const TYPE_NAMES: Record<string, string> = {
  string: 'chuỗi chữ',
  number: 'số',
  array: 'danh sách',
  object: 'nhóm trường',
  boolean: 'đúng/sai',
  date: 'ngày',
};

const typeName = (t: unknown) => TYPE_NAMES[String(t)] ?? String(t);
const describe = (v: unknown) => (v === null ? 'rỗng' : Array.isArray(v) ? 'danh sách' : typeName(typeof v));

type Issue = Parameters<z.core.$ZodErrorMap>[0];

export function vietnameseIssueMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'thiếu trường này';
      return `phải là ${typeName(issue.expected)}, đang là ${describe(issue.input)}`;
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'string') return `quá ngắn: cần ít nhất ${n} ký tự`;
      if (issue.origin === 'array') return `cần ít nhất ${n} mục`;
      return `phải lớn hơn hoặc bằng ${n}`;
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'string') return `quá dài: tối đa ${n} ký tự`;
      if (issue.origin === 'array') return `tối đa ${n} mục`;
      return `phải nhỏ hơn hoặc bằng ${n}`;
    }
    case 'invalid_value':
      return `phải là một trong: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'không phải địa chỉ web hợp lệ' : `sai định dạng (${issue.format})`;
    case 'unrecognized_keys':
      return `trường không được dùng: ${issue.keys.join(', ')}`;
    default:
      return 'giá trị không hợp lệ';
  }
}

export const vietnameseErrorMap: z.core.$ZodErrorMap = (issue) => vietnameseIssueMessage(issue);
