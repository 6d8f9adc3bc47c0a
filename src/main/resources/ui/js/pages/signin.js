// Sign-in: the master key (admin pages) or a virtual key (its own usage), checked against the admin API.
import { api, session } from '../api.js';
import { h, replace, errorBox } from '../dom.js';

// /router/deployments: admin-only, and served with or without a database (unlike /key/*).
/** Without credentials the admin API answers 403 on a gateway with no master key, 401 on one with. */
async function gatewayHasMasterKey() {
  try {
    await api('GET', '/router/deployments', { key: null });
    return true;
  } catch (e) {
    return e.status !== 403;
  }
}

async function roleOf(key) {
  try {
    await api('GET', '/router/deployments', { key });
    return 'admin';
  } catch (e) {
    if (e.status !== 403) throw e;
  }
  await api('GET', '/key/info', { key }); // a virtual key may read itself
  return 'key';
}

export async function signInPage(view, signedIn) {
  replace(view, h('p', { class: 'muted', role: 'status' }, 'Checking the gateway…'));
  if (!(await gatewayHasMasterKey())) {
    replace(view, h('section', { class: 'card narrow', id: 'no-master-key' },
      h('h1', null, 'Set a master key first'),
      h('p', null, 'This gateway has no master key, so its admin API (and this UI) is closed. Add one to the config file and restart:'),
      h('pre', null, 'general_settings:\n  master_key: sk-...   # or os.environ/LITELLM_MASTER_KEY'),
      h('p', null, 'Then sign in here with that key.')));
    return;
  }
  const message = h('div', { 'aria-live': 'polite' });
  const input = h('input', { id: 'signin-key', name: 'key', type: 'password', autocomplete: 'off',
    required: true, placeholder: 'sk-...', spellcheck: 'false' });
  const form = h('form', { class: 'card narrow', id: 'signin' },
    h('h1', null, 'Sign in'),
    h('p', null, 'The master key opens every page; a virtual key shows its own usage and limits. '
      + 'The key stays in this tab only (session storage).'),
    h('label', { class: 'field', for: 'signin-key' }, h('span', null, 'Key'), input),
    h('button', { type: 'submit', id: 'signin-submit' }, 'Sign in'),
    message);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const key = input.value.trim();
    replace(message, h('p', { class: 'muted', role: 'status' }, 'Checking…'));
    try {
      const role = await roleOf(key);
      session.start(key, role);
      signedIn();
    } catch (e) {
      const text = e.status === 401 || e.status === 403
        ? 'This key was not accepted: ' + e.message : e.message;
      replace(message, errorBox({ message: text }));
      input.select();
    }
  });
  replace(view, form);
  input.focus();
}
