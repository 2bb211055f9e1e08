/**
 * Groups uncovered and 👎 questions into clusters of similar questions with the retrieval embeddings, and
 * labels each cluster with the indicator of the nearest topic (or "chưa phân loại").
 *
 * Greedy centroid clustering: distinct texts are visited from the most asked to the least; each joins the
 * cluster whose centroid is most similar when the cosine clears the threshold, otherwise it starts a new
 * cluster. Deterministic, one pass, and good enough for the few thousand open questions a province has.
 */
import { createHash } from 'node:crypto';
import { normalizeText } from '../text/normalize.js';

export type EmbedTexts = (texts: string[]) => Promise<number[][]>;

export const UNCLASSIFIED_LABEL = 'chưa phân loại';

export interface ClusterableTurn {
  id: string;
  text: string;
  at: Date;
  commune: string | null;
  indicator: string | null;
  status: string;
  vote: string | null;
}

export interface TopicLabeller {
  /** The nearest topic of a question and its score (engine.ask(q).candidates[0]). */
  nearest(question: string): Promise<{ topic: string; score: number } | null>;
  /** The indicator id and title of a guide. */
  indicatorOf(topic: string): { id: string; title: string } | null;
}

export interface Cluster {
  id: string;
  size: number;
  turnIds: string[];
  /** The member closest to the centroid. */
  representative: string;
  /** Up to five distinct member texts, most asked first. */
  examples: string[];
  /** Every distinct member text with the turns that asked it, most asked first. */
  questions: Array<{ text: string; turnIds: string[] }>;
  indicator: string | null;
  indicatorLabel: string;
  nearestTopic: { topic: string; score: number } | null;
  uncovered: number;
  downvotes: number;
  communes: Array<{ code: string | null; count: number }>;
  firstAt: string;
  lastAt: string;
}

export interface ClusterOptions {
  similarity: number;
  labelMinScore: number;
  /** Distinct texts beyond this are left out (the newest are kept). */
  maxDistinctTexts?: number;
}

const DEFAULT_MAX_DISTINCT = 2000;

interface Group {
  key: string;
  text: string;
  turns: ClusterableTurn[];
}

function normalise(vector: number[]): Float64Array {
  const v = Float64Array.from(vector);
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export async function clusterTurns(
  turns: readonly ClusterableTurn[],
  embed: EmbedTexts,
  labeller: TopicLabeller,
  options: ClusterOptions,
): Promise<Cluster[]> {
  if (turns.length === 0) return [];
  // Identical questions (after normalisation) are one point with a weight.
  const byKey = new Map<string, Group>();
  const newestFirst = [...turns].sort((a, b) => b.at.getTime() - a.at.getTime());
  for (const t of newestFirst) {
    const key = normalizeText(t.text) || t.text.trim().toLowerCase();
    let g = byKey.get(key);
    if (!g) {
      if (byKey.size >= (options.maxDistinctTexts ?? DEFAULT_MAX_DISTINCT)) continue;
      g = { key, text: t.text, turns: [] };
      byKey.set(key, g);
    }
    g.turns.push(t);
  }
  const groups = [...byKey.values()].sort((a, b) => b.turns.length - a.turns.length || a.key.localeCompare(b.key));
  const vectors = (await embed(groups.map((g) => g.text))).map(normalise);

  const clusters: Array<{ members: number[]; sum: Float64Array; centroid: Float64Array }> = [];
  groups.forEach((g, i) => {
    const v = vectors[i]!;
    let best = -1;
    let bestSim = -Infinity;
    for (let c = 0; c < clusters.length; c++) {
      const sim = dot(v, clusters[c]!.centroid);
      if (sim > bestSim) {
        bestSim = sim;
        best = c;
      }
    }
    const weight = g.turns.length;
    if (best >= 0 && bestSim >= options.similarity) {
      const c = clusters[best]!;
      c.members.push(i);
      for (let d = 0; d < v.length; d++) c.sum[d]! += v[d]! * weight;
      c.centroid = normalise(Array.from(c.sum));
    } else {
      const sum = v.map((x) => x * weight);
      clusters.push({ members: [i], sum, centroid: normalise(Array.from(sum)) });
    }
  });

  const out: Cluster[] = [];
  for (const c of clusters) {
    const members = c.members.map((i) => groups[i]!);
    const memberTurns = members.flatMap((g) => g.turns);
    let repIndex = c.members[0]!;
    let repSim = -Infinity;
    for (const i of c.members) {
      const sim = dot(vectors[i]!, c.centroid);
      if (sim > repSim + 1e-12) {
        repSim = sim;
        repIndex = i;
      }
    }
    const representative = groups[repIndex]!.text;
    const nearest = await labeller.nearest(representative);
    const indicator = nearest && nearest.score >= options.labelMinScore ? labeller.indicatorOf(nearest.topic) : null;
    const communeCounts = new Map<string | null, number>();
    for (const t of memberTurns) communeCounts.set(t.commune, (communeCounts.get(t.commune) ?? 0) + 1);
    const times = memberTurns.map((t) => t.at.getTime());
    const first = times.reduce((a, b) => Math.min(a, b));
    const last = times.reduce((a, b) => Math.max(a, b));
    out.push({
      id: createHash('sha256').update(members[0]!.key).digest('hex').slice(0, 12),
      size: memberTurns.length,
      turnIds: memberTurns.map((t) => t.id),
      representative,
      examples: members.slice(0, 5).map((g) => g.text),
      questions: members.map((g) => ({ text: g.text, turnIds: g.turns.map((t) => t.id) })),
      indicator: indicator?.id ?? null,
      indicatorLabel: indicator?.title ?? UNCLASSIFIED_LABEL,
      nearestTopic: nearest,
      uncovered: memberTurns.filter((t) => t.status === 'uncovered').length,
      downvotes: memberTurns.filter((t) => t.vote === 'down').length,
      communes: [...communeCounts.entries()]
        .map(([code, count]) => ({ code, count }))
        .sort((a, b) => b.count - a.count || String(a.code).localeCompare(String(b.code))),
      firstAt: new Date(first).toISOString(),
      lastAt: new Date(last).toISOString(),
    });
  }
  return out.sort((a, b) => b.size - a.size || b.lastAt.localeCompare(a.lastAt));
}
