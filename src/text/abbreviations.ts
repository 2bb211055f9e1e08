/**
 * Chat abbreviations, teencode and frequent misspellings, keyed by the folded (diacritic-free) token.
 * Values are folded expansions. Both guides and questions pass through the same table, so an entry only
 * has to make the two sides meet, not produce perfect Vietnamese.
 */
export const TOKEN_EXPANSIONS: Readonly<Record<string, string>> = {
  ko: 'khong', k: 'khong', kh: 'khong', hok: 'khong', hong: 'khong', hem: 'khong', khg: 'khong', kg: 'khong',
  hk: 'khong', khum: 'khong', kp: 'khong phai', hum: 'khong', dc: 'duoc', dk: 'dang ky', dki: 'dang ky',
  dky: 'dang ky', dduoc: 'duoc', j: 'gi', ji: 'gi', z: 'vay', v: 'vay', vs: 'voi', r: 'roi',
  ntn: 'nhu the nao', s: 'sao', lm: 'lam', bn: 'bao nhieu', bnh: 'bao nhieu', mn: 'moi nguoi', ng: 'nguoi',
  ad: 'admin', e: 'em', a: 'anh', c: 'chi', ck: 'chuyen khoan', vk: 'vo', mik: 'minh', mjk: 'minh',
  mk: 'mat khau', pass: 'mat khau', password: 'mat khau', pw: 'mat khau', mkhau: 'mat khau', dt: 'dien thoai',
  dthoai: 'dien thoai', dienthoai: 'dien thoai', sdt: 'so dien thoai', sdth: 'so dien thoai', tk: 'tai khoan',
  tkhoan: 'tai khoan', acc: 'tai khoan', nh: 'ngan hang', bank: 'ngan hang', hs: 'ho so',
  tthc: 'thu tuc hanh chinh', tt: 'thu tuc', gd: 'gia dinh', hgd: 'ho gia dinh', cq: 'co quan',
  cax: 'cong an xa', ubnd: 'uy ban nhan dan', ub: 'uy ban', cccd: 'can cuoc cccd', cc: 'can cuoc',
  cmnd: 'cmnd chung minh', cmt: 'cmnd chung minh', dddt: 'dinh danh dien tu', ddcn: 'dinh danh ca nhan',
  dinhdanh: 'dinh danh', vnid: 'vneid', vneld: 'vneid', vnied: 'vneid', veneid: 'vneid', vnedi: 'vneid',
  vnneid: 'vneid', vneiid: 'vneid', bhyt: 'bao hiem y te', bhxh: 'bao hiem xa hoi', bh: 'bao hiem',
  gplx: 'giay phep lai xe', blx: 'bang lai xe', dvc: 'dich vu cong', dvcqg: 'dich vu cong quoc gia',
  dvcbca: 'dich vu cong bo cong an', mst: 'ma so thue', lltp: 'ly lich tu phap', gcn: 'giay chung nhan',
  gks: 'giay khai sinh', gcs: 'giay chung sinh', onl: 'truc tuyen', online: 'truc tuyen', onlai: 'truc tuyen',
  onlin: 'truc tuyen', oln: 'truc tuyen', app: 'ung dung', apps: 'ung dung', ud: 'ung dung', lv: 'muc',
  lvl: 'muc', level: 'muc', lv1: 'muc 1', lv2: 'muc 2', lvl1: 'muc 1', lvl2: 'muc 2', level1: 'muc 1',
  level2: 'muc 2', muc1: 'muc 1', muc2: 'muc 2', m1: 'muc 1', m2: 'muc 2', ki: 'ky', kis: 'ky',
  dangki: 'dang ky', dangky: 'dang ky', kickhoat: 'kich hoat', kichhoat: 'kich hoat', thuongtru: 'thuong tru',
  tamtru: 'tam tru', khaisinh: 'khai sinh', fb: 'facebook', face: 'facebook', qrcode: 'qr', oke: 'ok',
  okie: 'ok', okela: 'ok', oki: 'ok', thanks: 'cam on', thank: 'cam on', tks: 'cam on', thx: 'cam on',
  cmon: 'cam on', camon: 'cam on', bye: 'tam biet', hi: 'chao', hello: 'chao', helo: 'chao', allo: 'alo',
  li: 'ly', ti: 'ty', qui: 'quy', mi: 'my',
};

/**
 * Multi-word synonyms folded to one canonical phrase, applied on the folded token stream. A rule marked
 * `plain` applies only to text typed without accents: with accents the folded form is ambiguous ("số đó",
 * that number, folds like "sổ đỏ", the land certificate), and the accented form is caught before folding.
 */
export const PHRASE_SYNONYMS: ReadonlyArray<readonly [string, string, 'plain'?]> = [
  ['qua mang', 'truc tuyen'],
  // "ô tô" folds to two syllables that read as "ở" (a stopword) and "tô/tờ": without accents it is only
  // safe after "xe". With accents it is rewritten before folding (see tokenize).
  ['xe o to', 'xe oto'],
  ['tren mang', 'truc tuyen'],
  ['phan mem', 'ung dung'],
  ['the chip', 'can cuoc gan chip'],
  ['can cuoc cong dan', 'can cuoc cccd'],
  ['chung minh thu', 'cmnd chung minh'],
  ['chung minh nhan dan', 'cmnd chung minh'],
  ['bang lai', 'giay phep lai xe'],
  ['so do', 'giay chung nhan quyen su dung dat', 'plain'],
  ['so hong', 'giay chung nhan quyen su dung dat', 'plain'],
  ['sodo', 'giay chung nhan quyen su dung dat'],
  ['sohong', 'giay chung nhan quyen su dung dat'],
  ['cap 1', 'muc 1'],
  ['cap 2', 'muc 2'],
  ['dinh danh muc', 'dinh danh dien tu muc'],
  ['mat khau 6 so', 'passcode'],
  ['ma 6 so', 'passcode'],
  ['ma pin', 'passcode'],
];
