// Web chat page of the assistant: talks to POST /chat/api/messages, which answers with the bot's replies.
(() => {
  'use strict';
  const log = document.getElementById('log');
  const choicesBox = document.getElementById('choices');
  const form = document.getElementById('form');
  const input = document.getElementById('input');
  const sendButton = form.querySelector('button');

  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`).replace(/[^A-Za-z0-9_-]/g, '');
  const stored = (key) => {
    let v = sessionStorage.getItem(key);
    if (!v) sessionStorage.setItem(key, (v = newId()));
    return v;
  };
  const conversationId = stored('tro-ly-conversation');
  const userId = stored('tro-ly-user');

  /** Text with clickable http(s) links, built from text nodes only (no HTML from the server). */
  function appendText(el, text) {
    const urlPattern = /https?:\/\/[^\s)]+/g;
    let last = 0;
    for (const m of text.matchAll(urlPattern)) {
      el.append(text.slice(last, m.index));
      const a = document.createElement('a');
      a.href = m[0];
      a.textContent = m[0];
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      el.append(a);
      last = m.index + m[0].length;
    }
    el.append(text.slice(last));
  }

  function addMessage(who, text) {
    const li = document.createElement('li');
    li.className = `msg msg--${who}`;
    appendText(li, text);
    log.append(li);
    li.scrollIntoView({ block: 'nearest' });
    return li;
  }

  function showChoices(actions) {
    choicesBox.replaceChildren();
    for (const action of actions) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = action.title;
      b.addEventListener('click', () => send({ text: action.title, payload: String(action.value) }, action.title));
      choicesBox.append(b);
    }
  }

  async function send(message, shownText) {
    if (shownText) addMessage('user', shownText);
    choicesBox.replaceChildren();
    sendButton.disabled = true;
    const typing = addMessage('bot msg--typing', 'Trợ lý đang trả lời…');
    try {
      const res = await fetch('/chat/api/messages', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ conversationId, userId, ...message }),
      });
      typing.remove();
      if (!res.ok) {
        const err = await res.json().catch(() => ({}));
        addMessage('bot', err.message || 'Xin lỗi, trợ lý đang gặp sự cố. Bạn thử lại sau nhé.');
        return;
      }
      const body = await res.json();
      let actions = [];
      let first;
      for (const a of body.activities || []) {
        if (a.type !== 'message') continue;
        if (a.text) {
          const li = addMessage('bot', a.text);
          first = first || li;
        }
        if (a.suggestedActions && a.suggestedActions.actions) actions = a.suggestedActions.actions;
      }
      showChoices(actions);
      // A long answer is read from its beginning.
      if (first) first.scrollIntoView({ block: 'start' });
    } catch {
      typing.remove();
      addMessage('bot', 'Không kết nối được tới trợ lý. Bạn kiểm tra mạng rồi thử lại nhé.');
    } finally {
      sendButton.disabled = false;
      input.focus();
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    send({ text }, text);
  });

  send({ start: true });
})();
