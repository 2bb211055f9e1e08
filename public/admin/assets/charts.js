// Small SVG charts for the dashboard: no library, no network. Each function replaces the content of a
// container with an <svg> sized by viewBox, so it scales with the card.

const SVG_NS = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function niceMax(value) {
  if (value <= 0) return 1;
  const exp = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * exp >= value) return m * exp;
  return 10 * exp;
}

const fmt = new Intl.NumberFormat('vi-VN');
const pctFmt = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
const pct = (p) => `${pctFmt.format(p ?? 0)}%`;

function shortBucket(bucket) {
  // 2025-03-10 -> 10/03, 2025-03 -> 03/2025
  if (/^\d{4}-\d{2}-\d{2}$/.test(bucket)) return `${bucket.slice(8, 10)}/${bucket.slice(5, 7)}`;
  if (/^\d{4}-\d{2}$/.test(bucket)) return `${bucket.slice(5, 7)}/${bucket.slice(0, 4)}`;
  return bucket;
}

function emptyState(container, message) {
  container.replaceChildren();
  const p = document.createElement('p');
  p.className = 'empty';
  p.textContent = message;
  container.append(p);
}

/**
 * Bars: questions per period (answered and uncovered stacked); line: share uncovered (%), right axis.
 * series: [{ bucket, answered, uncovered, questions }]
 */
export function drawTimeChart(container, series) {
  if (!series.length || series.every((s) => s.questions === 0)) return emptyState(container, 'Chưa có câu hỏi trong khoảng thời gian này.');
  const W = 720;
  const H = 240;
  const m = { top: 16, right: 44, bottom: 28, left: 44 };
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  const maxQ = niceMax(Math.max(...series.map((s) => s.questions)));
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'svg-chart', 'data-chart': 'time' });
  const g = el('g', { transform: `translate(${m.left},${m.top})` });
  svg.append(g);

  for (let i = 0; i <= 4; i++) {
    const y = ih - (ih * i) / 4;
    g.append(el('line', { x1: 0, x2: iw, y1: y, y2: y, class: 'grid' }));
    g.append(el('text', { x: -6, y: y + 4, class: 'tick', 'text-anchor': 'end' }, fmt.format(Math.round((maxQ * i) / 4))));
    g.append(el('text', { x: iw + 6, y: y + 4, class: 'tick', 'text-anchor': 'start' }, pct(25 * i)));
  }

  const step = iw / series.length;
  const bw = Math.max(2, Math.min(36, step * 0.7));
  const labelEvery = Math.ceil(series.length / 12);
  series.forEach((s, i) => {
    const x = i * step + (step - bw) / 2;
    const hAnswered = (ih * s.answered) / maxQ;
    const hUncovered = (ih * s.uncovered) / maxQ;
    const bar = el('g', { class: 'bar' });
    bar.append(el('title', {}, `${shortBucket(s.bucket)}: ${fmt.format(s.questions)} câu hỏi, ${fmt.format(s.uncovered)} chưa trả lời được`));
    bar.append(el('rect', { x, y: ih - hAnswered, width: bw, height: hAnswered, class: 'answered' }));
    bar.append(el('rect', { x, y: ih - hAnswered - hUncovered, width: bw, height: hUncovered, class: 'uncovered' }));
    g.append(bar);
    if (i % labelEvery === 0) g.append(el('text', { x: i * step + step / 2, y: ih + 18, class: 'tick', 'text-anchor': 'middle' }, shortBucket(s.bucket)));
  });

  const points = series
    .map((s, i) => (s.questions > 0 ? [i * step + step / 2, ih - (ih * s.uncovered) / s.questions] : null))
    .filter(Boolean);
  if (points.length) {
    g.append(el('polyline', { points: points.map((p) => p.join(',')).join(' '), class: 'share-line' }));
    for (const [x, y] of points) g.append(el('circle', { cx: x, cy: y, r: 2.5, class: 'share-dot' }));
  }
  container.replaceChildren(svg, legendHtml([
    ['answered', 'Trả lời được'],
    ['uncovered', 'Chưa trả lời được'],
    ['share', 'Tỷ lệ chưa trả lời được (trục phải)'],
  ]));
}

function legendHtml(items) {
  const div = document.createElement('div');
  div.className = 'legend-row';
  for (const [cls, text] of items) {
    const span = document.createElement('span');
    span.className = `key key-${cls}`;
    span.textContent = text;
    div.append(span);
  }
  return div;
}

/**
 * Horizontal stacked bars per group: answered and uncovered, with the answered share at the end.
 * items: [{ label, answered, uncovered, questions, answeredPct }]
 */
export function drawGroupChart(container, items, { max = 10 } = {}) {
  const shown = items.filter((i) => i.questions > 0).slice(0, max);
  if (!shown.length) return emptyState(container, 'Chưa có dữ liệu.');
  const W = 720;
  const row = 26;
  const longest = Math.max(...shown.map((s) => Math.min(46, s.label.length)));
  const m = { top: 6, right: 60, bottom: 6, left: Math.max(60, Math.min(300, Math.round(longest * 6.4) + 14)) };
  const H = m.top + m.bottom + row * shown.length;
  const iw = W - m.left - m.right;
  const maxQ = niceMax(Math.max(...shown.map((s) => s.questions)));
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'svg-chart', 'data-chart': 'groups' });
  shown.forEach((s, i) => {
    const y = m.top + i * row;
    const g = el('g', { class: 'bar', transform: `translate(0,${y})` });
    g.append(el('title', {}, `${s.label}: ${fmt.format(s.questions)} câu hỏi, trả lời được ${pct(s.answeredPct)}`));
    const label = s.label.length > 46 ? `${s.label.slice(0, 45)}…` : s.label;
    g.append(el('text', { x: m.left - 8, y: row / 2 + 4, class: 'label', 'text-anchor': 'end' }, label));
    const wa = (iw * s.answered) / maxQ;
    const wu = (iw * s.uncovered) / maxQ;
    g.append(el('rect', { x: m.left, y: 4, width: wa, height: row - 8, class: 'answered' }));
    g.append(el('rect', { x: m.left + wa, y: 4, width: wu, height: row - 8, class: 'uncovered' }));
    g.append(el('text', { x: m.left + wa + wu + 6, y: row / 2 + 4, class: 'value' }, pct(s.answeredPct)));
    svg.append(g);
  });
  container.replaceChildren(svg, legendHtml([
    ['answered', 'Trả lời được'],
    ['uncovered', 'Chưa trả lời được'],
  ]));
}
