import { api, ApiError, getToken, setApiBase, setToken, type ConsoleConfig } from './api.ts';
import { completeHostedUi, signInView } from './auth.ts';
import { disposeCharts } from './charts.ts';
import { errorBox, h } from './dom.ts';
import { getLang, label, setLang, t } from './i18n.ts';
import { forgetNames } from './people.ts';
import { approvalsView } from './view-approvals.ts';
import { dashboardView, pipelineView } from './view-dashboard.ts';
import { customersView, followUpsView, leaderboardView, reviewsView } from './view-people.ts';

export interface Me {
  id: string;
  name: string;
  roles: string[];
  teamId?: string;
  regionId?: string;
}

const screens = ['dashboard', 'pipeline', 'approvals', 'customers', 'followUps', 'leaderboard', 'reviews'] as const;
type Screen = (typeof screens)[number];
const $ = (id: string) => document.getElementById(id)!;

let config: ConsoleConfig;
let me: Me | null = null;
let renderId = 0;

function route(): { screen: Screen; params: URLSearchParams } {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  const screen = (screens as readonly string[]).includes(path!) ? (path as Screen) : 'dashboard';
  return { screen, params: new URLSearchParams(query ?? '') };
}

function renderChrome() {
  const { screen } = route();
  $('nav').replaceChildren(...(me ? screens.map((s) => h('a', { href: `#/${s}`, class: s === screen ? 'current' : '', 'data-nav': s }, t(s))) : []));
  $('who').textContent = me ? `${me.name} · ${me.roles.map((r) => label('role', r)).join(', ')}` : '';
  $('lang').textContent = getLang() === 'en' ? '中文' : 'English';
  const out = $('signout') as HTMLButtonElement;
  out.hidden = !me;
  out.textContent = t('signOut');
}

async function render() {
  const id = ++renderId;
  const view = $('view');
  disposeCharts();
  renderChrome();
  if (!me) {
    view.replaceChildren(signInView(config, () => void start()));
    return;
  }
  const { screen, params } = route();
  view.replaceChildren(h('p', { class: 'muted' }, t('loading')));
  try {
    const body = await build(screen, params);
    if (id !== renderId) return;
    view.replaceChildren(body);
    body.dispatchEvent(new Event('mount'));
  } catch (error) {
    if (id !== renderId) return;
    if (error instanceof ApiError && error.status === 401) return signOut(error.message);
    view.replaceChildren(errorBox(error, () => void render()));
  }
}

function build(screen: Screen, params: URLSearchParams): Promise<HTMLElement> {
  switch (screen) {
    case 'dashboard':
      return dashboardView(me!, params);
    case 'pipeline':
      return pipelineView();
    case 'approvals':
      return approvalsView(params, () => void render());
    case 'customers':
      return customersView();
    case 'followUps':
      return followUpsView(me!);
    case 'leaderboard':
      return leaderboardView(me!, params);
    case 'reviews':
      return reviewsView(me!);
  }
}

function banner(message: string | null) {
  const el = $('banner');
  el.hidden = !message;
  el.textContent = message ?? '';
}

function signOut(message: string | null = null) {
  setToken(null);
  forgetNames();
  me = null;
  banner(message);
  void render();
}

async function start() {
  banner(null);
  me = getToken() ? await api<Me>('GET', '/me').catch(() => null) : null;
  await render();
}

async function boot() {
  setLang(getLang());
  $('lang').addEventListener('click', () => (setLang(getLang() === 'en' ? 'zh-CN' : 'en'), void render()));
  $('signout').addEventListener('click', () => signOut());
  window.addEventListener('hashchange', () => void render());
  try {
    config = await (await fetch('/console-config.json')).json();
  } catch {
    $('view').replaceChildren(errorBox(new Error(t('errorNetwork'))));
    return;
  }
  setApiBase(config.apiUrl);
  await completeHostedUi(config).catch(() => false);
  await start();
}

void boot();
