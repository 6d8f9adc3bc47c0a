// `switchboard doctor` on the running gateway through /health/doctor: its config, database, ports and
// (unless offline) a probe of each provider, with what to do about each warning or failure.
import { api } from '../api.js';
import { h, replace, errorBox, loading, num, table } from '../dom.js';

const BADGE = { OK: 'ok', WARN: 'warn', FAIL: 'bad' };

export function doctorPage(view) {
  const findings = h('div', { id: 'doctor-findings', 'aria-live': 'polite' });
  const offline = h('input', { type: 'checkbox', id: 'doctor-offline', checked: true });
  replace(view,
    h('div', { class: 'row heading' }, h('h1', null, 'Doctor'),
      h('div', { class: 'row' },
        h('label', { class: 'row', for: 'doctor-offline' }, offline, h('span', null, 'Offline (no provider calls)')),
        h('button', { type: 'button', id: 'doctor-run', onclick: () => run(findings, offline.checked) }, 'Run checks'),
        h('a', { href: '#/health' }, 'Health and config reload'))),
    h('section', { class: 'card' }, findings));
  run(findings, offline.checked);
}

async function run(findings, offline) {
  replace(findings, loading('the checks' + (offline ? '' : ' (probing every provider)')));
  try {
    // 503 when a check fails: the report is the answer all the same.
    const report = await api('GET', '/health/doctor', { query: { offline: offline ? 'true' : undefined }, accept: [503] });
    replace(findings,
      h('p', { id: 'doctor-summary' }, h('span', { class: 'badge ' + BADGE[report.status] }, report.status), ' ',
        num(report.ok) + ' OK, ' + num(report.warn) + ' warning' + (report.warn === 1 ? '' : 's') + ', ' + num(report.fail) + ' failed'),
      table(['Status', 'Check', 'Finding', 'Fix'], report.checks.map(c => h('tr', { 'data-check': c.check, 'data-status': c.status },
        h('td', null, h('span', { class: 'badge ' + BADGE[c.status] }, c.status)),
        h('td', null, h('code', null, c.check)),
        h('td', null, c.detail),
        h('td', null, c.fix || '—'))), 'No checks ran.'));
  } catch (e) {
    replace(findings, errorBox(e));
  }
}
