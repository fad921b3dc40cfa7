import { api, setToken, type ConsoleConfig } from './api.ts';
import { h } from './dom.ts';
import { t } from './i18n.ts';

/** Locally: pick a seeded user and get a token from POST /dev/token. On AWS: the Cognito hosted UI (code + PKCE). */
export function signInView(config: ConsoleConfig, done: () => void): HTMLElement {
  if (config.stage === 'local') {
    const users = config.users ?? [];
    const select = h('select', { id: 'user', name: 'user', 'aria-label': t('chooseUser') }, users.map((u) => h('option', { value: u.id }, `${u.name} — ${u.roles.join(', ')}`))) as HTMLSelectElement;
    const problem = h('p', { class: 'error', role: 'alert' });
    const form = h(
      'form',
      {
        class: 'card signin',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          try {
            const { token } = await api<{ token: string }>('POST', '/dev/token', { userId: select.value });
            setToken(token);
            done();
          } catch (error) {
            problem.textContent = (error as Error).message;
          }
        },
      },
      h('h1', {}, t('signIn')),
      h('p', { class: 'muted' }, t('localStage')),
      h('label', { for: 'user' }, t('chooseUser')),
      select,
      h('button', { type: 'submit', class: 'primary' }, t('signIn')),
      problem,
    );
    return form;
  }
  const auth = config.auth!;
  return h(
    'div',
    { class: 'card signin' },
    h('h1', {}, t('signIn')),
    h('button', { type: 'button', class: 'primary', onclick: () => void startHostedUi(auth) }, t('hostedUi')),
  );
}

const b64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

async function startHostedUi(auth: NonNullable<ConsoleConfig['auth']>) {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem('pentad.pkce', verifier);
  const url = new URL('/oauth2/authorize', auth.domain);
  url.search = new URLSearchParams({ response_type: 'code', client_id: auth.clientId, redirect_uri: auth.redirectUri, scope: 'openid email profile', code_challenge_method: 'S256', code_challenge: challenge }).toString();
  location.assign(url.href);
}

/** Back from the hosted UI with ?code=…: exchange it for tokens (the access token carries the groups = roles). */
export async function completeHostedUi(config: ConsoleConfig): Promise<boolean> {
  const code = new URLSearchParams(location.search).get('code');
  const verifier = sessionStorage.getItem('pentad.pkce');
  if (config.stage !== 'aws' || !config.auth || !code || !verifier) return false;
  const res = await fetch(new URL('/oauth2/token', config.auth.domain), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.auth.clientId, code, redirect_uri: config.auth.redirectUri, code_verifier: verifier }),
  });
  sessionStorage.removeItem('pentad.pkce');
  history.replaceState(null, '', location.pathname + location.hash);
  if (!res.ok) return false;
  setToken((await res.json()).access_token);
  return true;
}
