// Totals of the last 30 days from /user/daily/activity, the proxy's spend from /global/spend, top models and keys.
import { api } from '../api.js';
import { h, replace, errorBox, loading, money, num, table } from '../dom.js';

function day(date) {
  return date.toISOString().slice(0, 10);
}

export async function dashboardPage(view) {
  const body = h('div', { id: 'dashboard' }, loading('the dashboard'));
  replace(view, h('h1', null, 'Dashboard'), body);
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
      h('section', { class: 'card' }, h('h2', null, 'Spend per day'), chart(activity.results || [])),
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

/** One bar per day with spend; a title on each bar says its day and amount. */
function chart(results) {
  const days = results.slice().sort((a, b) => a.date.localeCompare(b.date));
  if (!days.length) return h('p', { class: 'empty' }, 'No requests in the last 30 days.');
  const width = 600, height = 160, gap = 2;
  const max = Math.max(...days.map(d => d.metrics.spend), 1e-9);
  const bar = Math.max(4, Math.floor(width / days.length) - gap);
  return svg('svg', { viewBox: `0 0 ${width} ${height + 20}`, class: 'chart', role: 'img', 'aria-label': 'Spend per day' },
    ...days.map((d, i) => {
      const barHeight = Math.max(1, Math.round(d.metrics.spend / max * height));
      return svg('rect', { x: i * (bar + gap), y: height - barHeight, width: bar, height: barHeight, class: 'bar' },
        svg('title', {}, d.date + ': ' + money(d.metrics.spend) + ', ' + d.metrics.api_requests + ' requests'));
    }),
    svg('text', { x: 0, y: height + 15, class: 'axis' }, days[0].date),
    svg('text', { x: width, y: height + 15, class: 'axis', 'text-anchor': 'end' }, days[days.length - 1].date));
}
