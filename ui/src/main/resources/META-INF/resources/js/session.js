// Sign-in (a bearer token: a demo identity in dev mode, or pasted) and the "who am I" header.
import { api, describe, setToken, token } from './api.js';
import { el } from './view.js';

/** Resolves with /api/me once someone is signed in; shows the sign-in form until then. */
export async function signedIn() {
  const who = document.getElementById('who');
  window.addEventListener('interlock:unauthorized', () => {
    setToken(null);
    location.reload();
  });
  if (token()) {
    try {
      const me = await api('/api/me');
      showWho(who, me);
      return me;
    } catch (err) {
      setToken(null);
      return signIn(who, `Your token no longer works: ${describe(err)}`);
    }
  }
  return signIn(who, null);
}

function showWho(who, me) {
  who.replaceChildren(
    el('span', { id: 'me', dataset: { user: me.user, kind: me.kind } },
      'Signed in as ', el('strong', {}, me.user), ` (${me.kind}${me.groups.length ? ' · ' + me.groups.join(', ') : ''})`),
    el('button', { type: 'button', class: 'link', id: 'sign-out', onclick: () => { setToken(null); location.reload(); } }, 'Sign out'));
}

async function signIn(who, problem) {
  who.replaceChildren();
  const main = document.querySelector('main');
  main.hidden = true;
  let options = { demoIdentities: [], hint: 'paste your bearer token' };
  try {
    options = await (await window.fetch('/ui/sign-in')).json();
  } catch { /* the form still works with a pasted token */ }
  return new Promise((resolve) => {
    const input = el('input', { id: 'token-input', type: 'password', autocomplete: 'off', placeholder: 'bearer token', required: true });
    const error = el('p', { class: 'error', id: 'sign-in-error', role: 'alert', hidden: !problem }, problem || '');
    const demo = options.demoIdentities.length
      ? el('div', { class: 'demo' }, el('p', {}, 'Demo identities (dev mode):'),
        ...options.demoIdentities.map((d) => el('button', {
          type: 'button', class: 'secondary demo-identity', dataset: { token: d.token },
          onclick: () => { input.value = d.token; form.requestSubmit(); },
        }, `${d.user}${d.groups.length ? ' (' + d.groups.join(', ') + ')' : ''}`)))
      : null;
    const form = el('form', { id: 'sign-in', class: 'panel sign-in' },
      el('h2', {}, 'Sign in'),
      el('p', { class: 'muted' }, options.hint),
      demo,
      el('label', { for: 'token-input' }, 'Token'), input,
      el('button', { type: 'submit', id: 'sign-in-button' }, 'Sign in'),
      error);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      setToken(input.value.trim());
      try {
        const me = await api('/api/me');
        form.remove();
        main.hidden = false;
        showWho(who, me);
        resolve(me);
      } catch (err) {
        setToken(null);
        error.hidden = false;
        error.textContent = err.status === 401 ? 'Unknown token: check it and try again.' : describe(err);
      }
    });
    main.before(form);
    input.focus();
  });
}
