// Editing a key through /key/update: only the fields that changed are sent; a cleared limit is sent as null.
import { api } from '../api.js';
import { h, replace, errorBox, field } from '../dom.js';

const NUMBERS = ['max_budget', 'rpm_limit', 'tpm_limit', 'max_parallel_requests'];
const TEXTS = ['key_alias', 'budget_duration'];

function shown(key, name) {
  const value = key[name];
  if (name === 'models') return (value || []).join(', ');
  if (name === 'metadata') return value && Object.keys(value).length ? JSON.stringify(value) : '';
  return value === null || value === undefined ? '' : String(value);
}

function parsed(name, text) {
  if (name === 'models') return text ? text.split(',').map(model => model.trim()).filter(Boolean) : [];
  if (NUMBERS.includes(name)) return text === '' ? null : Number(text);
  if (name === 'metadata') {
    let value;
    try {
      value = text ? JSON.parse(text) : {};
    } catch (e) {
      throw new Error('Metadata must be a JSON object: ' + e.message);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('Metadata must be a JSON object.');
    return value;
  }
  return text === '' ? null : text;
}

/** Shows the edit form for {@code key} in {@code panel}; {@code saved} runs after a successful update. */
export function editKey(panel, key, saved) {
  const names = [...TEXTS.slice(0, 1), 'models', 'max_budget', 'budget_duration', 'rpm_limit', 'tpm_limit', 'max_parallel_requests', 'metadata'];
  const labels = { key_alias: 'Alias', models: 'Models (comma-separated, empty: all)', max_budget: 'Max budget (USD)',
    budget_duration: 'Budget period', rpm_limit: 'Requests per minute', tpm_limit: 'Tokens per minute',
    max_parallel_requests: 'Parallel requests', metadata: 'Metadata (JSON object)' };
  const message = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'grid', id: 'key-edit' },
    names.map(name => field(labels[name], 'edit-' + name, {
      value: shown(key, name), tag: name === 'metadata' ? 'textarea' : 'input',
      type: NUMBERS.includes(name) ? 'number' : undefined, step: NUMBERS.includes(name) ? 'any' : undefined })),
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'key-edit-save' }, 'Save'),
      h('button', { type: 'button', onclick: () => replace(panel) }, 'Cancel')),
    message);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const body = { key: key.token };
    try {
      for (const name of names) {
        const text = form.elements['edit-' + name].value.trim();
        if (text !== shown(key, name)) body[name] = parsed(name, text);
      }
    } catch (e) {
      replace(message, errorBox(e));
      return;
    }
    if (Object.keys(body).length === 1) {
      replace(message, h('p', { class: 'muted' }, 'Nothing changed.'));
      return;
    }
    try {
      await api('POST', '/key/update', { body });
      replace(panel);
      saved();
    } catch (e) {
      replace(message, errorBox(e));
    }
  });
  replace(panel, h('section', { class: 'card' }, h('h2', null, 'Edit ' + (key.key_alias || key.key_name)), form));
  form.elements['edit-key_alias'].focus();
}
