import { api } from './api.ts';
import { badge, empty, errorBox, h, section, table } from './dom.ts';
import { date, label, money, pct, scopeLabel, t } from './i18n.ts';
import { teamNames, userNames } from './people.ts';
import { currentQuarter, periodField, scopesFor } from './view-dashboard.ts';
import type { Me } from './main.ts';

const isLead = (me: Me) => me.roles.some((r) => r !== 'rep');

/** Customers in scope with tier, health and intent; open churn alerts beside them. */
export async function customersView(): Promise<HTMLElement> {
  const [customers, alerts] = await Promise.all([api('GET', '/customers?limit=100'), api('GET', '/churn/alerts?status=open&limit=100')]);
  const names = new Map<string, string>(customers.items.map((c: any) => [c.id, c.name]));
  const people = await userNames([...customers.items.map((c: any) => c.ownerId), ...alerts.items.flatMap((a: any) => a.assigneeIds)]);
  const health = (c: any) => {
    const band = c.health?.band ?? c.health?.level;
    return band ? badge(label('band', String(band)), `h-${String(band).toLowerCase()}`) : '—';
  };
  const rows = customers.items.map((c: any) => [c.name, badge(c.tier, `tier-${c.tier}`), health(c), c.intent?.level ? label('intent', c.intent.level) : '—', people.get(c.ownerId) ?? c.ownerId, date(c.care?.nextFollowUpAt)]);
  const alertRows = alerts.items.map((a: any) => [a.customerName ?? names.get(a.customerId) ?? a.customerId, label('churn', a.stage), badge(label('churn', a.status), 's-pending'), a.assigneeIds.map((id: string) => people.get(id) ?? id).join(', ')]);
  return h(
    'div',
    {},
    h('h1', {}, t('customers')),
    section(t('churnAlerts'), table([t('customer'), t('stage'), t('status'), t('assignees')], alertRows, t('noChurn'), 'churn-alerts')),
    section(`${t('customers')} (${customers.items.length}${customers.nextCursor ? '+' : ''})`, table([t('name'), t('tier'), t('health'), t('intent'), t('owner'), t('nextFollowUp')], rows, t('noCustomers'), 'customers')),
  );
}

/** Follow-ups due (mine, or my team's for a manager) and birthdays / anniversaries in the next 7 days. */
export async function followUpsView(me: Me): Promise<HTMLElement> {
  const scope = me.roles.includes('manager') ? 'team' : 'me';
  const [due, reminders] = await Promise.all([api('GET', `/follow-ups?status=due&scope=${scope}&limit=100`), api('GET', '/care/reminders?days=7&limit=100')]);
  const owners = await userNames([...due.items.map((f: any) => f.ownerId), ...reminders.items.map((r: any) => r.ownerId)]);
  const followRows = due.items.map((f: any) => [f.name, badge(f.tier, `tier-${f.tier}`), owners.get(f.ownerId) ?? f.ownerId, date(f.dueAt), date(f.lastContactAt), f.overdue ? badge(t('overdue'), 's-rejected') : '']);
  const reminderRows = reminders.items.map((r: any) => [t(r.kind), r.customerName, r.contactName ?? '—', r.date, String(r.inDays), owners.get(r.ownerId) ?? r.ownerId]);
  return h(
    'div',
    {},
    h('h1', {}, t('followUps')),
    section(t('myFollowUps'), table([t('customer'), t('tier'), t('owner'), t('due'), t('lastContact'), ''], followRows, t('noFollowUps'), 'follow-ups')),
    section(t('careReminders'), table(['', t('customer'), t('contact'), t('due'), t('inDays'), t('owner')], reminderRows, t('noReminders'), 'reminders')),
  );
}

const METRICS = ['attainment', 'won_amount', 'nps'] as const;

/** Ranked people for a metric, period and scope; the period picked as on the dashboard, team ids shown by name. */
export async function leaderboardView(me: Me, params: URLSearchParams): Promise<HTMLElement> {
  const scopes = scopesFor(me).filter((s) => s !== 'me');
  const scope = params.get('scope') ?? scopes[scopes.length - 1] ?? (me.teamId ? `team:${me.teamId}` : 'me');
  const metric = params.get('metric') ?? 'attainment';
  const period = params.get('period') ?? currentQuarter();
  const [board, teams] = await Promise.all([api('GET', `/leaderboard?period=${encodeURIComponent(period)}&metric=${encodeURIComponent(metric)}&scope=${encodeURIComponent(scope)}`), teamNames()]);
  const value = (e: any) => (e.value === null ? '—' : metric === 'attainment' ? pct(e.value) : metric === 'won_amount' ? money(e.value, e.currency) : String(e.value));
  const rows = board.entries.map((e: any) => [e.rank === null ? '—' : String(e.rank), e.userId === me.id ? h('strong', {}, `${e.name} (${t('you')})`) : e.name, e.teamId ? teams.get(e.teamId) ?? e.teamId : '—', value(e)]);
  const hash = (m: string, p: string) => `#/leaderboard?metric=${m}&period=${encodeURIComponent(p)}&scope=${encodeURIComponent(scope)}`;
  const metrics = METRICS.map((m) => h('a', { href: hash(m, period), class: m === metric ? 'current' : '', 'data-metric': m }, label('metric', m)));
  const periodInput = periodField(period);
  const form = h('form', { class: 'filters', onsubmit: (e: Event) => (e.preventDefault(), (location.hash = hash(metric, periodInput.value))) }, h('label', {}, t('period'), periodInput), h('button', { type: 'submit' }, t('show')));
  // Everyone listed but no one has a value (e.g. attainment with no targets for the period): say why instead of a column of dashes.
  const allMissing = board.entries.length > 0 && board.entries.every((e: any) => e.value === null);
  return h(
    'div',
    {},
    h('h1', {}, `${t('leaderboard')} · ${period}`),
    form,
    h('p', { class: 'tabs' }, `${t('metric')}: `, metrics),
    section(scopeLabel(scope, teams), allMissing ? h('p', { class: 'empty', 'data-testid': 'leaderboard-no-values' }, t('noLeaderValues')) : table([t('rank'), t('person'), t('team'), t('value')], rows, t('noEntries'), 'leaderboard')),
  );
}

/** One scorecard waiting for me: its figures and an Assess form (comment, rating adjustment −1/0/+1, one goal). */
function assessRow(card: any): HTMLElement {
  const comment = h('textarea', { name: 'comment', rows: 2, maxlength: 2000, required: true, placeholder: t('comment'), 'aria-label': t('comment') }) as HTMLTextAreaElement;
  const adjustment = h('select', { name: 'ratingAdjustment', 'aria-label': t('ratingAdjustment') }, ['-1', '0', '+1'].map((v) => h('option', { value: String(Number(v)), selected: v === '0' }, v))) as HTMLSelectElement;
  const goal = h('input', { name: 'goal', maxlength: 500, required: true, placeholder: t('goalNextPeriod'), 'aria-label': t('goalNextPeriod') }) as HTMLInputElement;
  const message = h('p', { class: 'muted', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'assess-submit' }, t('assess')) as HTMLButtonElement;
  const form = h('form', { class: 'actions' }, comment, h('label', {}, `${t('ratingAdjustment')} `, adjustment), goal, submit, message);
  const row = h('li', { 'data-scorecard': card.id }, h('strong', {}, card.name ?? card.userId), ' ', h('span', { class: 'muted' }, `${card.period} · ${t('score')} ${Number(card.score).toFixed(1)} · ${t('rating')} ${card.rating}`), h('details', {}, h('summary', {}, t('assess')), form));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      await api('POST', `/scorecards/${encodeURIComponent(card.id)}/assessment`, { comment: comment.value.trim(), ratingAdjustment: Number(adjustment.value), goalsNextPeriod: [goal.value.trim()] });
      row.replaceChildren(h('strong', {}, card.name ?? card.userId), ' ', badge(t('assessedDone'), 's-approved'));
    } catch (error) {
      message.replaceChildren(errorBox(error));
      submit.disabled = false;
    }
  });
  return row;
}

/** My scorecards (to acknowledge), the ones waiting for my assessment as a lead, and my notifications. */
export async function reviewsView(me: Me): Promise<HTMLElement> {
  const [mine, notes, waiting] = await Promise.all([
    api('GET', `/scorecards?userId=${encodeURIComponent(me.id)}&limit=50`),
    api('GET', '/notifications?limit=25'),
    isLead(me) ? api('GET', '/scorecards?assessor=me&limit=50') : Promise.resolve({ items: [] }),
  ]);
  const rows = mine.items.map((s: any) => [s.period, s.score.toFixed(1), String(s.finalRating ?? s.rating), badge(s.status)]);
  const noteItems = notes.items.map((n: any) => h('li', { class: n.readAt ? '' : 'unread' }, h('strong', {}, n.title), ' ', h('span', { class: 'muted' }, date(n.createdAt)), h('div', {}, n.body ?? ''), n.approvalId ? h('a', { href: `#/approvals?id=${n.approvalId}` }, t('approvals')) : null));
  return h(
    'div',
    {},
    h('h1', {}, t('reviews')),
    section(t('myScorecards'), table([t('period'), t('score'), t('rating'), t('status')], rows, t('noScorecards'), 'scorecards')),
    isLead(me) ? section(t('toAssess'), waiting.items.length ? h('ul', { class: 'list', 'data-testid': 'to-assess' }, waiting.items.map(assessRow)) : empty(t('noToAssess'))) : null,
    section(t('notifications'), noteItems.length ? h('ul', { class: 'list' }, noteItems) : empty(t('noNotifications'))),
  );
}
