// Side panels of the guide editor: preview of the draft (sample questions + a test question), the versions
// of the open guide with their diffs and rollback, and the audit log of every change.
import { $, ACTION_LABEL, api, formatTime, h, STATUS_LABEL } from './admin-common.js';

const pct = (x) => `${Math.round(x * 100)}%`;

// ---------- preview ----------

function previewRow(a, draftId) {
  const ok = a.kind === 'test' ? a.topic === draftId : a.matchesDraft;
  const answer = a.status === 'answered' ? (a.title ?? a.topic) : STATUS_LABEL[a.status] ?? a.status;
  return h('tr', { class: ok ? 'hit' : 'miss', dataset: { kind: a.kind } },
    h('td', {}, a.kind === 'test' ? h('strong', {}, 'Câu thử: ') : null, a.q),
    h('td', { class: `status status-${a.status}` }, answer),
    h('td', { class: 'num' }, pct(a.confidence)),
    h('td', { class: 'cands' }, a.candidates.map((c) => h('div', {}, `${c.title ?? c.topic} · ${pct(c.score)}`))));
}

export function renderPreview(result, draftId) {
  const samples = result.answers.filter((a) => a.kind === 'sample');
  const hits = samples.filter((a) => a.matchesDraft).length;
  $('preview-summary').textContent = result.answers.length
    ? `${hits}/${samples.length} câu hỏi mẫu được trả lời bằng hướng dẫn này · ${result.guides} hướng dẫn · dựng ${result.buildMs} ms`
    : 'Chưa xem trước được: bản nháp còn lỗi front-matter.';
  $('preview-results').replaceChildren(
    h('thead', {}, h('tr', {}, h('th', {}, 'Câu hỏi'), h('th', {}, 'Trả lời bằng'), h('th', {}, 'Tin cậy'), h('th', {}, 'Ứng viên'))),
    h('tbody', {}, [...result.answers.filter((a) => a.kind === 'test'), ...samples].map((a) => previewRow(a, draftId))));
}

// ---------- versions ----------

function diffView(diff) {
  const lines = diff.split('\n').filter((l) => !l.startsWith('=====') && !l.startsWith('Index:'));
  return h('pre', { class: 'diff' }, lines.map((l) => {
    const cls = l.startsWith('+++') || l.startsWith('---') ? 'meta' : l.startsWith('@@') ? 'hunk' : l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : 'ctx';
    return h('span', { class: cls }, `${l}\n`);
  }));
}

function versionItem(v, { onRollback, current }) {
  const diff = diffView(v.diff);
  diff.hidden = true;
  const toggle = h('button', { type: 'button', class: 'small', dataset: { action: 'diff' } }, 'Xem khác biệt');
  toggle.addEventListener('click', () => {
    diff.hidden = !diff.hidden;
    toggle.textContent = diff.hidden ? 'Xem khác biệt' : 'Ẩn khác biệt';
  });
  const rollback = current ? null : h('button', { type: 'button', class: 'small', dataset: { action: 'rollback' }, onclick: () => onRollback(v.id, `phiên bản #${v.id}`) }, 'Khôi phục bản này');
  const what = ACTION_LABEL[v.action] ?? v.action;
  return h('li', { class: 'version', dataset: { versionId: String(v.id) } },
    h('div', { class: 'meta' },
      h('strong', {}, `#${v.id}`), ` · ${what}${v.rollbackOf === 0 ? ' (về tệp gốc)' : v.rollbackOf ? ` (từ #${v.rollbackOf})` : ''} · ${v.author} · ${formatTime(v.at)} · `,
      h('span', { class: 'add-count' }, `+${v.added}`), ' ', h('span', { class: 'del-count' }, `−${v.removed}`), ' · ',
      h('span', { class: v.published ? 'tag' : 'tag pending' }, v.published ? 'đã xuất bản' : 'chưa xuất bản'),
      current ? h('span', { class: 'tag muted' }, 'đang dùng') : null),
    h('div', { class: 'actions' }, toggle, rollback),
    diff);
}

export async function loadVersions(id, { onRollback }) {
  const box = $('version-list');
  if (!id) return box.replaceChildren(h('p', { class: 'empty' }, 'Chọn một hướng dẫn để xem các phiên bản.'));
  let data;
  try {
    data = await api(`/api/admin/guides/${encodeURIComponent(id)}/versions`);
  } catch (err) {
    if (err.status === 404) return box.replaceChildren(h('p', { class: 'empty' }, 'Hướng dẫn mới, chưa lưu phiên bản nào.'));
    throw err;
  }
  const items = data.versions.map((v, i) => versionItem(v, { onRollback, current: i === 0 }));
  if (data.file) {
    const usingFile = data.versions.length === 0 || data.versions[0].state === 'file';
    items.push(h('li', { class: 'version file-version', dataset: { versionId: 'file' } },
      h('div', { class: 'meta' }, h('strong', {}, 'Tệp trong knowledge/'), ' · bản gốc đi kèm mã nguồn', usingFile ? h('span', { class: 'tag muted' }, 'đang dùng') : null),
      usingFile ? null : h('div', { class: 'actions' }, h('button', { type: 'button', class: 'small', dataset: { action: 'rollback' }, onclick: () => onRollback('file', 'tệp gốc trong knowledge/') }, 'Khôi phục tệp gốc'))));
  }
  box.replaceChildren(...(items.length ? items : [h('p', { class: 'empty' }, 'Chưa có phiên bản nào.')]));
}

// ---------- audit log ----------

export async function loadAudit(guideId) {
  const q = guideId ? `?limit=100&guide=${encodeURIComponent(guideId)}` : '?limit=100';
  const { entries } = await api(`/api/admin/knowledge/audit${q}`);
  $('audit-list').replaceChildren(...(entries.length ? entries.map((e) =>
    h('li', { class: `audit audit-${e.action}`, dataset: { action: e.action } },
      h('div', { class: 'meta' }, `${formatTime(e.at)} · ${e.actor}`),
      h('div', {}, h('strong', {}, ACTION_LABEL[e.action] ?? e.action),
        e.guideId ? ` · ${e.guideId}` : '', e.versionId ? ` · phiên bản #${e.versionId}` : '', e.publicationId ? ` · lần xuất bản #${e.publicationId}` : ''),
      h('div', { class: 'detail' }, e.detail))) : [h('p', { class: 'empty' }, 'Chưa có thay đổi nào.')]));
}
