import { api } from './api.ts';
import { attainmentGauges, funnel, trendLine } from './charts.ts';
import { badge, empty, h, section } from './dom.ts';
import { dealCount, money, pct, scopeLabel, stageLabel, t } from './i18n.ts';
import { teamNames, userNames } from './people.ts';
import type { Me } from './main.ts';

export function currentQuarter(now = new Date()) {
  return `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

/** The scopes this person may look at, narrowest first; the default is the widest. */
export function scopesFor(me: Me): string[] {
  const roles = me.roles;
  const scopes = ['me'];
  if (me.teamId && roles.includes('manager')) scopes.push(`team:${me.teamId}`);
  if (me.regionId && roles.includes('director')) scopes.push(`region:${me.regionId}`);
  if (roles.some((r) => ['vp', 'finance', 'admin'].includes(r))) scopes.push('company');
  return scopes;
}

/** The period control the dashboard and the leaderboard share: a quarter (2026-Q2), a month (2026-05) or a year. */
export const periodField = (period: string) =>
  h('input', { name: 'period', value: period, pattern: '\\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?', size: 9, 'aria-label': t('period') }) as HTMLInputElement;

export async function dashboardView(me: Me, params: URLSearchParams): Promise<HTMLElement> {
  const scopes = scopesFor(me);
  const period = params.get('period') ?? currentQuarter();
  const scope = params.get('scope') ?? scopes[scopes.length - 1]!;
  const periodInput = periodField(period);
  const teams = await teamNames();
  const scopeSelect = h('select', { name: 'scope', 'aria-label': t('scope'), 'data-testid': 'scope' }, scopes.map((s) => h('option', { value: s, selected: s === scope }, scopeLabel(s, teams)))) as HTMLSelectElement;
  const form = h(
    'form',
    { class: 'filters', onsubmit: (e: Event) => (e.preventDefault(), (location.hash = `#/dashboard?period=${encodeURIComponent(periodInput.value)}&scope=${encodeURIComponent(scopeSelect.value)}`)) },
    h('label', {}, t('period'), periodInput),
    h('label', {}, t('scope'), scopeSelect),
    h('button', { type: 'submit' }, t('show')),
  );

  const d = await api('GET', `/dashboard?period=${encodeURIComponent(period)}&scope=${encodeURIComponent(scope)}`);
  const cur = d.currency as string;
  const repNames = await userNames((d.topReps as { repId: string }[]).map((r) => r.repId));
  const kpis = h(
    'div',
    { class: 'kpis' },
    kpi(t('actual'), money(d.actual, cur), 'actual'),
    kpi(t('target'), d.target ? money(d.target.tiers.base, cur) : '—', 'target'),
    kpi(`${t('attainment')} (${t('base')})`, pct(d.attainment?.base), 'attainment-base'),
    kpi(t('pace'), pct(d.pace), 'pace'),
    kpi(t('winRate'), pct(d.funnel.winRate), 'win-rate'),
    kpi(t('pendingApprovals'), String(d.approvals.pending), 'pending-approvals'),
    kpi(t('openChurn'), String(d.churn.openAlerts), 'open-churn'),
  );

  const gaugeBox = h('div', { class: 'chart', id: 'chart-attainment', 'data-testid': 'chart-attainment' });
  const trendBox = h('div', { class: 'chart', id: 'chart-trend', 'data-testid': 'chart-trend' });
  const funnelBox = h('div', { class: 'chart', id: 'chart-funnel', 'data-testid': 'chart-funnel' });
  const tiers = d.attainment
    ? h('ul', { class: 'tiers' }, (['base', 'sprint', 'challenge'] as const).map((tier) => h('li', {}, `${t(tier)}: `, h('strong', { 'data-testid': `tier-${tier}` }, pct(d.attainment[tier])), ` / ${money(d.target.tiers[tier], cur)}`)))
    : null;
  const view = h(
    'div',
    { class: 'dashboard' },
    h('h1', {}, `${t('dashboard')} · ${d.period.id}`),
    form,
    kpis,
    h('div', { class: 'grid' }, section(t('attainment'), d.attainment ? [gaugeBox, tiers] : empty(t('noTarget'))), section(t('trend'), trendBox), section(t('funnel'), funnelBox), section(t('topReps'), topReps(d.topReps, cur, repNames))),
  );

  // Charts draw once their boxes are in the document (ECharts needs a size): main.ts sends 'mount'.
  view.addEventListener('mount', async () => {
    if (d.attainment) attainmentGauges(gaugeBox, d.attainment);
    trendLine(trendBox, d.trend, cur, new Date().toISOString().slice(0, 7));
    try {
      const [from, to] = [d.period.from, d.period.to];
      const place = scope.startsWith('team:') ? `&teamId=${scope.slice(5)}` : scope.startsWith('region:') ? `&regionId=${scope.slice(7)}` : '';
      const report = await api('GET', `/reports/funnel?from=${from}&to=${to}${place}`);
      const stages = report.stages.filter((s: any) => s.stage !== 'lost').map((s: any) => ({ id: s.stage as string, name: stageLabel({ id: s.stage, name: s.name }), entered: s.entered as number }));
      funnel(funnelBox, stages);
      // The same figures as text under the chart (a canvas says nothing to screen readers).
      funnelBox.after(h('ol', { class: 'legend', 'data-testid': 'funnel-stages' }, stages.map((s: { id: string; name: string; entered: number }) => h('li', { 'data-stage': s.id }, `${s.name}: ${s.entered}`))));
    } catch (error) {
      funnelBox.replaceWith(h('p', { class: 'error' }, (error as Error).message));
    }
  });
  return view;
}

const kpi = (label: string, value: string, id: string) => h('div', { class: 'kpi' }, h('span', { class: 'muted' }, label), h('strong', { 'data-testid': `kpi-${id}` }, value));

function topReps(list: { repId: string; amount: number }[], cur: string, names: Map<string, string>) {
  if (!list.length) return empty(t('noActuals'));
  return h('ol', { class: 'list', 'data-testid': 'top-reps' }, list.map((r) => h('li', { 'data-rep': r.repId }, names.get(r.repId) ?? r.repId, ' ', badge(money(r.amount, cur)))));
}

export async function pipelineView(): Promise<HTMLElement> {
  const [pipeline, deals] = await Promise.all([api('GET', '/pipeline'), allDeals()]);
  const owners = await userNames(deals.map((d) => d.ownerId));
  const columns = (pipeline.stages as { id: string; name: string; kind: string }[]).map((stage) => {
    const inStage = deals.filter((d) => d.stage === stage.id);
    const total = inStage.reduce((sum, d) => sum + d.amount, 0);
    return h(
      'section',
      { class: `column k-${stage.kind}`, 'data-stage': stage.id },
      h('h2', {}, h('span', { 'data-testid': 'stage-name' }, stageLabel(stage)), ' ', badge(dealCount(inStage.length))),
      h('p', { class: 'muted' }, money(total, inStage[0]?.currency ?? 'CNY')),
      inStage.length
        ? inStage.map((d) =>
            h(
              'article',
              { class: 'deal', 'data-deal': d.id },
              h('strong', {}, d.title),
              h('span', {}, money(d.amount, d.currency)),
              h('span', { class: 'muted' }, `${t('owner')}: ${owners.get(d.ownerId) ?? d.ownerId}`),
              d.lockedByApprovalId ? badge(t('locked'), 's-pending') : d.approval ? h('span', { 'data-testid': 'deal-approval' }, `${t('approvals')}: `, badge(t(d.approval.status), `s-${String(d.approval.status).toLowerCase()}`)) : null,
            ),
          )
        : empty(t('noDeals')),
    );
  });
  return h('div', {}, h('h1', {}, t('pipeline')), h('div', { class: 'board' }, columns));
}

async function allDeals(): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 5; page++) {
    const res: any = await api('GET', `/deals?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...res.items);
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return items;
}
