// Commune staff page: join codes, direct registration, staff list, tickets and suggestions. Plain ES module;
// the admin token is the one kept in sessionStorage by the dashboard (admin-common.js).
import { $, STORAGE, toast } from './admin-common.js';

const dateTime = new Intl.DateTimeFormat('vi-VN', { dateStyle: 'short', timeStyle: 'short' });
const STATUS = { open: 'chờ nhận', claimed: 'đang trả lời', closed: 'đã đóng' };
const CHANNEL = { zalo: 'Zalo', messenger: 'Messenger' };

async function api(path, options = {}) {
  const res = await fetch(path, {
    ...options,
    headers: { Authorization: `Bearer ${sessionStorage.getItem(STORAGE.token)}`, ...(options.body ? { 'Content-Type': 'application/json' } : {}) },
  });
  if (res.status === 401 || res.status === 403) {
    sessionStorage.removeItem(STORAGE.token);
    showLogin('Mã quản trị không đúng hoặc đã hết phiên.');
    throw new Error('unauthorized');
  }
  const body = res.status === 204 ? null : await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body?.message || `Lỗi ${res.status}`);
  return body;
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  return td;
}

function showLogin(message) {
  $('staff-app').hidden = true;
  $('staff-login').hidden = false;
  $('staff-login-error').hidden = !message;
  $('staff-login-error').textContent = message || '';
}

function fillCommunes(select, communes) {
  select.replaceChildren(new Option('Tổ hỗ trợ chung của tỉnh', ''), ...communes.map((c) => new Option(c.name, c.code)));
}

async function load() {
  const { staff, communes } = await api('/api/admin/staff');
  $('staff-login').hidden = true;
  $('staff-app').hidden = false;
  fillCommunes($('code-commune'), communes);
  fillCommunes($('staff-commune'), communes);
  $('staff-list').replaceChildren(
    ...staff.map((s) => {
      const tr = document.createElement('tr');
      const remove = document.createElement('button');
      remove.textContent = 'Xoá';
      remove.addEventListener('click', async () => {
        if (!confirm(`Xoá cán bộ ${s.name}?`)) return;
        await api(`/api/admin/staff/${s.id}`, { method: 'DELETE' }).then(load).catch((e) => toast(e.message));
      });
      const actions = document.createElement('td');
      actions.append(remove);
      tr.append(cell(s.name), cell(s.commune || 'Tổ hỗ trợ chung của tỉnh'), cell(CHANNEL[s.channel] || s.channel), cell(s.via === 'join_code' ? 'mã cán bộ' : 'quản trị viên'), actions);
      return tr;
    }),
  );
  const { tickets } = await api('/api/admin/staff/tickets?limit=100');
  $('ticket-list').replaceChildren(
    ...tickets.map((t) => {
      const tr = document.createElement('tr');
      tr.append(cell(`#${t.id}`), cell(STATUS[t.status]), cell(t.commune || '—'), cell(CHANNEL[t.channel] || t.channel), cell(t.question || ''), cell(dateTime.format(new Date(t.createdAt))));
      return tr;
    }),
  );
  const { suggestions } = await api('/api/admin/staff/suggestions');
  $('suggestion-list').replaceChildren(
    ...suggestions.map((s) => {
      const li = document.createElement('li');
      const q = document.createElement('strong');
      q.textContent = s.question;
      const a = document.createElement('p');
      a.textContent = s.answer;
      const meta = document.createElement('small');
      meta.textContent = `${s.staffName} · ${s.commune || 'tổ hỗ trợ chung'} · phiếu #${s.ticketId} · ${dateTime.format(new Date(s.at))}`;
      li.append(q, a, meta);
      return li;
    }),
  );
}

$('staff-login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(STORAGE.token, $('staff-token').value.trim());
  load().catch((err) => err.message !== 'unauthorized' && toast(err.message));
});

$('code-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const body = { communeCode: $('code-commune').value || null, name: $('code-name').value, ttlHours: Number($('code-ttl').value) };
    const created = await api('/api/admin/staff/join-codes', { method: 'POST', body: JSON.stringify(body) });
    $('code-result').hidden = false;
    $('code-result').textContent = `${created.message} (hết hạn ${dateTime.format(new Date(created.expiresAt))})`;
  } catch (err) {
    if (err.message !== 'unauthorized') toast(err.message);
  }
});

$('staff-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const body = { channel: $('staff-channel').value, platformUserId: $('staff-user').value.trim(), communeCode: $('staff-commune').value || null, name: $('staff-name').value };
    await api('/api/admin/staff', { method: 'POST', body: JSON.stringify(body) });
    e.target.reset();
    toast('Đã thêm cán bộ.');
    await load();
  } catch (err) {
    if (err.message !== 'unauthorized') toast(err.message);
  }
});

if (sessionStorage.getItem(STORAGE.token)) load().catch((err) => (err.message === 'unauthorized' ? null : toast(err.message)));
else showLogin();
