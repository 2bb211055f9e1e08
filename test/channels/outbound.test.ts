import { describe, expect, it } from 'vitest';
import { ActionTypes, MessageFactory } from 'botbuilder';
import { planMessages, shortenLabel, withNumberedChoices } from '../../src/channels/outbound.js';

const withActions = (text: string, titles: string[]) =>
  MessageFactory.suggestedActions(titles.map((t, i) => ({ type: ActionTypes.PostBack, title: t, value: `topic:t${i}` })), text);

describe('planMessages', () => {
  it('splits a long reply at section boundaries under the limit and puts the choices on the last piece', () => {
    const sections = Array.from({ length: 6 }, (_, i) => `Mục ${i + 1}\n${'x'.repeat(700)}`);
    const plan = planMessages(withActions(sections.join('\n\n'), ['A', 'B']), 2000, 5);
    expect(plan.length).toBe(3);
    expect(plan.every((m) => m.text.length <= 2000)).toBe(true);
    expect(plan.map((m) => m.text).join('\n\n')).toBe(sections.join('\n\n'));
    expect(plan.map((m) => m.choices.length)).toEqual([0, 0, 2]);
    expect(plan[1]!.text.startsWith('Mục 3')).toBe(true);
  });

  it('turns more choices than the platform shows into numbered text the bot understands', () => {
    const titles = ['Một', 'Hai', 'Ba', 'Bốn', 'Năm', 'Sáu'];
    const [m] = planMessages(withActions('Chọn chủ đề', titles), 2000, 5);
    expect(m!.choices).toEqual([]);
    expect(m!.text).toBe('Chọn chủ đề\n\nNhắn số để chọn:\n1. Một\n2. Hai\n3. Ba\n4. Bốn\n5. Năm\n6. Sáu');
  });

  it('does not repeat choices the text already lists as lines', () => {
    const text = 'Có thể bạn quan tâm:\n1. Cấp lại CCCD\n2. Đăng ký tạm trú';
    expect(withNumberedChoices(text, [{ title: '1. Cấp lại CCCD', payload: 'a' }, { title: '2. Đăng ký tạm trú', payload: 'b' }])).toBe(text);
  });
});

describe('shortenLabel', () => {
  it.each([
    ['Cấp đổi căn cước', 20, 'Cấp đổi căn cước'],
    ['Kích hoạt VNeID mức 2', 20, 'Kích hoạt VNeID mức…'],
    ['1. Gia hạn thẻ BHYT hộ gia đình trực tuyến', 20, '1. Gia hạn thẻ BHYT…'],
    ['Đăngkýtàikhoảnđịnhdanhđiệntử', 20, 'Đăngkýtàikhoảnđịnhd…'],
  ])('%s → %s', (title, max, expected) => {
    const out = shortenLabel(title, max);
    expect(out).toBe(expected);
    expect([...out].length).toBeLessThanOrEqual(max);
  });

  it('counts NFD input after NFC normalisation', () => {
    const nfd = 'Đăng ký tạm trú'.normalize('NFD');
    expect(shortenLabel(nfd, 20)).toBe('Đăng ký tạm trú');
  });
});
