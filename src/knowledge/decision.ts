/**
 * From a ranking to a decision. A small logistic model turns ranking features into the probability that the
 * best guide really answers the question; it is fitted when the index is built, by asking every sample
 * question (and every out-of-scope example) with its own entry left out. That probability is the reported
 * confidence, and the threshold that separates `answered` from `uncovered` is chosen on the same data.
 */
import { isGuideTarget, OOS_PREFIX, SMALLTALK_PREFIX } from './entries.js';
import type { TargetScore } from './ranking.js';

export interface RankingSummary {
  best?: TargetScore;
  second?: TargetScore;
  guides: TargetScore[];
  outOfScope?: TargetScore;
  smalltalk?: TargetScore;
}

export function summarize(ranked: readonly TargetScore[]): RankingSummary {
  const guides = ranked.filter((r) => isGuideTarget(r.target));
  return {
    best: guides[0],
    second: guides[1],
    guides,
    outOfScope: ranked.find((r) => r.target.startsWith(OOS_PREFIX)),
    smalltalk: ranked.find((r) => r.target.startsWith(SMALLTALK_PREFIX)),
  };
}

/**
 * Few features on purpose: how far the best guide beats the best out-of-scope subject, on the lexical and on
 * the vector side separately, and its own score. The two sides disagree in useful ways: an out-of-scope
 * question often shares common words with a guide (lexical gap small) while its vector points elsewhere, and
 * a long story shares few exact words with any guide while its vector still finds the topic. Richer sets
 * (margins to the second guide, coverage, length) fitted the calibration data better and generalised worse.
 */
export const FEATURE_NAMES = ['lexicalGap', 'vectorGap', 'score'] as const;

export function featureVector(summary: RankingSummary): number[] {
  const b = summary.best;
  if (!b) return FEATURE_NAMES.map(() => 0);
  const oos = summary.outOfScope;
  return [b.lexical - (oos?.lexical ?? 0), b.vector - (oos?.vector ?? 0), b.score];
}

export interface Calibration {
  features: readonly string[];
  weights: number[];
  bias: number;
  mean: number[];
  std: number[];
  threshold: number;
  samples: number;
  /** Share of calibration samples decided correctly at the chosen threshold. */
  accuracy: number;
}

export interface CalibrationSample {
  x: number[];
  /** 1 when answering with the best guide is right. */
  y: 0 | 1;
  /** Whether the question is about a covered topic; used to reweight to the expected real mix. */
  inScope?: boolean;
}

/**
 * Share of real messages expected to be outside the knowledge base. Labelled calibration sets over-represent
 * hard uncovered questions on purpose; samples are reweighted to this mix so the probability means what it
 * says in production. Operators can set it from the share the turn log measures.
 */
export const DEFAULT_UNCOVERED_SHARE = 0.15;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function predict(cal: Calibration, x: readonly number[]): number {
  let z = cal.bias;
  for (let i = 0; i < x.length; i++) z += cal.weights[i]! * ((x[i]! - cal.mean[i]!) / cal.std[i]!);
  return sigmoid(z);
}

/** A fallback used only when there is nothing to calibrate on (an almost empty knowledge base). */
export function defaultCalibration(): Calibration {
  const n = FEATURE_NAMES.length;
  const weights = new Array<number>(n).fill(0);
  weights[0] = 2;
  weights[1] = 1;
  weights[2] = 2;
  return {
    features: FEATURE_NAMES,
    weights,
    bias: -1.5,
    mean: new Array<number>(n).fill(0),
    std: new Array<number>(n).fill(1),
    threshold: 0.5,
    samples: 0,
    accuracy: 0,
  };
}

function sampleWeights(samples: readonly CalibrationSample[], uncoveredShare: number): number[] {
  const labelled = samples.every((s) => s.inScope !== undefined);
  const outside = samples.filter((s) => s.inScope === false).length;
  if (!labelled || outside === 0 || outside === samples.length) return samples.map(() => 1);
  const inside = samples.length - outside;
  const wOut = (uncoveredShare * samples.length) / outside;
  const wIn = ((1 - uncoveredShare) * samples.length) / inside;
  return samples.map((s) => (s.inScope ? wIn : wOut));
}

export function fitCalibration(
  samples: readonly CalibrationSample[],
  options: { uncoveredShare?: number; iterations?: number } = {},
): Calibration {
  const iterations = options.iterations ?? 3000;
  const sw = sampleWeights(samples, options.uncoveredShare ?? DEFAULT_UNCOVERED_SHARE);
  const positives = samples.filter((s) => s.y === 1).length;
  if (samples.length < 20 || positives === 0 || positives === samples.length) return defaultCalibration();
  const n = FEATURE_NAMES.length;
  const mean = new Array<number>(n).fill(0);
  const std = new Array<number>(n).fill(0);
  for (const s of samples) s.x.forEach((v, i) => (mean[i]! += v / samples.length));
  for (const s of samples) s.x.forEach((v, i) => (std[i]! += (v - mean[i]!) ** 2 / samples.length));
  for (let i = 0; i < n; i++) std[i] = Math.sqrt(std[i]!) > 1e-6 ? Math.sqrt(std[i]!) : 1;
  const xs = samples.map((s) => s.x.map((v, i) => (v - mean[i]!) / std[i]!));
  const weights = new Array<number>(n).fill(0);
  let bias = 0;
  const lr = 0.3;
  const l2 = 1e-3;
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(n).fill(0);
    let gBias = 0;
    xs.forEach((x, k) => {
      let z = bias;
      for (let i = 0; i < n; i++) z += weights[i]! * x[i]!;
      const y = samples[k]!.y;
      const err = (sigmoid(z) - y) * sw[k]!;
      for (let i = 0; i < n; i++) grad[i]! += err * x[i]!;
      gBias += err;
    });
    // Every feature can only raise confidence (a wider gap or a higher score never makes answering less
    // right), so weights are kept non-negative: with correlated features an unconstrained fit gave one of
    // them a negative weight, and then a guide well behind an out-of-scope subject could still be answered.
    for (let i = 0; i < n; i++) weights[i] = Math.max(0, weights[i]! - lr * (grad[i]! / xs.length + l2 * weights[i]!));
    bias -= (lr * gBias) / xs.length;
  }
  const cal: Calibration = { features: FEATURE_NAMES, weights, bias, mean, std, threshold: 0.5, samples: samples.length, accuracy: 0 };
  const probs = samples.map((s) => predict(cal, s.x));
  const labelled = samples.every((s) => s.inScope !== undefined);
  let best = { threshold: 0.5, correct: -1 };
  if (labelled) {
    // Reweighted to the expected real mix, p is the probability that answering is right: answering when
    // p >= 0.5 is the decision with the fewest expected mistakes. Searching the threshold that fits a few
    // hundred calibration lines best moved it by ±0.1 between near-identical bases.
    best.correct = probs.reduce((sum, p, k) => sum + ((p >= 0.5 ? 1 : 0) === samples[k]!.y ? sw[k]! : 0), 0);
  } else {
    // Leave-one-out samples do not have the real mix; pick the threshold that decides the most correctly.
    for (let t = 0.25; t <= 0.6001; t += 0.01) {
      let correct = 0;
      probs.forEach((p, k) => {
        if ((p >= t ? 1 : 0) === samples[k]!.y) correct += sw[k]!;
      });
      if (correct > best.correct) best = { threshold: Number(t.toFixed(2)), correct };
    }
  }
  cal.threshold = best.threshold;
  cal.accuracy = best.correct / samples.length;
  return cal;
}
