import { describe, expect, it } from 'vitest';
import { clusterTurns, UNCLASSIFIED_LABEL, type ClusterableTurn, type TopicLabeller } from '../../src/feedback/clustering.js';
import { HashingEmbeddings } from '../../src/knowledge/embeddings/hashing.js';

const TEXTS = [
  'đăng ký nghĩa vụ quân sự online ở đâu',
  'dang ky nghia vu quan su online',
  'đăng ký nghĩa vụ quân sự trên mạng được không',
  'xin giấy phép xây dựng nhà ở',
  'giấy phép xây dựng nhà ở xin ở đâu',
  'xin giay phep xay dung nha o',
  'rút tiền trợ cấp qua ví điện tử',
];

function turns(): ClusterableTurn[] {
  return TEXTS.map((text, i) => ({
    id: `t${i}`, text, at: new Date(Date.UTC(2025, 2, 1 + i)), commune: i % 2 ? '26734' : null,
    indicator: null, status: i === 6 ? 'answered' : 'uncovered', vote: i === 6 ? 'down' : null,
  }));
}

async function embedder(): Promise<(texts: string[]) => Promise<number[][]>> {
  const e = new HashingEmbeddings({ dimensions: 512 });
  e.fit(TEXTS);
  return (texts) => e.embedDocuments(texts);
}

const labeller: TopicLabeller = {
  async nearest(q) {
    if (q.includes('xây') || q.includes('xay')) return { topic: 'guide-build', score: 0.9 };
    if (q.includes('quân sự') || q.includes('quan su')) return { topic: 'guide-army', score: 0.2 };
    return null;
  },
  indicatorOf: (topic) => (topic === 'guide-build' ? { id: 'ind-build', title: 'Chỉ số xây dựng' } : { id: 'ind-army', title: 'Chỉ số quân sự' }),
};

describe('clusterTurns', () => {
  it('puts similar questions together, with or without diacritics, and labels them', async () => {
    const clusters = await clusterTurns(turns(), await embedder(), labeller, { similarity: 0.3, labelMinScore: 0.35 });
    const byMember = (id: string) => clusters.find((c) => c.turnIds.includes(id))!;
    expect(byMember('t0').turnIds.sort()).toEqual(['t0', 't1', 't2']);
    expect(byMember('t3').turnIds.sort()).toEqual(['t3', 't4', 't5']);
    expect(byMember('t6').turnIds).toEqual(['t6']);
    expect(clusters).toHaveLength(3);

    const build = byMember('t3');
    expect(build).toMatchObject({ indicator: 'ind-build', indicatorLabel: 'Chỉ số xây dựng', size: 3, uncovered: 3, downvotes: 0 });
    expect(build.nearestTopic).toEqual({ topic: 'guide-build', score: 0.9 });
    // "xin giay phep…" is the same question as "xin giấy phép…" once folded: one entry, the newest wording.
    expect(build.questions).toEqual([
      { text: TEXTS[5], turnIds: ['t5', 't3'] },
      { text: TEXTS[4], turnIds: ['t4'] },
    ]);
    // Below the label threshold: unclassified even though a nearest topic exists.
    expect(byMember('t0')).toMatchObject({ indicator: null, indicatorLabel: UNCLASSIFIED_LABEL });
    expect(byMember('t6')).toMatchObject({ indicator: null, indicatorLabel: UNCLASSIFIED_LABEL, downvotes: 1, uncovered: 0 });
    expect(build.firstAt).toBe('2025-03-04T00:00:00.000Z');
    expect(build.lastAt).toBe('2025-03-06T00:00:00.000Z');
  });

  it('counts repeated questions once for embedding and fully for size', async () => {
    const repeated = [...turns(), ...turns().map((t) => ({ ...t, id: `${t.id}-again` }))];
    let embedded = 0;
    const base = await embedder();
    const counting = async (texts: string[]) => ((embedded += texts.length), base(texts));
    const clusters = await clusterTurns(repeated, counting, labeller, { similarity: 0.3, labelMinScore: 0.35 });
    expect(embedded).toBe(TEXTS.length - 1);
    expect(clusters.map((c) => c.size)).toEqual([6, 6, 2]);
    expect(clusters[0]!.communes.reduce((s, c) => s + c.count, 0)).toBe(6);
  });

  it('keeps every distinct question apart at a threshold no pair reaches', async () => {
    const clusters = await clusterTurns(turns(), await embedder(), labeller, { similarity: 0.999, labelMinScore: 0.35 });
    expect(clusters).toHaveLength(TEXTS.length - 1);
    expect(await clusterTurns([], await embedder(), labeller, { similarity: 0.5, labelMinScore: 0.35 })).toEqual([]);
  });
});
