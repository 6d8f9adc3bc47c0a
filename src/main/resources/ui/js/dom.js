// A few DOM helpers: elements built in code, text always as text (never parsed as HTML).

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'value' || name === 'checked') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, error.message || String(error));
}

export function loading(what) {
  return h('p', { class: 'muted', role: 'status' }, 'Loading ' + what + '…');
}

export function money(value) {
  if (value === null || value === undefined) return '—';
  const amount = Number(value);
  return '$' + (amount === 0 || amount >= 1 ? amount.toFixed(2) : amount.toPrecision(3));
}

export function num(value) {
  return value === null || value === undefined ? '—' : Number(value).toLocaleString('en-US');
}

/** "1 key", "2 keys". */
export function count(n, noun) {
  return num(n) + ' ' + noun + (n === 1 ? '' : 's');
}

export function when(value) {
  if (!value) return '—';
  const date = new Date(value);
  return isNaN(date) ? String(value) : date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/** A labelled input; extra attributes go on the input. */
export function field(label, name, attrs = {}) {
  const id = 'f-' + name;
  return h('label', { class: 'field', for: id }, h('span', null, label),
    h(attrs.tag || 'input', { id, name, ...attrs, tag: undefined }));
}

export function table(headers, rows, empty) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'scroll' }, h('table', null,
    h('thead', null, h('tr', null, headers.map(name => h('th', { scope: 'col' }, name)))),
    h('tbody', null, rows)));
}
