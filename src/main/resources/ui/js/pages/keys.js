// Virtual keys through /key/list, /key/generate, /key/block, /key/unblock and /key/delete.
import { api } from '../api.js';
import { editKey } from './keyedit.js';
import { h, replace, errorBox, loading, money, num, count, when, field, table } from '../dom.js';

export function keysPage(view) {
  const list = h('div', { id: 'keys-list' });
  const editor = h('div', { id: 'key-editor' });
  const created = h('div', { id: 'key-created', 'aria-live': 'polite' });
  const filters = h('form', { class: 'filters', id: 'keys-filter' },
    field('Alias', 'key_alias', { placeholder: 'exact alias' }),
    field('Team id', 'team_id'),
    field('User id', 'user_id'),
    h('label', { class: 'field', for: 'f-key-status' }, h('span', null, 'Status'),
      h('select', { id: 'f-key-status', name: 'status' }, h('option', { value: '' }, 'all'),
        h('option', { value: 'active' }, 'active'), h('option', { value: 'blocked' }, 'blocked'))),
    h('button', { type: 'submit' }, 'Search'));
  const refresh = () => load(list, new FormData(filters), { secret: key => showSecret(created, key),
    edit: key => editKey(editor, key, refresh) });
  filters.addEventListener('submit', event => {
    event.preventDefault();
    refresh();
  });
  replace(view,
    h('h1', null, 'Keys'),
    created,
    createForm(created, refresh),
    h('section', { class: 'card' }, h('h2', null, 'Keys'), filters, list),
    editor);
  refresh();
}

async function load(list, filters, on) {
  replace(list, loading('keys'));
  try {
    const page = await api('GET', '/key/list', { query: {
      return_full_object: 'true', size: 100, key_alias: filters.get('key_alias'),
      team_id: filters.get('team_id'), user_id: filters.get('user_id') } });
    const reload = () => load(list, filters, on);
    // /key/list has no blocked filter: this one narrows the page it answered.
    const status = filters.get('status');
    const keys = page.keys.filter(key => !status || (status === 'blocked') === Boolean(key.blocked));
    replace(list,
      h('p', { class: 'muted' }, count(page.total_count, 'key') + (page.total_count > page.keys.length ? ', the newest ' + page.keys.length + ' shown' : '')),
      table(['Alias', 'Key', 'Team', 'User', 'Models', 'Spend', 'Budget', 'Limits', 'Expires', 'Status', ''],
        keys.map(key => row(key, reload, on)), status ? 'No ' + status + ' keys on this page.' : 'No keys yet: create one above.'));
  } catch (e) {
    replace(list, errorBox(e));
  }
}

function row(key, reload, on) {
  const actions = h('td', { class: 'actions' });
  const status = h('td', null, key.blocked ? h('span', { class: 'badge bad' }, 'blocked') : h('span', { class: 'badge ok' }, 'active'));
  const act = async (path, body) => {
    try {
      await api('POST', path, { body });
      reload();
    } catch (e) {
      replace(actions, errorBox(e));
    }
  };
  const buttons = () => replace(actions,
    h('button', { type: 'button', class: 'block', onclick: () => act(key.blocked ? '/key/unblock' : '/key/block', { key: key.token }) },
      key.blocked ? 'Unblock' : 'Block'),
    h('button', { type: 'button', class: 'edit', onclick: () => on.edit(key) }, 'Edit'),
    h('button', { type: 'button', class: 'regenerate', onclick: confirmRegenerate }, 'Regenerate'),
    h('button', { type: 'button', class: 'danger delete', onclick: confirmDelete }, 'Delete'));
  function confirmRegenerate() {
    const grace = h('input', { class: 'grace', 'aria-label': 'Old value keeps working for', placeholder: 'grace, e.g. 24h', size: '10' });
    replace(actions, h('span', null, 'New value for ' + (key.key_alias || key.key_name) + '; old one works for '), grace, ' ',
      h('button', { type: 'button', class: 'confirm-regenerate', onclick: async () => {
        try {
          const renewed = await api('POST', '/key/regenerate', { body: { key: key.token, grace_period: grace.value.trim() || undefined } });
          on.secret(renewed);
          reload();
        } catch (e) {
          replace(actions, errorBox(e));
        }
      } }, 'Regenerate'),
      h('button', { type: 'button', onclick: buttons }, 'Cancel'));
    grace.focus();
  }
  function confirmDelete() {
    replace(actions, h('span', null, 'Delete ' + (key.key_alias || key.key_name) + '? '),
      h('button', { type: 'button', class: 'danger confirm-delete', onclick: () => act('/key/delete', { keys: [key.token] }) }, 'Delete for good'),
      h('button', { type: 'button', onclick: buttons }, 'Cancel'));
    actions.querySelector('.confirm-delete').focus();
  }
  buttons();
  const limits = [key.rpm_limit && key.rpm_limit + ' rpm', key.tpm_limit && key.tpm_limit + ' tpm',
    key.max_parallel_requests && key.max_parallel_requests + ' parallel'].filter(Boolean).join(', ') || '—';
  return h('tr', { 'data-alias': key.key_alias || '', 'data-token': key.token },
    h('td', null, key.key_alias || '—'),
    h('td', null, h('code', null, key.key_name || key.token.slice(0, 10))),
    h('td', null, key.team_id || '—'),
    h('td', null, key.user_id || '—'),
    h('td', null, key.models && key.models.length ? key.models.join(', ') : 'all'),
    h('td', { class: 'spend' }, money(key.spend)),
    h('td', null, key.max_budget == null ? '—' : money(key.max_budget) + (key.budget_duration ? ' / ' + key.budget_duration : '')),
    h('td', null, limits),
    h('td', null, when(key.expires)),
    status,
    actions);
}

const NUMBERS = ['max_budget', 'rpm_limit', 'tpm_limit', 'max_parallel_requests'];

function createForm(created, refresh) {
  const message = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'grid', id: 'key-create' },
    field('Alias', 'key_alias'),
    field('Models (comma-separated, empty: all)', 'models', { placeholder: 'gpt-4o-mini, claude' }),
    field('Max budget (USD)', 'max_budget', { type: 'number', min: '0', step: 'any' }),
    field('Budget period', 'budget_duration', { placeholder: '30d, 1h, 1mo' }),
    field('Requests per minute', 'rpm_limit', { type: 'number', min: '0', step: '1' }),
    field('Tokens per minute', 'tpm_limit', { type: 'number', min: '0', step: '1' }),
    field('Parallel requests', 'max_parallel_requests', { type: 'number', min: '0', step: '1' }),
    field('Expires after', 'duration', { placeholder: '30d (empty: never)' }),
    field('Team id', 'team_id'),
    field('User id', 'user_id'),
    field('Metadata (JSON object)', 'metadata', { tag: 'textarea', rows: '2', placeholder: '{"owner": "data-team"}' }),
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'key-create-submit' }, 'Create key')),
    message);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    replace(message);
    let body;
    try {
      body = requestBody(new FormData(form));
    } catch (e) {
      replace(message, errorBox(e));
      return;
    }
    try {
      const key = await api('POST', '/key/generate', { body });
      form.reset();
      showSecret(created, key);
      refresh();
    } catch (e) {
      replace(message, errorBox(e));
    }
  });
  return h('details', { class: 'card' }, h('summary', { id: 'key-create-open' }, 'Create a key'), form);
}

function requestBody(data) {
  const body = {};
  for (const [name, raw] of data.entries()) {
    const value = String(raw).trim();
    if (!value) continue;
    if (name === 'models') body.models = value.split(',').map(model => model.trim()).filter(Boolean);
    else if (NUMBERS.includes(name)) body[name] = Number(value);
    else if (name === 'metadata') {
      try {
        body.metadata = JSON.parse(value);
      } catch (e) {
        throw new Error('Metadata must be a JSON object: ' + e.message);
      }
      if (typeof body.metadata !== 'object' || Array.isArray(body.metadata) || body.metadata === null) {
        throw new Error('Metadata must be a JSON object, such as {"owner": "data-team"}.');
      }
    } else body[name] = value;
  }
  return body;
}

/** The one time the key's value is shown: nothing keeps it after this panel is closed. */
function showSecret(created, key) {
  const secret = h('input', { id: 'new-key-secret', readonly: true, value: key.key, 'aria-label': 'The new key', spellcheck: 'false' });
  const copied = h('span', { class: 'muted', 'aria-live': 'polite' });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret.value);
    } catch (unavailable) {
      secret.select();
      document.execCommand('copy');
    }
    copied.textContent = 'Copied.';
  };
  replace(created, h('section', { class: 'card secret', role: 'alert' },
    h('h2', null, 'Key ' + (key.key_alias || '') + ' created'),
    h('p', null, 'Copy it now: it is shown only this once, and the gateway keeps only its hash.'),
    h('div', { class: 'row' }, secret,
      h('button', { type: 'button', id: 'new-key-copy', onclick: copy }, 'Copy'),
      h('button', { type: 'button', onclick: () => replace(created) }, 'Done'), copied)));
  secret.select();
}
