import { api } from './api.ts';
import { badge, empty, h, section, table } from './dom.ts';
import { date, getLang, money, pct, t } from './i18n.ts';
import { currentQuarter, scopesFor } from './view-dashboard.ts';
import type { Me } from './main.ts';

const isLead = (me: Me) => me.roles.some((r) => r !== 'rep');

/** Customers in scope with tier, health and intent; open churn alerts beside them. */
export async function customersView(): Promise<HTMLElement> {
  const [customers, alerts] = await Promise.all([api('GET', '/customers?limit=100'), api('GET', '/churn/alerts?status=open&limit=100')]);
  const names = new Map<string, string>(customers.items.map((c: any) => [c.id, c.name]));
  const health = (c: any) => {
    const band = c.health?.band ?? c.health?.level;
    return band ? badge(String(band), `h-${String(band).toLowerCase()}`) : '—';
  };
  const rows = customers.items.map((c: any) => [c.name, badge(c.tier, `tier-${c.tier}`), health(c), c.intent?.level ?? '—', c.ownerId, date(c.care?.nextFollowUpAt)]);
  const alertRows = alerts.items.map((a: any) => [names.get(a.customerId) ?? a.customerId, a.stage, badge(a.status, 's-pending'), a.assigneeIds.join(', ')]);
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
  const followRows = due.items.map((f: any) => [f.name, badge(f.tier, `tier-${f.tier}`), f.ownerId, date(f.dueAt), date(f.lastContactAt), f.overdue ? badge(t('overdue'), 's-rejected') : '']);
  const reminderRows = reminders.items.map((r: any) => [t(r.kind), r.customerName, r.contactName ?? '—', r.date, String(r.inDays), r.ownerId]);
  return h(
    'div',
    {},
    h('h1', {}, t('followUps')),
    section(t('myFollowUps'), table([t('customer'), t('tier'), t('owner'), t('due'), t('lastContact'), ''], followRows, t('noFollowUps'), 'follow-ups')),
    section(t('careReminders'), table(['', t('customer'), t('contact'), t('due'), t('inDays'), t('owner')], reminderRows, t('noReminders'), 'reminders')),
  );
}

export async function leaderboardView(me: Me, params: URLSearchParams): Promise<HTMLElement> {
  const scopes = scopesFor(me).filter((s) => s !== 'me');
  const scope = params.get('scope') ?? scopes[scopes.length - 1] ?? (me.teamId ? `team:${me.teamId}` : 'me');
  const metric = params.get('metric') ?? 'attainment';
  const period = params.get('period') ?? currentQuarter();
  const board = await api('GET', `/leaderboard?period=${encodeURIComponent(period)}&metric=${metric}&scope=${encodeURIComponent(scope)}`);
  const value = (e: any) => (e.value === null ? '—' : metric === 'attainment' ? pct(e.value) : metric === 'won_amount' ? money(e.value, e.currency) : String(e.value));
  const rows = board.entries.map((e: any) => [e.rank === null ? '—' : String(e.rank), e.userId === me.id ? h('strong', {}, `${e.name} (${t('you')})`) : e.name, e.teamId ?? '—', value(e)]);
  const metrics = ['attainment', 'won_amount', 'nps'].map((m) => h('a', { href: `#/leaderboard?metric=${m}&period=${period}&scope=${encodeURIComponent(scope)}`, class: m === metric ? 'current' : '' }, m));
  return h('div', {}, h('h1', {}, `${t('leaderboard')} · ${period}`), h('p', { class: 'tabs' }, `${t('metric')}: `, metrics), section(scope, table([t('rank'), t('person'), t('team'), t('value')], rows, t('noEntries'), 'leaderboard')));
}

/** My scorecards (to acknowledge), the ones I assess as a lead, and my notifications. */
export async function reviewsView(me: Me): Promise<HTMLElement> {
  const [mine, notes] = await Promise.all([api('GET', `/scorecards?userId=${encodeURIComponent(me.id)}&limit=50`), api('GET', '/notifications?limit=25')]);
  const rows = mine.items.map((s: any) => [s.period, s.score.toFixed(1), String(s.finalRating ?? s.rating), badge(s.status)]);
  const noteItems = notes.items.map((n: any) => h('li', { class: n.readAt ? '' : 'unread' }, h('strong', {}, n.title), ' ', h('span', { class: 'muted' }, date(n.createdAt)), h('div', {}, n.body ?? ''), n.approvalId ? h('a', { href: `#/approvals?id=${n.approvalId}` }, t('approvals')) : null));
  return h(
    'div',
    {},
    h('h1', {}, t('reviews')),
    section(t('myScorecards'), table([t('period'), t('score'), t('rating'), t('status')], rows, t('noScorecards'), 'scorecards')),
    isLead(me) ? h('p', { class: 'muted' }, getLang() === 'zh-CN' ? '需要您评估的评分卡会出现在通知中。' : 'Scorecards waiting for your assessment arrive as notifications.') : null,
    section(t('notifications'), noteItems.length ? h('ul', { class: 'list' }, noteItems) : empty(t('noNotifications'))),
  );
}
