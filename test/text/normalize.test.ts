import { describe, expect, it } from 'vitest';
import { foldDiacritics, hasDiacritics, toNfcLower } from '../../src/text/fold.js';
import { charTrigrams, contentTokens, normalizeText, syllableBigrams, tokenize } from '../../src/text/normalize.js';
import { isPlausibleSyllable, repairTelex } from '../../src/text/telex.js';

describe('folding', () => {
  it('normalises NFD input to NFC and lower case', () => {
    const nfd = 'Đăng Ký'.normalize('NFD');
    expect(toNfcLower(nfd)).toBe('đăng ký');
    expect(toNfcLower(nfd).length).toBe('đăng ký'.length);
  });

  it('removes every Vietnamese diacritic and maps đ to d', () => {
    expect(foldDiacritics('Đề án 06: kích hoạt tài khoản định danh điện tử mức 2')).toBe(
      'De an 06: kich hoat tai khoan dinh danh dien tu muc 2',
    );
    expect(foldDiacritics('ừ ữ ự ở ỡ ợ ẳ ẵ ặ ỷ ỹ ỵ')).toBe('u u u o o o a a a y y y');
  });

  it('tells whether a text carries diacritics', () => {
    expect(hasDiacritics('cho hoi cach kich hoat')).toBe(false);
    expect(hasDiacritics('cho hỏi')).toBe(true);
  });
});

describe('abbreviations and misspellings', () => {
  const cases: Array<[string, string]> = [
    ['ko', 'khong'],
    ['k', 'khong'],
    ['hok', 'khong'],
    ['dc', 'duoc'],
    ['đc', 'duoc'],
    ['j', 'gi'],
    ['mk', 'mat khau'],
    ['sdt', 'so dien thoai'],
    ['sđt', 'so dien thoai'],
    ['cccd', 'can cuoc cccd'],
    ['bhyt', 'bao hiem y te'],
    ['gplx', 'giay phep lai xe'],
    ['vnid', 'vneid'],
    ['VNeID', 'vneid'],
    ['dvc', 'dich vu cong'],
    ['tk', 'tai khoan'],
    ['lv2', 'muc 2'],
    ['đk', 'dang ky'],
    ['onl', 'truc tuyen'],
  ];
  it.each(cases)('expands %s to %s', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('expands phrases to one canonical form', () => {
    expect(normalizeText('làm qua mạng')).toBe('lam truc tuyen');
    expect(normalizeText('cấp 2 vneid')).toBe('muc 2 vneid');
    expect(normalizeText('bằng lái')).toBe('giay phep lai xe');
  });

  it('makes a teencode question meet its accented form', () => {
    const teen = tokenize('e quên mk vneid r, lm s đc ạ');
    const accented = tokenize('em quên mật khẩu VNeID rồi, làm sao được ạ');
    expect(teen).toEqual(accented);
  });

  it('treats ky and ki as the same syllable', () => {
    expect(normalizeText('đăng kí')).toBe(normalizeText('đăng ký'));
  });
});

describe('telex leftovers', () => {
  it('strips a tone key typed after the syllable', () => {
    expect(repairTelex('kichs')).toBe('kich');
    expect(repairTelex('hoatj')).toBe('hoat');
    expect(repairTelex('nhuwngx')).toBe('nhung');
  });

  it('collapses doubled vowels and dd', () => {
    expect(repairTelex('tooi')).toBe('toi');
    expect(repairTelex('ddi')).toBe('di');
  });

  it('drops the polite particle "ạ" but keeps "a" meaning "anh"', () => {
    expect(normalizeText('vneid là j v ạ')).toBe('vneid la gi vay');
    expect(normalizeText('Dạ, cho em hỏi ạ.')).toBe('da cho em hoi');
    expect(normalizeText('a ơi cho e hỏi')).toBe('anh oi cho em hoi');
  });

  it('drops a last letter typed twice or more', () => {
    expect(repairTelex('khongg')).toBe('khong');
    expect(repairTelex('thoaiii')).toBe('thoai');
    expect(normalizeText('điện thoạii có đc khôngg')).toBe('dien thoai co duoc khong');
    // Not when the shorter form is no syllable either (abbreviations, names).
    expect(repairTelex('vneidd')).toBe('vneidd');
  });

  it('leaves valid syllables and foreign abbreviations alone', () => {
    expect(repairTelex('nghieng')).toBe('nghieng');
    expect(repairTelex('sms')).toBe('sms');
    expect(repairTelex('qr')).toBe('qr');
    expect(isPlausibleSyllable('truong')).toBe(true);
    expect(isPlausibleSyllable('xyz')).toBe(false);
  });

  it('repairs a whole question', () => {
    expect(normalizeText('Tooi muoons kichs hoatj')).toBe('toi muon kich hoat');
  });
});

describe('tokens', () => {
  it('splits into syllables, dropping punctuation', () => {
    expect(tokenize('Cho hỏi: kích hoạt VNeID mức 2?')).toEqual(['cho', 'hoi', 'kich', 'hoat', 'vneid', 'muc', '2']);
  });

  it('keeps "ô tô" one word instead of folding it into a stopword and "to"', () => {
    expect(tokenize('Mới mua xe ô tô')).toEqual(['moi', 'mua', 'xe', 'oto']);
    expect(tokenize('mua Ôtô trả góp')).toEqual(['mua', 'oto', 'tra', 'gop']);
    expect(tokenize('xe o to con')).toEqual(['xe', 'oto', 'con']);
    // Without accents and without "xe", "o to" may be "ở tổ": left alone.
    expect(tokenize('ở tổ dân phố')).toEqual(['o', 'to', 'dan', 'pho']);
  });

  it('tells "sổ đỏ" (land certificate) from "số đó" (that number) by the accents; without accents reads the certificate', () => {
    expect(tokenize('số đó cắt rồi')).toEqual(['so', 'do', 'cat', 'roi']);
    expect(tokenize('sổ đỏ nhà tôi').slice(0, 3)).toEqual(['giay', 'chung', 'nhan']);
    expect(tokenize('Sổ Hồng căn hộ').slice(0, 3)).toEqual(['giay', 'chung', 'nhan']);
    expect(tokenize('so do nha toi').slice(0, 3)).toEqual(['giay', 'chung', 'nhan']);
  });

  it('separates digits glued to letters', () => {
    expect(tokenize('200k')).toEqual(['200', 'nghin']);
    expect(tokenize('phí 50 k thôi')).toEqual(['phi', '50', 'nghin', 'thoi']);
    expect(tokenize('được 2tr')).toEqual(['duoc', '2', 'trieu']);
    expect(tokenize('k biết')).toEqual(['khong', 'biet']);
    expect(tokenize('muc2')).toEqual(['muc', '2']);
  });

  it('builds syllable bigrams and removes stopwords', () => {
    const tokens = tokenize('cho em hỏi kích hoạt tài khoản');
    expect(contentTokens(tokens)).toEqual(['kich', 'hoat', 'tai', 'khoan']);
    expect(syllableBigrams(['kich', 'hoat', 'tai'])).toEqual(['kich_hoat', 'hoat_tai']);
  });

  it('produces boundary-marked character trigrams', () => {
    expect(charTrigrams('khoan')).toEqual(['<kh', 'kho', 'hoa', 'oan', 'an>']);
    expect(charTrigrams('a')).toEqual(['<a>']);
  });
});
