// 30-day totals from /user/daily/activity and /global/spend; requests, errors, spend and tokens over the
// chosen range from /global/spend/timeseries (split by model, key or team); p50/p95 latency and time to
// first token per deployment from /global/spend/latency; deployments' state from /router/deployments.
import { api } from '../api.js';
import { h, replace, errorBox, loading, money, num, table } from '../dom.js';
import { barChart, meter, PALETTE } from '../charts.js';

const RANGES = { hour: 'Last hour', day: 'Last day', month: 'Last 30 days' };
const GROUPS = { '': 'Nothing', model: 'Model', key: 'Key', team: 'Team' };
/** The range and split chosen, kept while the tab lives. */
const choice = { range: 'day', group: '' };

function day(date) {
  return date.toISOString().slice(0, 10);
}

export function dashboardPage(view) {
  const totals = h('div', { id: 'dashboard' });
  const series = h('div', { id: 'series', 'aria-live': 'polite' });
  const deployments = h('div', { id: 'dashboard-deployments' });
  const reload = () => {
    loadTotals(totals);
    loadSeries(series);
    loadDeployments(deployments);
  };
  const refresh = h('button', { type: 'button', id: 'dashboard-refresh', onclick: reload }, 'Refresh');
  const rangeButtons = Object.entries(RANGES).map(([name, text]) => h('button', {
    type: 'button', id: 'range-' + name, class: 'toggle', 'aria-pressed': String(choice.range === name),
    onclick: () => {
      choice.range = name;
      rangeButtons.forEach(b => b.setAttribute('aria-pressed', String(b.id === 'range-' + name)));
      loadSeries(series);
    } }, text));
  const group = h('select', { id: 'group-by', onchange: () => {
    choice.group = group.value;
    loadSeries(series);
  } }, Object.entries(GROUPS).map(([value, text]) => h('option', { value }, text)));
  group.value = choice.group;
  replace(view, h('div', { class: 'row heading' }, h('h1', null, 'Dashboard'), refresh), totals,
    h('section', { class: 'card' },
      h('div', { class: 'row heading' }, h('h2', null, 'Traffic'),
        h('div', { class: 'row' }, h('div', { class: 'row', role: 'group', 'aria-label': 'Range' }, rangeButtons),
          h('label', { class: 'row', for: 'group-by' }, h('span', { class: 'muted' }, 'Split by'), group))),
      series),
    deployments);
  reload();
}

async function loadTotals(body) {
  replace(body, loading('the totals'));
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

/** A bucket's start as the range reads it: HH:MM for minutes and hours, the date for days. */
function bucketLabel(range) {
  return bucket => range === 'month' ? bucket.start.slice(0, 10) : bucket.start.slice(11, 16) + ' UTC';
}

async function loadSeries(body) {
  replace(body, loading('the series'));
  const { range, group } = choice;
  try {
    const [series, latency] = await Promise.all([
      api('GET', '/global/spend/timeseries', { query: { range, group_by: group } }),
      api('GET', '/global/spend/latency', { query: { range } }),
    ]);
    const label = bucketLabel(range);
    const empty = 'Nothing in the ' + RANGES[range].toLowerCase() + '.';
    // A split shows the five largest groups and sums the rest, so the colours stay readable.
    const named = (series.groups || []).slice(0, 5).map((g, i) => ({ name: g.name, color: PALETTE[i] }));
    const rest = new Set((series.groups || []).slice(5).map(g => g.name));
    const layersOf = metric => !group ? [{ name: metric, color: PALETTE[0], value: b => b[metric] }]
      : named.map(l => ({ ...l, value: b => (b.groups[l.name] || {})[metric] || 0 })).concat(rest.size ? [{
        name: 'other', color: '#9aa3b2', value: b => [...rest].reduce((s, n) => s + ((b.groups[n] || {})[metric] || 0), 0) }] : []);
    const requests = group ? layersOf('requests') : [
      { name: 'succeeded', color: PALETTE[0], value: b => b.requests - b.failed },
      { name: 'failed', color: '#b3261e', value: b => b.failed }];
    replace(body, h('p', { class: 'muted' }, RANGES[range] + ' by ' + series.bucket + ', ' + series.start.replace('T', ' ').slice(0, 16)
      + ' to ' + series.end.replace('T', ' ').slice(0, 16) + ' UTC' + (group ? ', split by ' + group : '') + '.'),
    h('div', { class: 'charts' },
      barChart({ id: 'requests', title: 'Requests', buckets: series.buckets, layers: requests, format: num, label, empty }),
      barChart({ id: 'errors', title: 'Errors', buckets: series.buckets, layers: group ? layersOf('failed')
        : [{ name: 'failed', color: '#b3261e', value: b => b.failed }], format: num, label, empty: 'No errors.' }),
      barChart({ id: 'spend', title: 'Spend', buckets: series.buckets, layers: layersOf('spend'), format: money, label, empty }),
      barChart({ id: 'tokens', title: 'Tokens', buckets: series.buckets, layers: layersOf('total_tokens'), format: num, label, empty })),
    h('h3', null, 'Latency by deployment'), latencyTable(latency.deployments));
  } catch (e) {
    replace(body, errorBox(e));
  }
}

function latencyTable(deployments) {
  const ms = value => value == null ? '—' : num(Math.round(value)) + ' ms';
  const max = Math.max(0, ...deployments.map(d => d.latency_p95_ms || 0));
  const maxFirst = Math.max(0, ...deployments.map(d => d.ttft_p95_ms || 0));
  return table(['Model', 'Deployment', 'Requests', 'Latency p50', 'Latency p95', 'First token p50', 'First token p95'],
    deployments.map(d => h('tr', { 'data-latency': d.model_id },
      h('td', null, d.model_group || '—'),
      h('td', null, h('code', null, d.model || d.model_id)),
      h('td', null, num(d.requests)),
      h('td', null, meter(d.latency_p50_ms, max, ms(d.latency_p50_ms))),
      h('td', null, meter(d.latency_p95_ms, max, ms(d.latency_p95_ms))),
      h('td', null, meter(d.ttft_p50_ms, maxFirst, ms(d.ttft_p50_ms))),
      h('td', null, meter(d.ttft_p95_ms, maxFirst, ms(d.ttft_p95_ms))))),
    'No successful calls in this range.');
}

async function loadDeployments(body) {
  replace(body, loading('deployments'));
  try {
    const state = await api('GET', '/router/deployments');
    replace(body, h('section', { class: 'card' },
      h('div', { class: 'row heading' }, h('h2', null, 'Deployments'),
        h('span', { class: 'muted' }, num(state.healthy) + ' of ' + num(state.total) + ' healthy · ', h('a', { href: '#/health' }, 'details'))),
      table(['Model', 'Deployment', 'State', 'Circuit', 'Cooldown', 'In flight'], state.deployments.map(d => h('tr', { 'data-deployment': d.model_id },
        h('td', null, d.model_name),
        h('td', null, h('code', null, d.model)),
        h('td', null, h('span', { class: 'badge ' + (d.healthy ? 'ok' : 'bad') }, d.healthy ? 'healthy' : 'unavailable')),
        h('td', null, d.circuit_breaker ? d.circuit_breaker.state.toLowerCase() : '—'),
        h('td', null, d.cooldown && d.cooldown.active ? 'until ' + d.cooldown.until : 'no'),
        h('td', null, num(d.in_flight)))), 'No deployments.')));
  } catch (e) {
    replace(body, errorBox(e));
  }
}
