// Spend logs through /spend/logs/v2 (time range, model, key alias, team, user, status), with a detail view,
// and a live tail of requests as they finish (/spend/logs/tail).
import { api } from '../api.js';
import { streamEvents } from '../sse.js';
import { h, replace, errorBox, loading, money, num, count, when, field, table } from '../dom.js';

/** The API's dates: 'YYYY-MM-DD HH:MM:SS' in UTC. */
function utc(date) {
  return date.toISOString().replace('T', ' ').slice(0, 19);
}

export function logsPage(view) {
  const list = h('div', { id: 'logs-list' });
  const detail = h('div', { id: 'log-detail', 'aria-live': 'polite' });
  const filters = h('form', { class: 'filters', id: 'logs-filter' },
    field('From (local time; empty: 24 h ago)', 'from', { type: 'datetime-local' }),
    field('To (empty: now)', 'to', { type: 'datetime-local' }),
    field('Model', 'model'),
    field('Key alias', 'key_alias'),
    field('Team id', 'team_id'),
    field('User id', 'user_id'),
    h('label', { class: 'field', for: 'f-status' }, h('span', null, 'Status'),
      h('select', { id: 'f-status', name: 'status_filter' },
        h('option', { value: '' }, 'all'), h('option', { value: 'success' }, 'success'),
        h('option', { value: 'failure' }, 'failure'))),
    h('button', { type: 'submit', id: 'logs-refresh' }, 'Refresh'));
  filters.addEventListener('submit', event => {
    event.preventDefault();
    load(list, detail, new FormData(filters));
  });
  const live = h('section', { class: 'card', id: 'live-tail', hidden: true });
  const toggle = h('button', { type: 'button', id: 'logs-live', class: 'toggle', 'aria-pressed': 'false',
    onclick: () => liveToggle(toggle, live, detail) }, 'Live');
  replace(view, h('div', { class: 'row heading' }, h('h1', null, 'Logs'), toggle), live,
    h('section', { class: 'card' }, filters, list), detail);
  load(list, detail, new FormData(filters));
}

async function load(list, detail, filters) {
  replace(list, loading('logs'));
  const to = filters.get('to') ? new Date(filters.get('to')) : new Date(Date.now() + 60_000);
  const from = filters.get('from') ? new Date(filters.get('from')) : new Date(Date.now() - 86_400_000);
  try {
    const page = await api('GET', '/spend/logs/v2', { query: {
      start_date: utc(from), end_date: utc(to), page_size: 100, model: filters.get('model'),
      key_alias: filters.get('key_alias'), team_id: filters.get('team_id'), user_id: filters.get('user_id'),
      status_filter: filters.get('status_filter') } });
    replace(list, h('p', { class: 'muted' }, count(page.total, 'request') + (page.total > page.data.length ? ', the newest ' + page.data.length + ' shown' : '')),
      table(['Time', 'Status', 'Model', 'Key', 'Team', 'Tokens', 'Spend', 'Duration', 'Request id'],
        page.data.map(log => row(log, detail)), 'No requests in this range.'));
  } catch (e) {
    replace(list, errorBox(e));
  }
}

function row(log, detail) {
  const failed = log.status && log.status !== 'success';
  const show = () => replace(detail, h('section', { class: 'card' },
    h('h2', null, 'Request ' + log.request_id),
    h('pre', { class: 'json' }, JSON.stringify(log, null, 2))));
  return h('tr', { 'data-request-id': log.request_id },
    h('td', null, when(log.startTime)),
    h('td', null, h('span', { class: 'badge ' + (failed ? 'bad' : 'ok') }, (log.status || '—') + (log.status_code ? ' ' + log.status_code : ''))),
    h('td', null, log.model_group || log.model || '—'),
    h('td', { class: 'key-alias' }, log.key_alias || (log.metadata && log.metadata.user_api_key_alias) || '—'),
    h('td', null, log.team_id || '—'),
    h('td', null, num(log.total_tokens)),
    h('td', null, money(log.spend)),
    h('td', null, log.request_duration_ms == null ? '—' : num(log.request_duration_ms) + ' ms'),
    h('td', null, h('button', { type: 'button', class: 'link', onclick: show }, log.request_id)));
}

/** Rows kept in the live table: the newest, so a busy gateway cannot grow the page without bound. */
const LIVE_ROWS = 200;
let tailing = null;

function liveToggle(toggle, live, detail) {
  if (tailing) {
    tailing.abort();
    return;
  }
  const controller = new AbortController();
  tailing = controller;
  toggle.setAttribute('aria-pressed', 'true');
  const status = h('p', { class: 'live-status muted', id: 'live-status', role: 'status' }, 'Connecting…');
  const body = h('tbody');
  live.hidden = false;
  replace(live, h('h2', null, 'Live: requests as they finish'), status, h('div', { class: 'scroll' }, h('table', { id: 'live-list' },
    h('thead', null, h('tr', null, ['Time', 'Status', 'Model', 'Key', 'Team', 'Tokens', 'Spend', 'Duration', 'Request id']
      .map(name => h('th', { scope: 'col' }, name)))), body)));
  // Leaving the page ends the stream, so no tail outlives the view that shows it.
  const leave = () => controller.abort();
  window.addEventListener('hashchange', leave, { once: true });
  let seen = 0;
  streamEvents('/spend/logs/tail', () => {
    status.textContent = 'Live: waiting for requests…';
  }, (name, data) => {
    if (name === 'dropped') {
      status.textContent = 'Live; ' + num(data.dropped) + ' requests were not shown (the page read too slowly).';
      return;
    }
    seen++;
    status.textContent = 'Live: ' + num(seen) + ' request' + (seen === 1 ? '' : 's') + ' since the tail opened.';
    const tr = row(data, detail);
    tr.classList.add('fresh');
    body.prepend(tr);
    while (body.children.length > LIVE_ROWS) body.lastChild.remove();
  }, controller.signal).then(() => {
    if (!controller.signal.aborted) status.textContent = 'The gateway closed the live tail.';
  }, e => replace(status, errorBox(e))).finally(() => {
    window.removeEventListener('hashchange', leave);
    if (tailing === controller) tailing = null;
    toggle.setAttribute('aria-pressed', 'false');
    if (controller.signal.aborted) live.hidden = true;
  });
}
