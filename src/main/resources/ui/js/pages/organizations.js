// Organizations through /organization/list, /new, /update, /delete, and their members through
// /organization/info, /organization/member_add and /organization/member_delete. Each has a budget
// (litellm_budget_table), set inline with max_budget and budget_duration.
import { api } from '../api.js';
import { h, money } from '../dom.js';
import { recordsPage } from './records.js';
import { budget } from './forms.js';

const budgetOf = row => row.litellm_budget_table || {};

export const BUDGET_FIELDS = [
  { name: 'max_budget', label: 'Max budget (USD)', kind: 'number', get: row => budgetOf(row).max_budget },
  { name: 'budget_duration', label: 'Budget period', placeholder: '30d, 1h, 1mo', get: row => budgetOf(row).budget_duration },
  { name: 'metadata', label: 'Metadata (JSON object)', kind: 'json', placeholder: '{"owner": "data-team"}' },
];

export function organizationsPage(view) {
  recordsPage(view, {
    id: 'organizations', title: 'Organizations', noun: 'organization',
    list: async () => {
      const rows = await api('GET', '/organization/list');
      return { rows, total: rows.length, pages: 1 };
    },
    key: row => row.organization_id,
    label: row => row.organization_alias || row.organization_id,
    columns: [
      ['Alias', row => row.organization_alias || '—'],
      ['Organization id', row => h('code', null, row.organization_id)],
      ['Models', row => row.models && row.models.length ? row.models.join(', ') : 'all'],
      ['Teams', row => (row.teams || []).map(team => team.team_alias || team.team_id).join(', ') || '—'],
      ['Members', row => String((row.members || []).length), 'members'],
      ['Spend', row => money(row.spend), 'spend'],
      ['Budget', row => budget(budgetOf(row).max_budget, budgetOf(row).budget_duration, money)],
    ],
    createFields: [{ name: 'organization_id', label: 'Organization id (empty: generated)' }],
    fields: [{ name: 'organization_alias', label: 'Alias', required: true },
      { name: 'models', label: 'Models (comma-separated, empty: all)', kind: 'list' }, ...BUDGET_FIELDS],
    create: body => api('POST', '/organization/new', { body }),
    update: (row, body) => api('PATCH', '/organization/update', { body: { organization_id: row.organization_id, ...body } }),
    remove: row => api('DELETE', '/organization/delete', { body: { organization_ids: [row.organization_id] } }),
    members: {
      id: 'organization', roles: ['internal_user', 'org_admin', 'internal_user_viewer'],
      load: async row => ((await api('GET', '/organization/info', { query: { organization_id: row.organization_id } })).members || [])
        .map(member => ({ user_id: member.user_id, role: member.user_role })),
      add: (row, member) => api('POST', '/organization/member_add', { body: { organization_id: row.organization_id, member } }),
      remove: (row, userId) => api('DELETE', '/organization/member_delete', { body: { organization_id: row.organization_id, user_id: userId } }),
    },
  });
}
