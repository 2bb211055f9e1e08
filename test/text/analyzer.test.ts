import { describe, expect, it } from 'vitest';
import { Analyzer, splitClauses } from '../../src/text/analyzer.js';

describe('clauses and bigrams', () => {
  it('splits at commas, question marks, line breaks and full stops before a space, not inside numbers', () => {
    expect(splitClauses('đã bật NFC rồi, máy samsung, bị gì vậy?')).toEqual(['đã bật NFC rồi', ' máy samsung', ' bị gì vậy']);
    expect(splitClauses('Lệ phí 100.000đ. Nộp ở xã')).toEqual(['Lệ phí 100.000đ', 'Nộp ở xã']);
    expect(splitClauses('một dòng\nhai dòng')).toEqual(['một dòng', 'hai dòng']);
    expect(splitClauses('...?!')).toEqual([]);
  });

  it('never pairs words across punctuation, while the tokens stay those of the whole text', () => {
    const analyzer = new Analyzer([]);
    const a = analyzer.analyze('đã bật NFC rồi, máy samsung');
    expect(a.bigrams).toContain('may_samsung');
    expect(a.bigrams).not.toContain('nfc_may');
    expect(a.tokens).toEqual(['da', 'bat', 'nfc', 'roi', 'may', 'samsung']);
    expect(analyzer.analyze('đã bật NFC rồi máy samsung').bigrams).toContain('nfc_may');
  });

  it('keeps synonym expansions and their own bigrams', () => {
    const analyzer = new Analyzer([{ canonical: 'thông báo lưu trú', terms: ['ngủ nhờ'] }]);
    const a = analyzer.analyze('khách ngủ nhờ, báo công an');
    expect(a.tokens).toEqual(['khach', 'ngu', 'nho', 'bao', 'cong', 'an', 'thong', 'bao', 'luu', 'tru']);
    expect(a.bigrams).toEqual(expect.arrayContaining(['khach_ngu', 'cong_an', 'luu_tru']));
    expect(a.bigrams).not.toContain('ngu_cong');
  });
});
