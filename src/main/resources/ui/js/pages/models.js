// The models as served (/model/info), each with a button that sends it one small chat request. The master key
// also adds models at run time and edits or deletes those (config-file models change only in the file).
import { api, session } from '../api.js';
import { h, replace, errorBox, loading, num, table } from '../dom.js';
import { modelForm } from './modelform.js';

export function modelsPage(view) {
  const admin = session.role() === 'admin';
  const list = h('div', { id: 'models-list' });
  const panel = h('div', { id: 'model-panel' });
  const refresh = async () => {
    replace(list, loading('models'));
    try {
      const info = await api('GET', '/model/info');
      const edit = model => {
        replace(panel, h('section', { class: 'card' }, h('h2', null, 'Edit ' + model.model_name),
          modelForm(model, () => { replace(panel); refresh(); }, () => replace(panel))));
        panel.querySelector('input').focus();
      };
      replace(list, table(['Model', 'Provider', 'Upstream model', 'Mode', 'Input $/1M tokens', 'Output $/1M tokens',
        'Context window', 'Deployment id', 'Test', ...(admin ? ['Source', ''] : [])],
        (info.data || []).map(model => row(model, admin && { edit, refresh })), 'No models are configured.'));
    } catch (e) {
      replace(list, errorBox(e));
    }
  };
  replace(view, h('h1', null, 'Models'),
    admin ? h('details', { class: 'card' }, h('summary', { id: 'model-add-open' }, 'Add a model'),
      h('p', { class: 'muted' }, 'Served from the next request on, kept in the database (general_settings.store_model_in_db: true). '
        + 'Keys are write-only: they are sent to the gateway and never shown again.'),
      modelForm(null, refresh)) : null,
    h('section', { class: 'card' }, list), panel);
  refresh();
}

function perMillion(cost) {
  return cost === null || cost === undefined ? '—' : '$' + (Number(cost) * 1e6).toFixed(2);
}

function row(model, admin) {
  const params = model.litellm_params || {};
  const info = model.model_info || {};
  const result = h('div', { class: 'test-result', 'aria-live': 'polite' });
  const mode = info.mode || 'chat';
  const test = async () => {
    replace(result, h('span', { class: 'muted', role: 'status' }, 'Asking…'));
    const started = performance.now();
    try {
      const answer = await api('POST', '/v1/chat/completions', { body: {
        model: model.model_name, max_tokens: 20,
        messages: [{ role: 'user', content: 'Say hello in five words.' }] } });
      const text = answer.choices && answer.choices[0] && answer.choices[0].message
        ? answer.choices[0].message.content : JSON.stringify(answer);
      replace(result, h('span', { class: 'ok' }, text),
        h('span', { class: 'muted' }, ' (' + Math.round(performance.now() - started) + ' ms)'));
    } catch (e) {
      replace(result, errorBox(e));
    }
  };
  return h('tr', { 'data-model': model.model_name },
    h('td', null, model.model_name),
    h('td', null, info.litellm_provider || '—'),
    h('td', null, h('code', null, params.model || '—')),
    h('td', null, mode),
    h('td', null, perMillion(info.input_cost_per_token)),
    h('td', null, perMillion(info.output_cost_per_token)),
    h('td', null, num(info.max_input_tokens)),
    h('td', null, h('code', null, info.id || '—')),
    h('td', null, mode === 'chat' ? h('button', { type: 'button', class: 'test', onclick: test }, 'Test') : '—', result),
    admin ? manage(model, admin) : null);
}

/** Source and, for a model added at run time, edit and delete (after a confirmation). */
function manage(model, admin) {
  if (!model.model_info || !model.model_info.db_model) return [h('td', null, 'config'), h('td')];
  const actions = h('td', { class: 'actions' });
  const buttons = () => replace(actions,
    h('button', { type: 'button', class: 'edit', onclick: () => admin.edit(model) }, 'Edit'),
    h('button', { type: 'button', class: 'danger delete', onclick: () => {
      replace(actions, h('span', null, 'Delete ' + model.model_name + '? '),
        h('button', { type: 'button', class: 'danger confirm-delete', onclick: async () => {
          try {
            await api('POST', '/model/delete', { body: { id: model.model_info.id } });
            admin.refresh();
          } catch (e) {
            replace(actions, errorBox(e), h('button', { type: 'button', onclick: buttons }, 'Back'));
          }
        } }, 'Delete for good'),
        h('button', { type: 'button', onclick: buttons }, 'Cancel'));
      actions.querySelector('.confirm-delete').focus();
    } }, 'Delete'));
  buttons();
  return [h('td', null, 'runtime'), actions];
}
