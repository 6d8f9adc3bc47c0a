// The one way the UI talks to the gateway: its documented API, the signed-in key as a bearer token.
// The key lives in sessionStorage (gone with the tab) and never goes into a URL.
const KEY = 'switchboard.key';
const ROLE = 'switchboard.role';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  role: () => sessionStorage.getItem(ROLE),
  start(key, role) {
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(ROLE, role);
  },
  end() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(ROLE);
  },
};

export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * Calls the gateway. options.key overrides the session's key (null: send none);
 * options.query values that are empty are left out; options.accept lists error statuses whose body is still the answer.
 */
export async function api(method, path, options = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(options.query || {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  const headers = { Accept: 'application/json' };
  const bearer = options.key === undefined ? session.key() : options.key;
  if (bearer) headers.Authorization = 'Bearer ' + bearer;
  let body;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body, cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new ApiError(0, 'The gateway did not answer (' + e.message + ').');
  }
  const text = await response.text();
  let data = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (notJson) {
    // kept as text
  }
  if (!response.ok && !(options.accept || []).includes(response.status)) {
    const error = data && typeof data === 'object' ? data.error || data : null;
    const message = (error && (error.message || error.detail)) || (typeof data === 'string' && data)
      || response.status + ' ' + response.statusText;
    throw new ApiError(response.status, String(message), error && (error.code || error.type));
  }
  return data;
}
