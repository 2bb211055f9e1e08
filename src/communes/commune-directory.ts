/**
 * The communes (xã, phường, đặc khu) the assistant knows, loaded from a replaceable CSV file
 * (`code,name,province[,old_names]`), and the matching of what a citizen types against them: with or
 * without diacritics, with or without the unit prefix, a one-character typo in a long name, or a pre-2025
 * name that was merged into today's commune. Several matches are returned as an ambiguity to ask about.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { editDistance, inputKeys, nameKey } from './commune-match.js';

export interface Commune {
  code: string;
  /** Full official name with its unit ("Xã Mường Phăng", "Phường Điện Biên Phủ"). */
  name: string;
  province: string;
  /** Names of the pre-2025 units merged into this one. */
  oldNames: string[];
}

export type CommuneMatch =
  | { kind: 'found'; commune: Commune; via: 'code' | 'name' | 'old_name' | 'typo' | 'partial' }
  | { kind: 'ambiguous'; candidates: Commune[]; more: boolean }
  | { kind: 'none' };

export const MAX_AMBIGUOUS_CHOICES = 8;
/** Typos are forgiven only in names at least this long (folded, prefix removed): "muong phang", not "na son". */
const TYPO_MIN_CHARS = 7;
const CODE_PATTERN = /^[0-9A-Za-z-]{1,20}$/;

const RowSchema = z.object({
  code: z.string().trim().regex(CODE_PATTERN, 'mã xã chỉ gồm chữ số, chữ cái, dấu gạch (tối đa 20 ký tự)'),
  name: z.string().trim().min(2, 'thiếu tên xã/phường').max(120),
  province: z.string().trim().min(2, 'thiếu tên tỉnh').max(120),
  old_names: z.string().trim().max(2000).optional(),
});

/** "Xã Mường Phăng" → "xã Mường Phăng", for use inside a sentence. */
export function communeLabel(commune: Pick<Commune, 'name'>): string {
  const [first, ...rest] = commune.name.split(' ');
  return /^(Xã|Phường|Đặc|Thị)$/.test(first ?? '') ? [first!.toLowerCase(), ...rest].join(' ') : commune.name;
}

export class CommuneDirectory {
  private readonly byCodeMap = new Map<string, Commune>();
  private readonly entries: Array<{ commune: Commune; key: string; tokens: string[]; oldKeys: string[] }>;

  constructor(communes: readonly Commune[]) {
    for (const c of communes) this.byCodeMap.set(c.code, c);
    this.entries = [...this.byCodeMap.values()].map((commune) => {
      const key = nameKey(commune.name);
      return { commune, key, tokens: key.split(' '), oldKeys: commune.oldNames.map((n) => nameKey(n)) };
    });
  }

  static empty(): CommuneDirectory {
    return new CommuneDirectory([]);
  }

  get size(): number {
    return this.byCodeMap.size;
  }

  list(): Commune[] {
    return [...this.byCodeMap.values()];
  }

  byCode(code: string | null | undefined): Commune | undefined {
    return code ? this.byCodeMap.get(code) : undefined;
  }

  match(input: string): CommuneMatch {
    const raw = input.normalize('NFC').trim();
    if (!raw || raw.length > 120) return { kind: 'none' };
    const byCode = this.byCodeMap.get(raw);
    if (byCode) return { kind: 'found', commune: byCode, via: 'code' };
    const keys = inputKeys(raw);
    if (!keys.length) return { kind: 'none' };
    for (const key of keys) {
      const exact = this.entries.filter((e) => e.key === key);
      if (exact.length) return this.result(exact.map((e) => e.commune), 'name');
    }
    for (const key of keys) {
      const old = this.entries.filter((e) => e.oldKeys.includes(key));
      if (old.length) return this.result(old.map((e) => e.commune), 'old_name');
    }
    for (const key of keys.filter((k) => k.length >= TYPO_MIN_CHARS)) {
      const near = this.entries.filter(
        (e) => editDistance(e.key, key, 1) <= 1 || e.oldKeys.some((k) => k.length >= TYPO_MIN_CHARS && editDistance(k, key, 1) <= 1),
      );
      if (near.length) return this.result(near.map((e) => e.commune), 'typo');
    }
    // Part of a name, in whole words: "thanh" → Thanh Nưa, Thanh An, Thanh Yên, Mường Thanh.
    for (const key of keys) {
      const words = key.split(' ');
      if (key.length < 3 || words.length > 3) continue;
      const partial = this.entries.filter((e) => words.every((w) => e.tokens.includes(w)));
      if (partial.length) return this.result(partial.map((e) => e.commune), 'partial');
    }
    return { kind: 'none' };
  }

  private result(communes: Commune[], via: 'name' | 'old_name' | 'typo' | 'partial'): CommuneMatch {
    const unique = [...new Map(communes.map((c) => [c.code, c])).values()];
    if (unique.length === 1) return { kind: 'found', commune: unique[0]!, via };
    const sorted = unique.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    return { kind: 'ambiguous', candidates: sorted.slice(0, MAX_AMBIGUOUS_CHOICES), more: sorted.length > MAX_AMBIGUOUS_CHOICES };
  }
}

/** Splits one CSV line; fields may be quoted ("a, b") with doubled quotes inside. */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(current);
      current = '';
    } else current += ch;
  }
  fields.push(current);
  return fields;
}

export interface CommuneLoadResult {
  directory: CommuneDirectory;
  /** Vietnamese lines naming the file and row of every problem; the rows with problems are skipped. */
  problems: string[];
}

export function parseCommunesCsv(text: string, file: string): CommuneLoadResult {
  const lines = text.replace(/^\uFEFF/, '').normalize('NFC').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim().toLowerCase());
  const missing = ['code', 'name', 'province'].filter((h) => !header.includes(h));
  if (missing.length) {
    return { directory: CommuneDirectory.empty(), problems: [`${file}: dòng tiêu đề thiếu cột ${missing.join(', ')} (cần code,name,province[,old_names])`] };
  }
  const problems: string[] = [];
  const communes: Commune[] = [];
  const seen = new Set<string>();
  lines.slice(1).forEach((line, i) => {
    if (!line.trim() || line.trimStart().startsWith('#')) return;
    const cells = splitCsvLine(line);
    const row = Object.fromEntries(header.map((h, j) => [h, cells[j] ?? '']));
    const parsed = RowSchema.safeParse({ ...row, old_names: row.old_names || undefined });
    const where = `${file}: dòng ${i + 2}`;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push(`${where}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'không hợp lệ'}`.trim());
      return;
    }
    const r = parsed.data;
    if (seen.has(r.code)) {
      problems.push(`${where}: mã ${r.code} bị trùng, đã bỏ qua dòng này`);
      return;
    }
    seen.add(r.code);
    const oldNames = (r.old_names ?? '').split('|').map((n) => n.trim()).filter(Boolean);
    communes.push({ code: r.code, name: r.name, province: r.province, oldNames });
  });
  return { directory: new CommuneDirectory(communes), problems };
}

/** Reads the communes file; a missing file gives an empty directory and one problem line. */
export function loadCommunesFile(path: string): CommuneLoadResult {
  if (!existsSync(path)) return { directory: CommuneDirectory.empty(), problems: [`${path}: không có tệp danh sách xã/phường`] };
  return parseCommunesCsv(readFileSync(path, 'utf8'), path);
}
