// The models as served (/model/info), each with a button that sends it one small chat request.
import { api } from '../api.js';
import { h, replace, errorBox, loading, num, table } from '../dom.js';

export async function modelsPage(view) {
  const list = h('div', { id: 'models-list' }, loading('models'));
  replace(view, h('h1', null, 'Models'), h('section', { class: 'card' }, list));
  try {
    const info = await api('GET', '/model/info');
    replace(list, table(['Model', 'Provider', 'Upstream model', 'Mode', 'Input $/1M tokens', 'Output $/1M tokens',
      'Context window', 'Deployment id', 'Test'], (info.data || []).map(row), 'No models are configured.'));
  } catch (e) {
    replace(list, errorBox(e));
  }
}

function perMillion(cost) {
  return cost === null || cost === undefined ? '—' : '$' + (Number(cost) * 1e6).toFixed(2);
}

function row(model) {
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
    h('td', null, mode === 'chat' ? h('button', { type: 'button', class: 'test', onclick: test }, 'Test') : '—', result));
}
