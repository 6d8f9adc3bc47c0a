// Record forms for the admin API (teams, users, organizations, customers): each field declared once with
// its kind; a new record sends only what was filled in, an edit only what changed (a cleared limit as null).
import { h, field } from '../dom.js';

const NUMERIC = ['number', 'whole'];

/** spec: {name, label, kind: text | number | whole | list | json | choice, options, placeholder, get(row)}. */
export function input(spec, prefix, row) {
  const id = prefix + spec.name;
  const value = row ? shown(spec, row) : '';
  if (spec.kind === 'choice') {
    const options = value && !spec.options.includes(value) ? [...spec.options, value] : spec.options;
    return h('label', { class: 'field', for: 'f-' + id }, h('span', null, spec.label),
      h('select', { id: 'f-' + id, name: id }, options.map(option =>
        h('option', { value: option, selected: option === value || undefined }, option || '—'))));
  }
  const numeric = NUMERIC.includes(spec.kind);
  return field(spec.label, id, {
    value, placeholder: spec.placeholder, required: spec.required,
    tag: spec.kind === 'json' ? 'textarea' : undefined, rows: spec.kind === 'json' ? '2' : undefined,
    type: numeric ? 'number' : spec.type, min: numeric ? '0' : undefined,
    step: spec.kind === 'whole' ? '1' : numeric ? 'any' : undefined });
}

/** The field's current value as the form shows it. */
export function shown(spec, row) {
  const value = spec.get ? spec.get(row) : row[spec.name];
  if (value === null || value === undefined) return '';
  if (spec.kind === 'list') return (value || []).join(', ');
  if (spec.kind === 'json') return Object.keys(value).length ? JSON.stringify(value) : '';
  return String(value);
}

function parsed(spec, text) {
  if (spec.kind === 'list') return text ? text.split(',').map(item => item.trim()).filter(Boolean) : [];
  if (NUMERIC.includes(spec.kind)) {
    if (text === '') return null;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0 || (spec.kind === 'whole' && !Number.isInteger(value))) {
      throw new Error(spec.label + ' must be a ' + (spec.kind === 'whole' ? 'whole ' : '') + 'number of at least 0.');
    }
    return value;
  }
  if (spec.kind === 'json') {
    let value;
    try {
      value = text ? JSON.parse(text) : {};
    } catch (e) {
      throw new Error(spec.label + ' must be a JSON object: ' + e.message);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(spec.label + ' must be a JSON object, such as {"owner": "data-team"}.');
    }
    return value;
  }
  return text === '' ? null : text;
}

function text(form, id) {
  return String(form.elements[id].value).trim();
}

/** What a new record's form holds: the filled-in fields only. */
export function createBody(specs, form, prefix) {
  const body = {};
  for (const spec of specs) {
    const value = text(form, prefix + spec.name);
    if (value !== '') body[spec.name] = parsed(spec, value);
  }
  return body;
}

/** What an edit changed: each field whose text differs from the record's. */
export function changedBody(specs, form, prefix, row) {
  const body = {};
  for (const spec of specs) {
    const value = text(form, prefix + spec.name);
    if (value !== shown(spec, row)) body[spec.name] = parsed(spec, value);
  }
  return body;
}

/** Budget column of a record: "$10.00 / 30d", or a dash. */
export function budget(maxBudget, period, money) {
  return maxBudget === null || maxBudget === undefined ? '—' : money(maxBudget) + (period ? ' / ' + period : '');
}

export function limits(row) {
  return [row.rpm_limit != null && row.rpm_limit + ' rpm', row.tpm_limit != null && row.tpm_limit + ' tpm',
    row.max_parallel_requests != null && row.max_parallel_requests + ' parallel'].filter(Boolean).join(', ') || '—';
}
