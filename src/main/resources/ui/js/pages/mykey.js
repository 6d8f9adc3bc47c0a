// A virtual key's own page: its limits, budget and spend from /key/info (which a key may call about itself).
import { api } from '../api.js';
import { h, replace, errorBox, loading, money, num, when } from '../dom.js';

export async function myKeyPage(view) {
  const body = h('div', { id: 'my-key' }, loading('this key'));
  replace(view, h('h1', null, 'My key'), body);
  try {
    const answer = await api('GET', '/key/info');
    const info = answer.info || answer;
    const item = (label, value) => [h('dt', null, label), h('dd', null, value)];
    replace(body, h('section', { class: 'card' }, h('dl', null,
      item('Alias', info.key_alias || '—'),
      item('Key', info.key_name || '—'),
      item('Spend', money(info.spend)),
      item('Budget', info.max_budget == null ? 'none' : money(info.max_budget) + (info.budget_duration ? ' per ' + info.budget_duration : '')),
      item('Budget resets', when(info.budget_reset_at)),
      item('Models', info.models && info.models.length ? info.models.join(', ') : 'all'),
      item('Requests per minute', num(info.rpm_limit)),
      item('Tokens per minute', num(info.tpm_limit)),
      item('Expires', when(info.expires)),
      item('Blocked', info.blocked ? 'yes' : 'no'))));
  } catch (e) {
    replace(body, errorBox(e));
  }
}
