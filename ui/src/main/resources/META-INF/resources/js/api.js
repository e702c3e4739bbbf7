// Talks to the REST API with the signed-in user's bearer token (kept in sessionStorage, per tab).
const KEY = 'interlock.token';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

export function token() {
  return sessionStorage.getItem(KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
}

export async function api(path, { method = 'GET', body, accept = 'application/json', raw = false } = {}) {
  const headers = { Accept: accept };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // window.fetch at call time, so a test can stand in for the network.
  const res = await window.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = text;
  if (!raw) {
    try { data = text ? JSON.parse(text) : null; } catch { data = { error: text }; }
  }
  if (!res.ok) {
    if (res.status === 401 && token()) window.dispatchEvent(new CustomEvent('interlock:unauthorized'));
    throw new ApiError(res.status, raw ? { error: text } : data);
  }
  return data;
}

/** One line for a failed request: the server's error, its 'why' verbatim, and what to do next. */
export function describe(err) {
  if (!(err instanceof ApiError)) return `Cannot reach the server (${err.message}). Retrying.`;
  const b = err.body || {};
  return [b.error || `HTTP ${err.status}`, b.why ? `why: ${b.why}` : '', b.next ? `next: ${b.next}` : '']
    .filter(Boolean).join(' — ');
}
