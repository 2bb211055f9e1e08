import { describe, expect, it } from 'vitest';
import { fitCalibration, predict, type CalibrationSample } from '../../src/knowledge/decision.js';

/** A deterministic pseudo-random sequence, so the test data is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('confidence model', () => {
  // The lexical gap decides; the vector gap follows it closely but, given the lexical gap, leans the other
  // way. An unconstrained logistic fit gives the vector gap a negative weight on such data.
  const rand = lcg(7);
  const samples: CalibrationSample[] = [];
  for (let i = 0; i < 400; i++) {
    const lexical = rand() * 2 - 0.5;
    const y = lexical + (rand() - 0.5) * 0.4 > 0.4 ? 1 : 0;
    const vector = lexical + (y ? -0.15 : 0.15) + (rand() - 0.5) * 0.1;
    samples.push({ x: [lexical, vector, 0.5 + lexical / 4], y, inScope: y === 1 || rand() < 0.3 });
  }

  it('keeps every weight non-negative: a wider gap or a higher score never lowers confidence', () => {
    const cal = fitCalibration(samples);
    for (const w of cal.weights) expect(w).toBeGreaterThanOrEqual(0);
    expect(cal.weights[0]).toBeGreaterThan(0);
    const base = [0.3, 0.3, 0.6];
    for (let f = 0; f < 3; f++) {
      const more = [...base];
      more[f]! += 0.2;
      expect(predict(cal, more)).toBeGreaterThanOrEqual(predict(cal, base));
    }
  });

  it('still separates the classes it was fitted on', () => {
    const cal = fitCalibration(samples);
    expect(cal.accuracy).toBeGreaterThan(0.85);
    expect(predict(cal, [1.2, 1.1, 0.8])).toBeGreaterThan(0.5);
    expect(predict(cal, [-0.4, -0.3, 0.4])).toBeLessThan(0.5);
  });
});
