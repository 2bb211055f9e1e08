// The "Hướng dẫn" page of the admin area: list of guides, Markdown editor with errors next to their fields,
// preview, save, publish, versions with diffs and rollback, audit log. Plain ES module, no external resources.
import { $, api, author, confirmClick, formatTime, h, logout, setUnauthorizedHandler, showLogin, STORAGE, toast } from './admin-common.js';
import { GuideEditor, guideTemplate } from './guides-editor.js';
import { loadAudit, loadVersions, renderPreview } from './guides-panels.js';

const state = { guides: [], deleted: [], current: null, saved: '', isNew: false, tab: 'preview' };
let validateTimer;
const editor = new GuideEditor({
  onInput: () => {
    updateDirty();
    clearTimeout(validateTimer);
    validateTimer = setTimeout(() => validate().catch(() => undefined), 700);
  },
});

// ---------- login ----------

setUnauthorizedHandler((message) => logout(message));

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

// ---------- list and status ----------

function badge(text, cls) {
  return h('span', { class: `tag ${cls}` }, text);
}

function guideBadges(g) {
  return [
    g.source !== 'file' ? badge(g.source === 'admin' ? 'tạo trong trang quản trị' : 'đã sửa', 'edited') : null,
    g.unpublished ? badge('chưa xuất bản', 'pending') : null,
    g.valid ? null : badge('lỗi', 'bad'),
  ];
}

function renderList() {
  const filter = $('guide-filter').value.trim().toLowerCase();
  const match = (g) => !filter || g.id.includes(filter) || g.title.toLowerCase().includes(filter);
  const item = (g) => h('li', { class: state.current === g.id ? 'active' : '', dataset: { id: g.id } },
    h('button', { type: 'button', class: 'guide-link', onclick: () => open(g.id) }, h('span', { class: 'title' }, g.title), h('span', { class: 'id' }, g.id), guideBadges(g)));
  $('guide-items').replaceChildren(...state.guides.filter(match).map(item));
  $('deleted-items').replaceChildren(...state.deleted.filter(match).map(item));
  $('deleted-box').hidden = state.deleted.length === 0;
}

async function loadStatus() {
  const s = await api('/api/admin/knowledge/status');
  const applied = s.applied.publicationId ? `lần xuất bản #${s.applied.publicationId}` : 'các tệp trong knowledge/ (chưa xuất bản lần nào)';
  $('live-status').textContent = `Đang phục vụ: ${applied} · ${s.index.guides} hướng dẫn · chỉ mục ${s.index.hash.slice(0, 8)} (${formatTime(s.index.builtAt)})`;
  $('pending-status').textContent = s.pending.length ? `${s.pending.length} thay đổi đã lưu chưa xuất bản: ${s.pending.join(', ')}` : 'Không có thay đổi chờ xuất bản.';
  $('publish').disabled = s.building;
  if (s.lastFailure) showPublishError(`Lần xuất bản gần nhất thất bại (${formatTime(s.lastFailure.at)}): ${s.lastFailure.message}. Câu hỏi vẫn được trả lời bằng chỉ mục cũ.`);
}

async function loadList() {
  const data = await api('/api/admin/guides');
  state.guides = data.guides;
  state.deleted = data.deleted;
  renderList();
}

// ---------- editor ----------

function updateDirty() {
  const dirty = state.current !== null && editor.value !== state.saved;
  $('save-state').textContent = state.isNew ? 'Bản nháp mới, chưa lưu.' : dirty ? 'Có thay đổi chưa lưu.' : 'Đã lưu.';
  $('save').disabled = !state.current || (!dirty && !state.isNew);
  $('revert').disabled = !dirty;
  return dirty;
}

function setEditorTitle(text, badges = []) {
  $('editor-title').replaceChildren(text, ' ', ...badges.filter(Boolean));
}

async function open(id) {
  if (state.current && updateDirty() && !state.isNew && state.current !== id) toast('Đã bỏ các thay đổi chưa lưu của hướng dẫn trước.', 'error');
  const g = await api(`/api/admin/guides/${encodeURIComponent(id)}`);
  state.current = id;
  state.isNew = false;
  state.saved = g.markdown;
  state.versionId = g.versionId;
  state.deletedGuide = g.deleted;
  editor.value = g.markdown;
  editor.disabled = g.deleted;
  setEditorTitle(g.title, guideBadges(g).concat(g.deleted ? [badge('đã xoá', 'bad')] : []));
  $('editor-meta').textContent = g.updatedAt ? `Sửa lần cuối: ${g.updatedBy} · ${formatTime(g.updatedAt)}` : 'Chưa sửa trong trang quản trị (nội dung từ tệp knowledge/).';
  $('delete').disabled = g.deleted;
  history.replaceState(null, '', `#${id}`);
  updateDirty();
  renderList();
  await Promise.all([loadVersions(id, { onRollback: rollback }), state.tab === 'audit' ? refreshAudit() : null]);
  document.body.dataset.guide = id;
}

async function validate() {
  if (!state.current) return;
  const { errors } = await api(`/api/admin/guides/${encodeURIComponent(state.current)}/validate`, { method: 'POST', json: { markdown: editor.value } });
  editor.setErrors(errors);
}

function showErrors(err) {
  if (err.body?.errors) {
    editor.setErrors(err.body.errors);
    if (err.body.errors[0]) editor.goToLine(err.body.errors[0].line);
  }
  toast(err.message, 'error');
}

async function save() {
  const id = state.current;
  const method = state.isNew ? 'POST' : 'PUT';
  $('save').disabled = true;
  try {
    const res = await api(`/api/admin/guides/${encodeURIComponent(id)}`, { method, json: { markdown: editor.value, baseVersion: state.isNew ? undefined : state.versionId } });
    editor.setErrors([]);
    toast(res.unchanged ? 'Không có gì thay đổi.' : `Đã lưu phiên bản #${res.version.id}. Bấm “Xuất bản” để người dân thấy.`);
    await Promise.all([loadList(), loadStatus()]);
    await open(id);
    return true;
  } catch (err) {
    showErrors(err);
    updateDirty();
    return false;
  }
}

async function remove() {
  try {
    const res = await api(`/api/admin/guides/${encodeURIComponent(state.current)}`, { method: 'DELETE', json: { baseVersion: state.versionId } });
    toast(`Đã xoá (phiên bản #${res.version.id}). Bấm “Xuất bản” để áp dụng.`);
    await Promise.all([loadList(), loadStatus()]);
    await open(state.current);
  } catch (err) {
    showErrors(err);
  }
}

// ---------- publish and rollback ----------

function showPublishError(message) {
  $('publish-error').textContent = message;
  $('publish-error').hidden = !message;
}

async function publish() {
  if (state.current && (state.isNew || updateDirty()) && !(await save())) return;
  const button = $('publish');
  button.disabled = true;
  button.textContent = 'Đang dựng chỉ mục…';
  showPublishError('');
  try {
    const res = await api('/api/admin/knowledge/publish', { method: 'POST', json: { author: author() } });
    toast(`Đã xuất bản lần #${res.publication.id}: ${res.publication.guides} hướng dẫn, dựng ${res.publication.buildMs} ms.`);
  } catch (err) {
    showPublishError(err.message);
  } finally {
    button.textContent = 'Xuất bản';
    button.disabled = false;
    await afterChange();
  }
}

async function rollback(target, label) {
  showPublishError('');
  try {
    const res = await api(`/api/admin/guides/${encodeURIComponent(state.current)}/versions/${target}/rollback`, { method: 'POST', json: { author: author() } });
    toast(`Đã khôi phục ${label} (phiên bản #${res.version.id}) và xuất bản lần #${res.publication.id}.`);
  } catch (err) {
    if (err.body?.publication) showPublishError(err.message);
    else showErrors(err);
  }
  await afterChange();
}

async function afterChange() {
  await Promise.all([loadList(), loadStatus(), state.tab === 'audit' ? refreshAudit() : null]);
  if (state.current && !state.isNew) await open(state.current);
}

function refreshAudit() {
  return loadAudit($('audit-only-current').checked ? state.current : null).catch((err) => toast(err.message, 'error'));
}

// ---------- new guide ----------

$('new-guide').addEventListener('click', () => {
  $('new-guide-form').hidden = false;
  $('new-id').focus();
});
$('new-guide-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = $('new-id').value.trim();
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) return toast('Mã chỉ gồm chữ thường không dấu, số và dấu gạch ngang, ví dụ dvc-dang-ky-nghia-vu-quan-su.', 'error');
  if (state.guides.some((g) => g.id === id)) return toast(`Đã có hướng dẫn “${id}”.`, 'error');
  state.current = id;
  state.isNew = true;
  state.saved = '';
  state.versionId = undefined;
  editor.disabled = false;
  editor.value = guideTemplate(id);
  setEditorTitle(`Hướng dẫn mới: ${id}`, [badge('bản nháp', 'pending')]);
  $('editor-meta').textContent = 'Điền các trường rồi bấm “Lưu”; lỗi hiện ngay cạnh dòng tương ứng.';
  $('delete').disabled = true;
  $('new-guide-form').hidden = true;
  updateDirty();
  loadVersions(null, {});
  validate().catch(() => undefined);
});

// ---------- wiring ----------

$('guide-filter').addEventListener('input', renderList);
$('save').addEventListener('click', () => save());
$('check').addEventListener('click', async () => {
  await validate();
  if (editor.errors[0]) editor.goToLine(editor.errors[0].line);
  toast(editor.errors.length ? `${editor.errors.length} lỗi, xem cạnh các dòng được đánh dấu.` : 'Không có lỗi.', editor.errors.length ? 'error' : 'ok');
});
$('revert').addEventListener('click', () => {
  editor.value = state.saved;
  updateDirty();
});
confirmClick($('delete'), 'Bấm lần nữa để xoá', remove);
$('publish').addEventListener('click', () => publish());
$('preview-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!state.current) return toast('Hãy chọn hoặc tạo một hướng dẫn.', 'error');
  const button = $('run-preview');
  button.disabled = true;
  $('preview-summary').textContent = 'Đang dựng chỉ mục thử…';
  try {
    const question = $('test-question').value.trim();
    const result = await api(`/api/admin/guides/${encodeURIComponent(state.current)}/preview`, { method: 'POST', json: { markdown: editor.value, question: question || undefined } });
    editor.setErrors(result.errors);
    renderPreview(result, state.current);
  } catch (err) {
    $('preview-summary').textContent = err.message;
  } finally {
    button.disabled = false;
  }
});
for (const tab of document.querySelectorAll('.tab')) {
  tab.addEventListener('click', () => {
    state.tab = tab.dataset.tab;
    for (const other of document.querySelectorAll('.tab')) other.classList.toggle('active', other === tab);
    for (const panel of document.querySelectorAll('.tab-panel')) panel.hidden = panel.id !== `panel-${tab.dataset.tab}`;
    if (state.tab === 'audit') refreshAudit();
  });
}
$('audit-only-current').addEventListener('change', () => refreshAudit());
window.addEventListener('beforeunload', (event) => {
  if (state.current && updateDirty()) event.preventDefault();
});

async function start() {
  await api('/api/admin/knowledge/status'); // checks the token before showing anything
  $('who-name').textContent = author();
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('who').hidden = false;
  await Promise.all([loadList(), loadStatus()]);
  updateDirty();
  const wanted = decodeURIComponent(location.hash.slice(1));
  if (wanted && [...state.guides, ...state.deleted].some((g) => g.id === wanted)) await open(wanted);
  else loadVersions(null, {});
  document.body.dataset.ready = 'true';
}

if (sessionStorage.getItem(STORAGE.token)) start().catch((err) => logout(err.message));
else showLogin();
