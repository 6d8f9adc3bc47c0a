// Customers (LiteLLM's end users) through /customer/list, /new, /update, /delete, /block and /unblock;
// a budget is set inline (max_budget, budget_duration), as the API makes one for the customer.
import { api } from '../api.js';
import { h, money } from '../dom.js';
import { recordsPage } from './records.js';
import { budget } from './forms.js';
import { BUDGET_FIELDS } from './organizations.js';

export function customersPage(view) {
  recordsPage(view, {
    id: 'customers', title: 'Customers', noun: 'customer',
    empty: 'No customers yet: create one above, or send a request naming one (user, or x-litellm-customer-id).',
    list: async () => {
      const rows = await api('GET', '/customer/list');
      return { rows, total: rows.length, pages: 1 };
    },
    key: row => row.user_id,
    label: row => row.alias || row.user_id,
    columns: [
      ['Customer id', row => h('code', null, row.user_id)],
      ['Alias', row => row.alias || '—'],
      ['Spend', row => money(row.spend), 'spend'],
      ['Budget', row => row.litellm_budget_table
        ? budget(row.litellm_budget_table.max_budget, row.litellm_budget_table.budget_duration, money) : '—'],
      ['Status', row => row.blocked ? h('span', { class: 'badge bad' }, 'blocked') : h('span', { class: 'badge ok' }, 'active')],
    ],
    createFields: [{ name: 'user_id', label: 'Customer id', required: true }],
    fields: [{ name: 'alias', label: 'Alias' }, ...BUDGET_FIELDS],
    create: body => api('POST', '/customer/new', { body }),
    update: (row, body) => api('POST', '/customer/update', { body: { user_id: row.user_id, ...body } }),
    remove: row => api('POST', '/customer/delete', { body: { user_ids: [row.user_id] } }),
    actions: row => [{ label: row.blocked ? 'Unblock' : 'Block', cls: 'toggle-block',
      run: () => api('POST', row.blocked ? '/customer/unblock' : '/customer/block', { body: { user_ids: [row.user_id] } }) }],
  });
}
