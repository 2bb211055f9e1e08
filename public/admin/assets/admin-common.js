// Shared helpers of the admin pages (dashboard, guide editor, commune staff): the stored token and name,
// API calls with them, element building, toasts, dates, the login panel.

export const STORAGE = { token: 'admin.token', actor: 'admin.actor' };
export const DEFAULT_AUTHOR = 'quản trị viên';
export const $ = (id) => document.getElementById(id);
export const dateTime = new Intl.DateTimeFormat('vi-VN', { dateStyle: 'short', timeStyle: 'medium' });
export const formatTime = (iso) => (iso ? dateTime.format(new Date(iso)) : '–');

export class ApiError extends Error {
  constructor(status, body) {
    super(body.message || `Lỗi ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function author() {
  return sessionStorage.getItem(STORAGE.actor) || DEFAULT_AUTHOR;
}

let onUnauthorized = () => undefined;
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

/** JSON request to the admin API. Browsers cannot put Vietnamese in a header, so the name is percent-encoded. */
export async function api(path, { method = 'GET', json } = {}) {
  const headers = {
    Authorization: `Bearer ${sessionStorage.getItem(STORAGE.token)}`,
    'X-Admin-Name': encodeURIComponent(author()),
  };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const body = await res.json().catch(() => ({}));
  if (res.status === 401 || res.status === 403) {
    onUnauthorized(body.message || 'Phiên đăng nhập không còn hiệu lực.');
    throw new ApiError(res.status, body);
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'style') node.style.cssText = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

export function toast(message, kind = 'ok') {
  const t = $('toast');
  t.textContent = message;
  t.className = `toast ${kind}`;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 6000);
}

/** A button that needs a second click within a few seconds (no blocking confirm() dialogs). */
export function confirmClick(button, question, action) {
  const label = button.textContent;
  button.addEventListener('click', async () => {
    if (button.dataset.armed !== 'true') {
      button.dataset.armed = 'true';
      button.textContent = question;
      setTimeout(() => {
        button.dataset.armed = '';
        button.textContent = label;
      }, 4000);
      return;
    }
    button.dataset.armed = '';
    button.textContent = label;
    await action();
  });
}

export const ACTION_LABEL = {
  create: 'tạo mới',
  update: 'sửa',
  delete: 'xoá',
  rollback: 'khôi phục',
  publish: 'xuất bản',
  publish_failed: 'xuất bản thất bại',
};

export const STATUS_LABEL = { answered: 'trả lời', uncovered: 'chưa trả lời được', smalltalk: 'chào hỏi' };

/** Shows the login panel of the dashboard and guide editor pages (the same element ids on both). */
export function showLogin(message) {
  $('app-view').hidden = true;
  $('who').hidden = true;
  $('login-view').hidden = false;
  $('login-error').hidden = !message;
  $('login-error').textContent = message || '';
  $('login-actor').value = sessionStorage.getItem(STORAGE.actor) || '';
}

export function logout(message) {
  sessionStorage.removeItem(STORAGE.token);
  showLogin(message);
}
