// Teams through /team/list, /team/new, /team/update, /team/delete, /team/block, /team/unblock and members
// through /team/info, /team/member_add and /team/member_delete.
import { api } from '../api.js';
import { h, money } from '../dom.js';
import { recordsPage } from './records.js';
import { budget, limits } from './forms.js';

export const LIMIT_FIELDS = [
  { name: 'models', label: 'Models (comma-separated, empty: all)', kind: 'list', placeholder: 'gpt-4o-mini, claude' },
  { name: 'max_budget', label: 'Max budget (USD)', kind: 'number' },
  { name: 'budget_duration', label: 'Budget period', placeholder: '30d, 1h, 1mo' },
  { name: 'rpm_limit', label: 'Requests per minute', kind: 'whole' },
  { name: 'tpm_limit', label: 'Tokens per minute', kind: 'whole' },
  { name: 'max_parallel_requests', label: 'Parallel requests', kind: 'whole' },
  { name: 'metadata', label: 'Metadata (JSON object)', kind: 'json', placeholder: '{"owner": "data-team"}' },
];

function status(row) {
  return row.blocked ? h('span', { class: 'badge bad' }, 'blocked') : h('span', { class: 'badge ok' }, 'active');
}

export function teamsPage(view) {
  recordsPage(view, {
    id: 'teams', title: 'Teams', noun: 'team',
    list: async () => {
      const teams = await api('GET', '/team/list');
      return { rows: teams, total: teams.length, pages: 1 };
    },
    key: row => row.team_id,
    label: row => row.team_alias || row.team_id,
    columns: [
      ['Alias', row => row.team_alias || '—'],
      ['Team id', row => h('code', null, row.team_id)],
      ['Models', row => row.models && row.models.length ? row.models.join(', ') : 'all'],
      ['Members', row => String((row.members_with_roles || []).length), 'members'],
      ['Spend', row => money(row.spend), 'spend'],
      ['Budget', row => budget(row.max_budget, row.budget_duration, money)],
      ['Limits', limits],
      ['Organization', row => row.organization_id || '—'],
      ['Status', status],
    ],
    createFields: [{ name: 'team_id', label: 'Team id (empty: generated)' }],
    fields: [{ name: 'team_alias', label: 'Alias' }, ...LIMIT_FIELDS,
      { name: 'organization_id', label: 'Organization id' }],
    create: body => api('POST', '/team/new', { body }),
    update: (row, body) => api('POST', '/team/update', { body: { team_id: row.team_id, ...body } }),
    remove: row => api('POST', '/team/delete', { body: { team_ids: [row.team_id] } }),
    actions: row => [{ label: row.blocked ? 'Unblock' : 'Block', cls: 'toggle-block',
      run: () => api('POST', row.blocked ? '/team/unblock' : '/team/block', { body: { team_id: row.team_id } }) }],
    members: {
      id: 'team', roles: ['user', 'admin'],
      load: async row => (await api('GET', '/team/info', { query: { team_id: row.team_id } })).team_info.members_with_roles || [],
      add: (row, member) => api('POST', '/team/member_add', { body: { team_id: row.team_id, member } }),
      remove: (row, userId) => api('POST', '/team/member_delete', { body: { team_id: row.team_id, user_id: userId } }),
    },
  });
}
