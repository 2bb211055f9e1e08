// The Markdown editor of one guide: a textarea with line numbers, each validation error shown next to the
// line of its field (title, questions.3, sources.0.url, a section heading…), and the same errors as a list
// under the editor. Lines never wrap, so a line number always maps to one row.
import { $, h } from './admin-common.js';

const LINE_HEIGHT = 20;
const PAD_TOP = 8;

const FIELD_LABEL = {
  id: 'mã (id)',
  title: 'tiêu đề',
  group: 'nhóm',
  indicator: 'chỉ số',
  summary: 'tóm tắt',
  questions: 'câu hỏi mẫu',
  keywords: 'từ khoá',
  sources: 'nguồn',
  updated: 'ngày cập nhật',
  body: 'nội dung',
  version: 'phiên bản',
  'front-matter': 'front-matter',
};

export function fieldLabel(field) {
  const [head, index, sub] = field.split('.');
  const base = FIELD_LABEL[head] ?? head;
  if (index === undefined) return base;
  return `${base} số ${Number(index) + 1}${sub ? ` (${sub})` : ''}`;
}

export class GuideEditor {
  constructor({ onInput }) {
    this.textarea = $('markdown');
    this.gutter = $('gutter');
    this.annotations = $('annotations');
    this.errorList = $('error-list');
    this.errors = [];
    this.textarea.addEventListener('input', () => {
      this.renderGutter();
      onInput?.();
    });
    this.textarea.addEventListener('scroll', () => this.syncScroll());
  }

  get value() {
    return this.textarea.value;
  }

  set value(text) {
    this.textarea.value = text;
    this.textarea.scrollTop = 0;
    this.setErrors([]);
  }

  set disabled(v) {
    this.textarea.disabled = v;
  }

  lineCount() {
    return this.textarea.value.split('\n').length;
  }

  renderGutter() {
    const errorLines = new Set(this.errors.map((e) => e.line));
    const n = this.lineCount();
    const rows = [];
    for (let i = 1; i <= n; i++) rows.push(h('div', { class: errorLines.has(i) ? 'ln has-error' : 'ln' }, String(i)));
    this.gutter.replaceChildren(h('div', { class: 'gutter-inner', style: `padding-top:${PAD_TOP}px` }, rows));
    this.syncScroll();
  }

  syncScroll() {
    const y = this.textarea.scrollTop;
    const inner = this.gutter.firstElementChild;
    if (inner) inner.style.transform = `translateY(${-y}px)`;
    const layer = this.annotations.firstElementChild;
    if (layer) layer.style.transform = `translateY(${-y}px)`;
  }

  /** Shows `errors` ({field, message, line}) next to their lines and in the list under the editor. */
  setErrors(errors) {
    this.errors = errors;
    let nextFree = 0;
    const notes = errors.map((e) => {
      const top = Math.max(PAD_TOP + (e.line - 1) * LINE_HEIGHT, nextFree);
      nextFree = top + LINE_HEIGHT * 2 + 4;
      return h('div', {
        class: 'field-error',
        role: 'note',
        dataset: { field: e.field, line: String(e.line) },
        style: `top:${top}px`,
        title: e.message,
        onclick: () => this.goToLine(e.line),
      }, h('strong', {}, `${fieldLabel(e.field)}: `), e.message);
    });
    this.annotations.replaceChildren(h('div', { class: 'annotation-layer' }, notes));
    this.errorList.replaceChildren(...errors.map((e) =>
      h('li', { dataset: { field: e.field } },
        h('button', { type: 'button', class: 'link-button', onclick: () => this.goToLine(e.line) }, `Dòng ${e.line}`),
        ' · ', h('strong', {}, fieldLabel(e.field)), ` (${e.field}): ${e.message}`)));
    this.errorList.hidden = errors.length === 0;
    this.textarea.classList.toggle('invalid', errors.length > 0);
    this.renderGutter();
  }

  goToLine(line) {
    const lines = this.textarea.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    this.textarea.focus();
    this.textarea.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    this.textarea.scrollTop = Math.max(0, (line - 4) * LINE_HEIGHT);
    this.syncScroll();
  }
}

/** A new guide's starting text: the front-matter fields and the required sections, to fill in. */
export function guideTemplate(id) {
  const today = new Date().toISOString().slice(0, 10);
  return `---
id: ${id}
title: 
group: dvc06
indicator: ty-le-ho-so-truc-tuyen-25-tthc
summary: >-
  
questions:
  - 
keywords: []
sources:
  - title: Cổng Dịch vụ công quốc gia
    url: https://dichvucong.gov.vn
updated: ${today}
---

## Ai làm được


## Làm ở đâu


## Giấy tờ cần có


## Các bước

1. 

## Lệ phí


## Thời gian giải quyết


## Vướng mắc thường gặp

`;
}
