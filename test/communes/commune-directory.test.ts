/** The shipped communes file and the matching of what citizens type against it. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { communeLabel, loadCommunesFile, parseCommunesCsv } from '../../src/communes/commune-directory.js';

const FILE = resolve(new URL('../../knowledge/communes.csv', import.meta.url).pathname);
const { directory, problems } = loadCommunesFile(FILE);

const found = (input: string) => {
  const m = directory.match(input);
  return m.kind === 'found' ? { name: m.commune.name, code: m.commune.code, via: m.via } : m.kind;
};
const ambiguous = (input: string) => {
  const m = directory.match(input);
  return m.kind === 'ambiguous' ? m.candidates.map((c) => c.name) : m.kind;
};

describe('shipped communes.csv (Điện Biên after 1 July 2025)', () => {
  it('loads 45 units without problems: 3 phường and 42 xã, unique 5-digit codes', () => {
    expect(problems).toEqual([]);
    const all = directory.list();
    expect(all).toHaveLength(45);
    expect(all.filter((c) => c.name.startsWith('Phường ')).map((c) => c.name).sort()).toEqual([
      'Phường Mường Lay',
      'Phường Mường Thanh',
      'Phường Điện Biên Phủ',
    ]);
    expect(all.filter((c) => c.name.startsWith('Xã '))).toHaveLength(42);
    expect(new Set(all.map((c) => c.code)).size).toBe(45);
    expect(all.every((c) => /^\d{5}$/.test(c.code) && c.province === 'Điện Biên')).toBe(true);
    expect(directory.byCode('03127')?.name).toBe('Phường Điện Biên Phủ');
    expect(communeLabel(directory.byCode('03325')!)).toBe('xã Mường Phăng');
  });
});

describe('matching', () => {
  it.each([
    ['Mường Phăng', 'Xã Mường Phăng'],
    ['muong phang', 'Xã Mường Phăng'],
    ['MUONG PHANG', 'Xã Mường Phăng'],
    ['xã Mường Phăng', 'Xã Mường Phăng'],
    ['xa muong phang', 'Xã Mường Phăng'],
    ['x. Mường Phăng', 'Xã Mường Phăng'],
    ['phường Điện Biên Phủ', 'Phường Điện Biên Phủ'],
    ['p. dien bien phu', 'Phường Điện Biên Phủ'],
    ['P.Điện Biên Phủ', 'Phường Điện Biên Phủ'],
    ['thị trấn Tuần Giáo', 'Xã Tuần Giáo'],
    ['em ở xã Nà Tấu ạ', 'Xã Nà Tấu'],
    ['03334', 'Phường Mường Thanh'],
  ])('"%s" → %s (diacritics, case and unit prefixes do not matter)', (input, name) => {
    expect(found(input)).toMatchObject({ name });
  });

  it('maps pre-2025 names to the commune they were merged into', () => {
    expect(found('Him Lam')).toEqual({ name: 'Phường Điện Biên Phủ', code: '03127', via: 'old_name' });
    expect(found('phuong na lay')).toMatchObject({ name: 'Phường Mường Lay', via: 'old_name' });
    expect(found('xã Nà Nhạn')).toMatchObject({ name: 'Xã Mường Phăng', via: 'old_name' });
    expect(found('thi tran dien bien dong')).toMatchObject({ name: 'Xã Na Son', via: 'old_name' });
  });

  it("prefers today's name when an old name was reused (Mường Thanh, Sam Mứn)", () => {
    expect(found('phường Mường Thanh')).toMatchObject({ name: 'Phường Mường Thanh', via: 'name' });
    expect(found('Sam Mứn')).toMatchObject({ name: 'Xã Sam Mứn', via: 'name' });
  });

  it('forgives a one-character typo in long names only', () => {
    expect(found('muong phan')).toMatchObject({ name: 'Xã Mường Phăng', via: 'typo' });
    expect(found('xa muong phng')).toMatchObject({ name: 'Xã Mường Phăng', via: 'typo' });
    expect(found('dien bien pho')).toMatchObject({ name: 'Phường Điện Biên Phủ', via: 'typo' });
    expect(found('muong phanh xx')).toBe('none');
    expect(found('na sun')).toBe('none'); // "Na Son" is too short to guess
  });

  it('returns the candidates of an ambiguous name, sorted, and flags when there are more than it shows', () => {
    expect(ambiguous('Thanh')).toEqual(['Phường Mường Thanh', 'Xã Thanh An', 'Xã Thanh Nưa', 'Xã Thanh Yên']);
    expect(ambiguous('tủa')).toEqual(['Xã Tủa Chùa', 'Xã Tủa Thàng']);
    const many = directory.match('mường');
    expect(many.kind).toBe('ambiguous');
    if (many.kind === 'ambiguous') {
      expect(many.candidates).toHaveLength(8);
      expect(many.more).toBe(true);
    }
  });

  it('finds nothing for other places or for questions', () => {
    expect(found('Hà Nội')).toBe('none');
    expect(found('cách đăng ký tạm trú online')).toBe('none');
    expect(found('')).toBe('none');
  });
});

describe('parsing a replacement file', () => {
  it('reports bad rows with the file and line, skips them and keeps the rest', () => {
    const csv = ['code,name,province,old_names', '00001,Xã Một,Tỉnh Thử,Xã Cũ A|Xã Cũ B', ',Xã Không Mã,Tỉnh Thử', '00001,Xã Trùng,Tỉnh Thử', '"00002","Đặc khu Hai, Biển",Tỉnh Thử'].join('\n');
    const r = parseCommunesCsv(csv, 'communes.csv');
    expect(r.directory.list().map((c) => c.name)).toEqual(['Xã Một', 'Đặc khu Hai, Biển']);
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toMatch(/^communes\.csv: dòng 3: code/);
    expect(r.problems[1]).toBe('communes.csv: dòng 4: mã 00001 bị trùng, đã bỏ qua dòng này');
    expect(r.directory.match('xa cu b')).toMatchObject({ kind: 'found', via: 'old_name' });
    expect(r.directory.match('đặc khu hai biển')).toMatchObject({ kind: 'found' });
  });

  it('refuses a file without the required header', () => {
    const r = parseCommunesCsv('ma,ten\n1,A', 'x.csv');
    expect(r.directory.size).toBe(0);
    expect(r.problems[0]).toContain('x.csv: dòng tiêu đề thiếu cột code, name, province');
  });
});
