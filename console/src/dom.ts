import { fieldLines } from './figures.ts';
import { t } from './i18n.ts';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | ((e: Event) => void) | undefined>;

/** A tiny element builder: text always goes in as text nodes, never as HTML. */
export function h(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const empty = (message: string) => h('p', { class: 'empty' }, message);
export const section = (title: string, ...body: (Child | Child[])[]) => h('section', { class: 'card' }, h('h2', {}, title), ...body);

/** A table with a header row; an empty list shows the given message instead. */
export function table(headers: string[], rows: Child[][], emptyMessage: string, testid?: string): HTMLElement {
  if (rows.length === 0) return empty(emptyMessage);
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { 'data-testid': testid },
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell, i) => h('td', { 'data-label': headers[i] }, cell))))),
    ),
  );
}

export const badge = (text: string, kind = '') => h('span', { class: `badge ${kind}` }, text);
export const statusBadge = (status: string) => badge(t(status), `s-${status.toLowerCase()}`);

/** Shows an error where the view would be: the message, each invalid field (field: message), and a retry on its own line. */
export function errorBox(error: unknown, retry?: () => void): HTMLElement {
  const lines = fieldLines((error as { fields?: Record<string, string> }).fields);
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('p', {}, (error as Error).message ?? String(error)),
    lines.length ? h('ul', { class: 'fields', 'data-testid': 'error-fields' }, lines.map((l) => h('li', {}, l))) : null,
    retry ? h('p', {}, h('button', { type: 'button', onclick: retry }, t('retry'))) : null,
  );
}
