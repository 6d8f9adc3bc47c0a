// Users through /user/list (paged), /user/new, /user/update and /user/delete. /user/new makes a key for the
// user, as LiteLLM's does; its value is shown here once.
import { api } from '../api.js';
import { h, replace, money } from '../dom.js';
import { recordsPage } from './records.js';
import { budget, limits } from './forms.js';
import { LIMIT_FIELDS } from './teams.js';

const PAGE_SIZE = 25;

export function usersPage(view) {
  recordsPage(view, {
    id: 'users', title: 'Users', noun: 'user',
    list: async page => {
      const answer = await api('GET', '/user/list', { query: { page, page_size: PAGE_SIZE } });
      return { rows: answer.users, total: answer.total, pages: answer.total_pages };
    },
    key: row => row.user_id,
    label: row => row.user_alias || row.user_email || row.user_id,
    columns: [
      ['User id', row => h('code', null, row.user_id)],
      ['Alias', row => row.user_alias || '—'],
      ['E-mail', row => row.user_email || '—'],
      ['Role', row => row.user_role || '—'],
      ['Models', row => row.models && row.models.length ? row.models.join(', ') : 'all'],
      ['Spend', row => money(row.spend), 'spend'],
      ['Budget', row => budget(row.max_budget, row.budget_duration, money)],
      ['Limits', limits],
    ],
    createFields: [{ name: 'user_id', label: 'User id (empty: generated)' }],
    fields: [{ name: 'user_alias', label: 'Alias' }, { name: 'user_email', label: 'E-mail', type: 'email' },
      { name: 'user_role', label: 'Role', kind: 'choice',
        options: ['', 'proxy_admin', 'proxy_admin_viewer', 'internal_user', 'internal_user_viewer'] },
      ...LIMIT_FIELDS],
    create: body => api('POST', '/user/new', { body }),
    created: user => user.key ? keyOnce(user) : null,
    update: (row, body) => api('POST', '/user/update', { body: { user_id: row.user_id, ...body } }),
    remove: row => api('POST', '/user/delete', { body: { user_ids: [row.user_id] } }),
  });
}

/** The key /user/new made, shown this once (the gateway keeps only its hash). */
function keyOnce(user) {
  const box = h('section', { class: 'card secret', role: 'alert' },
    h('h2', null, 'User ' + (user.user_alias || user.user_id) + ' created, with a key'),
    h('p', null, 'Copy the key now: it is shown only this once.'),
    h('div', { class: 'row' }, h('input', { id: 'new-user-key', readonly: true, value: user.key, 'aria-label': 'The user\'s key', spellcheck: 'false' }),
      h('button', { type: 'button', onclick: () => replace(box) }, 'Done')));
  return box;
}
