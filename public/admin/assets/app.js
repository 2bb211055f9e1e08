// Admin dashboard: login, charts, triage queue, search, action log, CSV export. Plain ES module, served by
// the app; the token lives in sessionStorage only and goes out as "Authorization: Bearer …".
import { $, h, logout, showLogin, STORAGE, toast } from './admin-common.js';
import { drawGroupChart, drawTimeChart } from './charts.js';

const fmt = new Intl.NumberFormat('vi-VN');
const pctFmt = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
const formatPct = (p) => (p === null || p === undefined ? '–' : `${pctFmt.format(p)}%`);
const dateTime = new Intl.DateTimeFormat('vi-VN', { dateStyle: 'short', timeStyle: 'short' });
const STATUS_LABEL = { answered: 'trả lời được', uncovered: 'chưa trả lời được', smalltalk: 'chào hỏi' };
const KIND_LABEL = {
  attach_to_guide: 'gắn vào hướng dẫn',
  out_of_scope: 'đánh dấu ngoài phạm vi',
  needs_new_guide: 'cần hướng dẫn mới',
};

const state = { guides: [], guideTitle: new Map(), today: null };

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, options = {}) {
  const token = sessionStorage.getItem(STORAGE.token);
  const res = await fetch(path, {
    ...options,
    headers: { Authorization: `Bearer ${token}`, ...(options.body ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
  });
  if (res.status === 401 || res.status === 403) {
    const body = await res.json().catch(() => ({}));
    if (path !== '/api/admin/session') logout(body.message || 'Phiên đăng nhập không còn hiệu lực.');
    throw new ApiError(res.status, body.message || 'Không có quyền truy cập.');
  }
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new ApiError(res.status, body.message || `Lỗi ${res.status}`);
  }
  return res;
}

const getJson = async (path) => (await api(path)).json();



// ---------- login ----------

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  sessionStorage.setItem(STORAGE.token, $('login-token').value.trim());
  sessionStorage.setItem(STORAGE.actor, $('login-actor').value.trim());
  $('login-token').value = '';
  try {
    await start();
  } catch (err) {
    logout(err.status === 403 ? 'Mã quản trị không đúng.' : err.message);
  }
});

$('logout').addEventListener('click', () => logout());

// ---------- dashboard ----------

function range() {
  return { from: $('from').value, to: $('to').value, period: $('period').value };
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  return q.toString();
}

async function loadCharts() {
  const { from, to, period } = range();
  const [byIndicator, byCommune] = await Promise.all([
    getJson(`/api/admin/reports?${query({ by: 'indicator', from, to, period })}`),
    getJson(`/api/admin/reports?${query({ by: 'commune', from, to, period })}`),
  ]);
  const t = byIndicator.totals;
  $('kpi-questions').textContent = fmt.format(t.questions);
  $('kpi-answered').textContent = formatPct(t.answeredPct);
  $('kpi-uncovered').textContent = fmt.format(t.uncovered);
  $('kpi-down').textContent = fmt.format(t.downvotes);
  drawTimeChart($('chart-time'), byIndicator.series);
  drawGroupChart($('chart-indicator'), byIndicator.groups, { max: 12 });
  drawGroupChart($('chart-commune'), byCommune.groups, { max: 12 });
}

function guideSelect(selected) {
  const select = h('select', { class: 'guide-select', 'aria-label': 'Hướng dẫn' },
    h('option', { value: '' }, '— chọn hướng dẫn —'),
    state.guides.map((g) => h('option', { value: g.id, selected: g.id === selected }, g.title)));
  return select;
}

async function act(kind, turnIds, extra) {
  const body = { actor: sessionStorage.getItem(STORAGE.actor) || 'quản trị viên', kind, turnIds, ...extra };
  const res = await api('/api/admin/triage', { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

function clusterCard(cluster) {
  const checks = cluster.questions.map((q) =>
    h('li', {}, h('label', {}, h('input', { type: 'checkbox', checked: true, dataset: { ids: q.turnIds.join(',') } }), ' ', q.text,
      q.turnIds.length > 1 ? h('span', { class: 'count' }, ` ×${q.turnIds.length}`) : null)));
  const list = h('ul', { class: 'members' }, checks);
  const selectedIds = () => [...list.querySelectorAll('input:checked')].flatMap((i) => i.dataset.ids.split(','));
  // Pre-select the nearest guide only when it was close enough to label the cluster.
  const select = guideSelect(cluster.indicator && cluster.nearestTopic ? cluster.nearestTopic.topic : '');
  const note = h('input', { type: 'text', class: 'note', placeholder: 'Ghi chú cho hướng dẫn mới', maxlength: 500 });

  const run = async (button, kind, extra) => {
    const ids = selectedIds();
    if (!ids.length) return toast('Chưa chọn câu hỏi nào.', 'error');
    button.disabled = true;
    try {
      const result = await act(kind, ids, extra);
      const what = kind === 'attach_to_guide' ? `gắn ${result.added.length} câu vào “${state.guideTitle.get(extra.guideId)}”` : KIND_LABEL[kind];
      toast(`Đã ${what} (${result.moved} câu hỏi).`);
      await Promise.all([loadQueue(), loadLog()]);
    } catch (err) {
      toast(err.message, 'error');
      button.disabled = false;
    }
  };

  const attach = h('button', { type: 'button', class: 'primary', dataset: { action: 'attach' } }, 'Gắn vào hướng dẫn');
  attach.addEventListener('click', () => {
    if (!select.value) return toast('Hãy chọn hướng dẫn.', 'error');
    run(attach, 'attach_to_guide', { guideId: select.value });
  });
  const oos = h('button', { type: 'button', dataset: { action: 'out-of-scope' } }, 'Ngoài phạm vi');
  oos.addEventListener('click', () => run(oos, 'out_of_scope', {}));
  const needs = h('button', { type: 'button', dataset: { action: 'needs-guide' } }, 'Cần hướng dẫn mới');
  needs.addEventListener('click', () => {
    if (note.value.trim().length < 3) {
      note.focus();
      return toast('Hãy ghi chú nội dung cần có trong hướng dẫn mới.', 'error');
    }
    run(needs, 'needs_new_guide', { note: note.value.trim() });
  });

  const communes = cluster.communes.slice(0, 3).map((c) => `${c.code ?? 'chưa rõ xã'} (${c.count})`).join(', ');
  return h('article', { class: 'cluster', dataset: { clusterId: cluster.id } },
    h('header', {},
      h('strong', { class: 'rep' }, cluster.representative),
      h('span', { class: 'badge' }, `${cluster.size} câu`)),
    h('p', { class: 'meta' },
      h('span', { class: cluster.indicator ? 'tag' : 'tag muted' }, cluster.indicatorLabel),
      ` · ${cluster.uncovered} chưa trả lời được · ${cluster.downvotes} không hài lòng · ${communes}`),
    h('details', {}, h('summary', {}, `Các câu trong cụm (${cluster.questions.length})`), list),
    h('div', { class: 'actions' }, select, attach, oos),
    h('div', { class: 'actions' }, note, needs));
}

async function loadQueue() {
  const data = await getJson('/api/admin/uncovered?limit=50');
  $('queue-count').textContent = fmt.format(data.total);
  const box = $('clusters');
  box.replaceChildren(...(data.clusters.length ? data.clusters.map(clusterCard) : [h('p', { class: 'empty' }, 'Không còn câu hỏi nào chờ phân loại.')]));
}

async function loadLog() {
  const { actions } = await getJson('/api/admin/triage/actions?limit=50');
  $('action-log').replaceChildren(...(actions.length ? actions.map((a) =>
    h('li', {},
      h('div', { class: 'meta' }, `${dateTime.format(new Date(a.at))} · ${a.actor}`),
      h('div', {}, h('strong', {}, KIND_LABEL[a.kind] ?? a.kind), a.guideId ? ` → ${state.guideTitle.get(a.guideId) ?? a.guideId}` : '',
        ` (${a.turnIds.length} câu)`),
      a.note ? h('div', { class: 'note-text' }, a.note) : null,
      a.questions.length ? h('div', { class: 'meta' }, a.questions.slice(0, 3).join(' · ')) : null)) : [h('p', { class: 'empty' }, 'Chưa có thao tác nào.')]));
}

$('search-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const { from, to } = range();
  const data = await getJson(`/api/admin/turns?${query({ search: $('search-input').value.trim(), status: $('search-status').value, from, to, limit: 100 })}`);
  $('search-summary').textContent = `${fmt.format(data.total)} câu hỏi khớp${data.total > data.turns.length ? `, hiện ${data.turns.length} câu mới nhất` : ''}.`;
  $('search-results').replaceChildren(...data.turns.map((t) =>
    h('li', {},
      h('div', { class: 'meta' }, `${dateTime.format(new Date(t.at))} · ${t.channel} · ${t.commune ?? 'chưa rõ xã'} · `,
        h('span', { class: `status status-${t.status}` }, STATUS_LABEL[t.status] ?? t.status), t.vote === 'down' ? ' · không hài lòng' : t.vote === 'up' ? ' · hài lòng' : ''),
      h('div', {}, t.text))));
});

for (const tab of document.querySelectorAll('.tab')) {
  tab.addEventListener('click', () => {
    for (const other of document.querySelectorAll('.tab')) other.classList.toggle('active', other === tab);
    for (const panel of document.querySelectorAll('.tab-panel')) panel.hidden = panel.id !== `panel-${tab.dataset.tab}`;
  });
}

async function exportCsv(by) {
  const { from, to, period } = range();
  const res = await api(`/api/admin/reports?${query({ by, from, to, period, format: 'csv' })}`);
  const blob = await res.blob();
  const disposition = res.headers.get('Content-Disposition') || '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `bao-cao-${by}.csv`;
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

for (const id of ['export-indicator', 'export-commune']) {
  $(id).addEventListener('click', (e) => exportCsv(e.currentTarget.dataset.by).catch((err) => toast(err.message, 'error')));
}

$('refresh').addEventListener('click', () => loadCharts().catch((err) => toast(err.message, 'error')));
$('period').addEventListener('change', () => loadCharts().catch((err) => toast(err.message, 'error')));

function shiftDay(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

async function start() {
  const session = await getJson('/api/admin/session');
  state.today = session.today;
  const { guides } = await getJson('/api/admin/guides');
  state.guides = guides;
  state.guideTitle = new Map(guides.map((g) => [g.id, g.title]));
  if (!$('to').value) $('to').value = session.today;
  if (!$('from').value) $('from').value = shiftDay(session.today, -29);
  $('who-name').textContent = sessionStorage.getItem(STORAGE.actor) || '';
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('who').hidden = false;
  await Promise.all([loadCharts(), loadQueue(), loadLog()]);
  document.body.dataset.ready = 'true';
}

if (sessionStorage.getItem(STORAGE.token)) start().catch((err) => logout(err.message));
else showLogin();
