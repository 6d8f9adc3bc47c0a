// Adding and editing a deployment at run time (/model/new, PATCH /model/{id}/update) with a provider picker
// that shows the fields that provider reads. Secrets are write-only: the form never holds a stored one
// (/model/info does not return them); left empty on an edit, the stored value stays.
import { api } from '../api.js';
import { h, replace, errorBox, field } from '../dom.js';

const key = (env, optional) => ({ name: 'api_key', label: 'API key' + (optional ? ' (optional)' : ''), secret: true,
  placeholder: 'os.environ/' + env + ' or the key' });
const base = (url, required) => ({ name: 'api_base', label: 'API base' + (required ? '' : ' (default shown)'),
  placeholder: url || 'https://…', required });
const hosted = (url, env) => [base(url), key(env)];

/** Each provider's own fields, as its model_list entry reads them (README: Configuration reference). */
export const PROVIDERS = {
  openai: hosted('https://api.openai.com/v1', 'OPENAI_API_KEY'),
  anthropic: hosted('https://api.anthropic.com', 'ANTHROPIC_API_KEY'),
  gemini: hosted('https://generativelanguage.googleapis.com', 'GEMINI_API_KEY'),
  azure: [base(null, true), { name: 'api_version', label: 'API version', placeholder: '2024-10-21' }, key('AZURE_API_KEY', true),
    { name: 'azure_ad_token', label: 'Entra ID token (instead of a key)', secret: true },
    { name: 'tenant_id', label: 'Tenant id (client credentials)' }, { name: 'client_id', label: 'Client id' },
    { name: 'client_secret', label: 'Client secret', secret: true }],
  azure_ai: [base(null, true), key('AZURE_AI_API_KEY')],
  bedrock: [{ name: 'aws_region_name', label: 'AWS region', placeholder: 'us-west-2' },
    { name: 'aws_access_key_id', label: 'AWS access key id', secret: true, placeholder: 'os.environ/AWS_ACCESS_KEY_ID' },
    { name: 'aws_secret_access_key', label: 'AWS secret access key', secret: true, placeholder: 'os.environ/AWS_SECRET_ACCESS_KEY' },
    { name: 'aws_session_token', label: 'AWS session token (optional)', secret: true }, base('https://bedrock-runtime.<region>.amazonaws.com')],
  vertex_ai: [{ name: 'vertex_project', label: 'Project' }, { name: 'vertex_location', label: 'Location', placeholder: 'us-central1' },
    { name: 'vertex_credentials', label: 'Service account key (JSON or file path)', secret: true, tag: 'textarea' }],
  cohere: hosted('https://api.cohere.com', 'COHERE_API_KEY'),
  cohere_chat: hosted('https://api.cohere.com', 'COHERE_API_KEY'),
  mistral: hosted('https://api.mistral.ai/v1', 'MISTRAL_API_KEY'),
  groq: hosted('https://api.groq.com/openai/v1', 'GROQ_API_KEY'),
  openrouter: hosted('https://openrouter.ai/api/v1', 'OPENROUTER_API_KEY'),
  deepseek: hosted('https://api.deepseek.com/v1', 'DEEPSEEK_API_KEY'),
  together_ai: hosted('https://api.together.xyz/v1', 'TOGETHERAI_API_KEY'),
  fireworks_ai: hosted('https://api.fireworks.ai/inference/v1', 'FIREWORKS_AI_API_KEY'),
  perplexity: hosted('https://api.perplexity.ai', 'PERPLEXITYAI_API_KEY'),
  xai: hosted('https://api.x.ai/v1', 'XAI_API_KEY'),
  deepinfra: hosted('https://api.deepinfra.com/v1/openai', 'DEEPINFRA_API_KEY'),
  cerebras: hosted('https://api.cerebras.ai/v1', 'CEREBRAS_API_KEY'),
  nvidia_nim: hosted('https://integrate.api.nvidia.com/v1', 'NVIDIA_NIM_API_KEY'),
  jina_ai: hosted('https://api.jina.ai/v1', 'JINA_AI_API_KEY'),
  hosted_vllm: [base(null, true), key('HOSTED_VLLM_API_KEY', true)],
  lm_studio: [base('http://localhost:1234/v1'), key('LM_STUDIO_API_KEY', true)],
  ollama: [base('http://localhost:11434')],
  ollama_chat: [base('http://localhost:11434')],
};

const MODES = ['chat', 'embedding', 'completion', 'rerank', 'moderation', 'image_generation', 'audio_speech', 'audio_transcription'];

/** What the form shows of a served deployment (/model/info's row); secrets are never in it. */
function current(model) {
  if (!model) return {};
  const params = model.litellm_params || {};
  const info = model.model_info || {};
  const perMillion = cost => cost == null ? '' : String(Number((Number(cost) * 1e6).toPrecision(12)));
  const provider = info.litellm_provider || '';
  return { model_name: model.model_name, provider, upstream: String(params.model || '').replace(provider + '/', ''),
    api_base: params.api_base, api_version: params.api_version, rpm: params.rpm, tpm: params.tpm, mode: info.mode,
    input_price: perMillion(info.input_cost_per_token), output_price: perMillion(info.output_cost_per_token),
    max_input_tokens: info.max_input_tokens };
}

const text = value => value === null || value === undefined ? '' : String(value);

/** The add form (model absent) or the edit form of {@code model}; {@code saved} runs after the API accepted it. */
export function modelForm(model, saved, cancel) {
  const was = current(model);
  const prefix = model ? 'model-edit-' : 'model-';
  const input = (label, name, attrs = {}) => field(label, prefix + name, { value: text(was[name]), ...attrs });
  const provider = h('select', { id: 'f-' + prefix + 'provider', name: prefix + 'provider' },
    Object.keys(PROVIDERS).map(name => h('option', { value: name, selected: name === (was.provider || 'openai') || undefined }, name)));
  const own = h('div', { class: 'grid provider-fields' });
  const showOwn = () => replace(own, PROVIDERS[provider.value].map(spec => field(spec.label, prefix + spec.name, {
    value: spec.secret ? '' : text(was[spec.name]), tag: spec.tag, required: spec.required && !model,
    type: spec.secret && !spec.tag ? 'password' : undefined, autocomplete: spec.secret ? 'off' : undefined,
    placeholder: spec.secret && model ? 'set before: leave empty to keep it' : spec.placeholder })));
  provider.addEventListener('change', showOwn);
  showOwn();
  const message = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'grid', id: model ? 'model-edit' : 'model-add' },
    input('Model name (what clients ask for)', 'model_name', { required: true, placeholder: 'gpt-4o-mini' }),
    h('label', { class: 'field', for: provider.id }, h('span', null, 'Provider'), provider),
    input('Provider\'s model', 'upstream', { required: true, placeholder: 'gpt-4o-mini' }),
    h('label', { class: 'field', for: 'f-' + prefix + 'mode' }, h('span', null, 'Mode'),
      h('select', { id: 'f-' + prefix + 'mode', name: prefix + 'mode' },
        MODES.map(mode => h('option', { value: mode, selected: mode === (was.mode || 'chat') || undefined }, mode)))),
    input('Input price (USD per 1M tokens)', 'input_price', { type: 'number', min: '0', step: 'any' }),
    input('Output price (USD per 1M tokens)', 'output_price', { type: 'number', min: '0', step: 'any' }),
    input('Context window (input tokens)', 'max_input_tokens', { type: 'number', min: '1', step: '1' }),
    input('Requests per minute', 'rpm', { type: 'number', min: '0', step: '1' }),
    input('Tokens per minute', 'tpm', { type: 'number', min: '0', step: '1' }),
    own,
    model ? h('p', { class: 'muted' }, 'A field left empty keeps its value (secrets included); only what you change is sent.') : null,
    h('div', { class: 'row' }, h('button', { type: 'submit', id: prefix + 'save' }, model ? 'Save' : 'Add model'),
      cancel ? h('button', { type: 'button', class: 'block', onclick: cancel }, 'Cancel') : null),
    message);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    replace(message);
    const value = name => String(form.elements[prefix + name].value).trim();
    const changed = name => value(name) !== '' && (!model || value(name) !== text(was[name]));
    const params = {};
    if (!model || changed('upstream') || provider.value !== was.provider) params.model = provider.value + '/' + value('upstream');
    for (const spec of PROVIDERS[provider.value]) if (changed(spec.name)) params[spec.name] = value(spec.name);
    for (const name of ['rpm', 'tpm']) if (changed(name)) params[name] = Number(value(name));
    const info = {};
    if (!model || value('mode') !== text(was.mode)) info.mode = value('mode');
    if (changed('input_price')) info.input_cost_per_token = Number(value('input_price')) / 1e6;
    if (changed('output_price')) info.output_cost_per_token = Number(value('output_price')) / 1e6;
    if (changed('max_input_tokens')) info.max_input_tokens = Number(value('max_input_tokens'));
    const body = {};
    if (!model || value('model_name') !== was.model_name) body.model_name = value('model_name');
    if (Object.keys(params).length) body.litellm_params = params;
    if (Object.keys(info).length) body.model_info = info;
    if (model && !Object.keys(body).length) {
      replace(message, h('p', { class: 'muted' }, 'Nothing changed.'));
      return;
    }
    try {
      await (model ? api('PATCH', '/model/' + encodeURIComponent(model.model_info.id) + '/update', { body })
        : api('POST', '/model/new', { body }));
      form.reset();
      showOwn();
      saved();
    } catch (e) {
      replace(message, errorBox(e));
    }
  });
  return form;
}
