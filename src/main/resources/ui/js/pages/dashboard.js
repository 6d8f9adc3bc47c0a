// Totals of the last 30 days from /user/daily/activity, the proxy's spend from /global/spend, top models and keys.
import { api } from '../api.js';
import { h, replace, errorBox, loading, money, num, table } from '../dom.js';

function day(date) {
  return date.toISOString().slice(0, 10);
}

export function dashboardPage(view) {
  const body = h('div', { id: 'dashboard' });
  const refresh = h('button', { type: 'button', id: 'dashboard-refresh', onclick: () => load(body) }, 'Refresh');
  replace(view, h('div', { class: 'row heading' }, h('h1', null, 'Dashboard'), refresh), body);
  load(body);
}

async function load(body) {
  replace(body, loading('the dashboard'));
  const now = new Date();
  try {
    const [activity, global, models, keys] = await Promise.all([
      api('GET', '/user/daily/activity', { query: { start_date: day(new Date(now - 29 * 86_400_000)), end_date: day(now), page_size: 31 } }),
      api('GET', '/global/spend'),
      api('GET', '/global/spend/models', { query: { limit: 10 } }),
      api('GET', '/global/spend/keys', { query: { limit: 10 } }),
    ]);
    const totals = activity.metadata || {};
    replace(body,
      h('div', { class: 'tiles' },
        tile('Spend, 30 days', money(totals.total_spend), 'spend'),
        tile('Requests', num(totals.total_api_requests), 'requests'),
        tile('Failed', num(totals.total_failed_requests), 'failed'),
        tile('Tokens', num(totals.total_tokens), 'tokens'),
        tile('Proxy spend / budget', money(global.spend) + (global.max_budget ? ' / ' + money(global.max_budget) : ''), 'global')),
      h('section', { class: 'card' }, h('h2', null, 'Last 30 days'), chart(activity.results || [], now)),
      h('div', { class: 'two' },
        h('section', { class: 'card' }, h('h2', null, 'Costliest models'),
          table(['Model', 'Spend'], models.map(m => h('tr', null, h('td', null, m.model), h('td', null, money(m.total_spend)))), 'No spend yet.')),
        h('section', { class: 'card' }, h('h2', null, 'Costliest keys'),
          table(['Key', 'Spend'], keys.map(k => h('tr', null, h('td', null, k.key_alias || k.key_name || '—'), h('td', null, money(k.total_spend)))), 'No spend yet.'))));
  } catch (e) {
    replace(body, errorBox(e));
  }
}

function tile(label, value, name) {
  return h('div', { class: 'tile', 'data-tile': name }, h('span', { class: 'label' }, label), h('strong', null, value));
}

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  el.append(...children);
  return el;
}

/** One slot per day of the 30, a bar for each day's spend (requests when nothing cost anything); titles say both. */
function chart(results, now) {
  const byDate = new Map(results.map(d => [d.date, d.metrics]));
  const days = Array.from({ length: 30 }, (_, i) => day(new Date(now - (29 - i) * 86_400_000)));
  const metric = results.some(d => d.metrics.spend > 0) ? 'spend' : 'api_requests';
  if (!results.length) return h('p', { class: 'empty' }, 'No requests in the last 30 days.');
  const width = 600, height = 160, slot = width / days.length;
  const value = date => (byDate.get(date) || {})[metric] || 0;
  const max = Math.max(...days.map(value), 1e-9);
  return h('figure', { class: 'chart-box' },
    svg('svg', { viewBox: `0 0 ${width} ${height + 20}`, class: 'chart', role: 'img',
      'aria-label': (metric === 'spend' ? 'Spend' : 'Requests') + ' per day, last 30 days' },
    ...days.map((date, i) => {
      const metrics = byDate.get(date) || { spend: 0, api_requests: 0 };
      const barHeight = value(date) > 0 ? Math.max(2, Math.round(value(date) / max * height)) : 0;
      return svg('rect', { x: i * slot + 1, y: height - barHeight, width: slot - 2, height: barHeight, class: 'bar' },
        svg('title', {}, date + ': ' + money(metrics.spend) + ', ' + num(metrics.api_requests) + ' requests'));
    }),
    svg('line', { x1: 0, y1: height, x2: width, y2: height, class: 'base' }),
    svg('text', { x: 0, y: height + 15, class: 'axis' }, days[0]),
    svg('text', { x: width, y: height + 15, class: 'axis', 'text-anchor': 'end' }, days[days.length - 1])),
    h('figcaption', { class: 'muted' }, metric === 'spend' ? 'Spend per day (USD)' : 'Requests per day (nothing has cost anything yet)'));
}
