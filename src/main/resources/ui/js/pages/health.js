// Deployments' state from /router/deployments (health, breaker, cooldown, load), a reset per deployment,
// the active probe of every deployment through /health, and a config reload (/config/reload).
import { api } from '../api.js';
import { h, replace, errorBox, loading, num, table } from '../dom.js';

export function healthPage(view) {
  const list = h('div', { id: 'deployments' });
  const probe = h('div', { id: 'probe', 'aria-live': 'polite' });
  replace(view,
    h('div', { class: 'row heading' }, h('h1', null, 'Health'),
      h('div', { class: 'row' },
        h('button', { type: 'button', id: 'health-refresh', onclick: () => load(list) }, 'Refresh'),
        h('button', { type: 'button', id: 'health-probe', onclick: () => probeAll(probe) }, 'Probe every deployment'),
        h('button', { type: 'button', id: 'config-reload', onclick: () => reloadConfig(probe, list) }, 'Reload config'),
        h('a', { href: '#/doctor', id: 'health-doctor' }, 'Doctor\'s findings'))),
    probe,
    h('section', { class: 'card' }, h('h2', null, 'Deployments'), list));
  load(list);
}

async function load(list) {
  replace(list, loading('deployments'));
  try {
    const state = await api('GET', '/router/deployments');
    replace(list, h('p', { class: 'muted' }, num(state.healthy) + ' of ' + num(state.total) + ' healthy; routing: ' + state.routing_strategy),
      table(['Model', 'Deployment', 'State', 'Circuit', 'Cooldown', 'In flight', 'Latency', 'First token', 'Requests/min',
        'Failures/min', 'Last error', ''], state.deployments.map(d => row(d, () => load(list))), 'No deployments.'));
  } catch (e) {
    replace(list, errorBox(e));
  }
}

function ms(value) {
  return !value ? '—' : num(Math.round(value)) + ' ms'; // 0: nothing measured yet
}

function row(d, reload) {
  const action = h('td', null, h('button', { type: 'button', class: 'reset', onclick: async () => {
    try {
      await api('POST', '/router/deployments/' + encodeURIComponent(d.model_id) + '/reset');
      reload();
    } catch (e) {
      replace(action, errorBox(e));
    }
  } }, 'Reset'));
  return h('tr', { 'data-deployment': d.model_id },
    h('td', null, d.model_name),
    h('td', null, h('code', null, d.model), h('br'), h('span', { class: 'muted' }, d.api_base || '')),
    h('td', null, h('span', { class: 'badge ' + (d.healthy ? 'ok' : 'bad') }, d.healthy ? 'healthy' : 'unavailable')),
    h('td', null, d.circuit_breaker ? d.circuit_breaker.state.toLowerCase() : '—'),
    h('td', null, d.cooldown && d.cooldown.active ? 'until ' + d.cooldown.until + (d.cooldown.reason ? ' (' + d.cooldown.reason + ')' : '') : 'no'),
    h('td', null, num(d.in_flight)),
    h('td', null, ms(d.latency_ms)),
    h('td', null, ms(d.time_to_first_token_ms)),
    h('td', null, num(d.requests_this_minute)),
    h('td', null, num(d.failures_this_minute)),
    h('td', { class: 'last-error' }, d.last_error || '—'),
    action);
}

async function probeAll(probe) {
  replace(probe, h('p', { class: 'muted', role: 'status' }, 'Probing every deployment…'));
  try {
    const result = await api('GET', '/health');
    const unhealthy = result.unhealthy_endpoints || [];
    replace(probe, h('section', { class: 'card' }, h('h2', null, 'Probe'),
      h('p', null, num(result.healthy_count) + ' healthy, ' + num(result.unhealthy_count) + ' unhealthy'),
      unhealthy.map(e => errorBox({ message: (e.model || '') + ' ' + (e.api_base || '') + ': ' + (e.error || 'failed') }))));
  } catch (e) {
    replace(probe, errorBox(e));
  }
}

/** Re-reads the config file the gateway started from; a file that does not load changes nothing and says why. */
async function reloadConfig(probe, list) {
  replace(probe, h('p', { class: 'muted', role: 'status' }, 'Reloading the config…'));
  try {
    const result = await api('POST', '/config/reload', { body: {} });
    const models = result.models || {};
    const names = key => (models[key] || []).length ? (models[key] || []).join(', ') : 'none';
    replace(probe, h('section', { class: 'card', id: 'reload-result' }, h('h2', null, 'Config reloaded'),
      h('p', null, 'Models added: ' + names('added') + '; removed: ' + names('removed') + '; changed: ' + names('changed') + '.'),
      h('p', null, 'Router settings ' + (result.router_settings_changed ? 'changed' : 'unchanged') + '.'),
      result.restart_needed && (result.restart_needed.length === undefined || result.restart_needed.length)
        ? errorBox({ message: 'Restart needed for: ' + [].concat(result.restart_needed).join(', ') }) : null));
    load(list);
  } catch (e) {
    replace(probe, errorBox(e));
  }
}
