import { describe, expect, it } from 'vitest';
import { flattenMarkdown, packBlocks, splitBlock } from '../../src/knowledge/compose.js';

describe('answer pieces', () => {
  it('keeps whole sections together when they fit', () => {
    const blocks = ['A'.repeat(900), 'B'.repeat(900), 'C'.repeat(900)];
    const pieces = packBlocks(blocks, 2000);
    expect(pieces).toEqual([`${'A'.repeat(900)}\n\n${'B'.repeat(900)}`, 'C'.repeat(900)]);
  });

  it('splits a long section between list items, never mid-item', () => {
    const steps = Array.from({ length: 40 }, (_, i) => `${i + 1}. Bước số ${i + 1} ${'làm việc này '.repeat(6).trim()}`).join('\n');
    const pieces = splitBlock(steps, 2000);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(2000);
      expect(p).toMatch(/^\d+\. Bước số/);
    }
    expect(pieces.join('\n')).toBe(steps);
  });

  it('flattens Markdown that chat apps would show literally', () => {
    expect(flattenMarkdown('- **Miễn phí**\n- xem [Cổng DVC](https://dichvucong.gov.vn)')).toBe(
      '• Miễn phí\n• xem Cổng DVC (https://dichvucong.gov.vn)',
    );
  });
});
