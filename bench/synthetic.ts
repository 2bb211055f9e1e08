/**
 * A synthetic knowledge base of any size, made from the real guides: every synthetic guide copies a real
 * guide's structure and questions and mixes in words of its own, so the vocabulary and the index grow like a
 * real national-scale base would.
 */
import type { Guide } from '../src/knowledge/schema.js';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ONSETS = ['b', 'c', 'd', 'g', 'h', 'k', 'l', 'm', 'n', 'ph', 'qu', 's', 't', 'th', 'tr', 'v', 'x', 'ng', 'nh', 'kh'];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'ai', 'ao', 'oi', 'ua', 'uo', 'ie', 'ay', 'eo', 'ong', 'anh', 'inh', 'uong'];

export function syntheticGuides(real: readonly Guide[], count: number, seed = 7): Guide[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const word = () => `${pick(ONSETS)}${pick(NUCLEI)}`;
  const out: Guide[] = [];
  for (let i = 0; i < count; i++) {
    const base = real[i % real.length]!;
    const own = Array.from({ length: 4 }, () => `${word()} ${word()}`);
    out.push({
      ...base,
      id: `synthetic-${i}`,
      file: `synthetic-${i}.md`,
      title: `${base.title} ${own[0]}`,
      questions: base.questions.map((q, k) => `${q} ${own[k % own.length]} ${word()}`),
      keywords: [...base.keywords.slice(0, 4), ...own],
    });
  }
  return out;
}
