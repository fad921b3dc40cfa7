import { api } from './api.ts';
import { badge, empty, errorBox, h, section, statusBadge } from './dom.ts';
import { date, money, t } from './i18n.ts';
import { userNames } from './people.ts';

/** The inbox (steps waiting on me), my requests, and one approval's steps, decisions and escalations. */
export async function approvalsView(params: URLSearchParams, rerender: () => void): Promise<HTMLElement> {
  const [inbox, mine] = await Promise.all([api('GET', '/approvals?inbox=mine&limit=100'), api('GET', '/approvals?requestedBy=me&limit=100')]);
  const selected = params.get('id');
  const names = await userNames(inbox.items.map((e: any) => e.summary?.requesterId).filter(Boolean));
  const link = (id: string, ...label: (string | Node)[]) => h('a', { href: `#/approvals?id=${id}`, class: id === selected ? 'current' : '' }, ...label);

  const inboxList = inbox.items.length
    ? h('ul', { class: 'list', 'data-testid': 'inbox' }, inbox.items.map((e: any) =>
        h('li', { 'data-approval': e.approvalId }, link(e.approvalId, h('strong', {}, e.summary?.title ?? e.approvalId)), ' ', money(e.summary?.amount, e.summary?.currency), h('div', { class: 'muted' }, `${e.summary?.stepName ?? e.stepId} · ${t('requestedBy')} ${e.summary?.requesterId ? names.get(e.summary.requesterId) : '—'} · ${t('due')} ${date(e.summary?.dueAt)}`)),
      ))
    : empty(t('noInbox'));
  const mineList = mine.items.length
    ? h('ul', { class: 'list', 'data-testid': 'my-requests' }, mine.items.map((a: any) =>
        h('li', { 'data-approval': a.id }, link(a.id, h('strong', {}, a.subject.title)), ' ', statusBadge(a.status), h('div', { class: 'muted' }, `${money(a.terms?.amount, a.terms?.currency)} · ${date(a.createdAt)}`)),
      ))
    : empty(t('noRequests'));

  const detail = selected ? await detailView(selected, inbox.items.some((e: any) => e.approvalId === selected), rerender) : empty(t('selectApproval'));
  return h('div', {}, h('h1', {}, t('approvals')), h('div', { class: 'split' }, h('div', {}, section(t('inbox'), inboxList), section(t('myRequests'), mineList)), h('div', { class: 'detail' }, detail)));
}

async function detailView(id: string, mayDecide: boolean, rerender: () => void): Promise<HTMLElement> {
  let a: any;
  try {
    a = await api('GET', `/approvals/${encodeURIComponent(id)}`);
  } catch (error) {
    return errorBox(error);
  }
  const ids = [a.requesterId, ...(a.steps as any[]).flatMap((s) => [...(s.assignees ?? []), ...(s.decisions ?? []).flatMap((d: any) => [d.actorId, d.onBehalfOf].filter(Boolean)), ...(s.escalations ?? []).flatMap((e: any) => [...(e.from ?? []), ...(e.to ?? [])])])];
  const [names, customer] = await Promise.all([userNames(ids), customerOf(a)]);
  const who = (id: string) => names.get(id) ?? id;
  const everyone = (list: string[] | undefined) => (list ?? []).map(who).join(', ');
  const steps = (a.steps as any[]).map((s) =>
    h(
      'li',
      { class: 'step' },
      h('div', {}, h('strong', {}, s.name), ' ', statusBadge(s.status), s.dueAt ? h('span', { class: 'muted' }, ` ${t('due')} ${date(s.dueAt)}`) : null),
      s.because?.length ? h('div', { class: 'muted' }, `${t('because')}: ${s.because.join('; ')}`) : null,
      h('div', { class: 'muted' }, `${t('assignees')}: ${everyone(s.assignees) || '—'}`),
      h('ul', { class: 'history' }, [
        ...(s.decisions ?? []).map((d: any) => h('li', {}, `${date(d.at)} · ${who(d.actorId)}${d.onBehalfOf ? ` (${who(d.onBehalfOf)})` : ''} · `, badge(t(d.decision === 'approve' ? 'APPROVED' : d.decision === 'reject' ? 'REJECTED' : String(d.decision))), d.comment ? ` “${d.comment}”` : '')),
        ...(s.escalations ?? []).map((e: any) => h('li', {}, `${date(e.at)} · ⤴ ${everyone(e.from)} → ${everyone(e.to)}`)),
      ]),
    ),
  );
  const comment = h('textarea', { name: 'comment', rows: 2, maxlength: 2000, placeholder: t('comment'), 'aria-label': t('comment') }) as HTMLTextAreaElement;
  const message = h('p', { class: 'muted', role: 'status' });
  const decide = (decision: 'approve' | 'reject') => async (e: Event) => {
    const buttons = (e.currentTarget as HTMLElement).parentElement!.querySelectorAll('button');
    buttons.forEach((b) => (b.disabled = true));
    try {
      await api('POST', `/approvals/${encodeURIComponent(id)}/decisions`, { decision, ...(comment.value ? { comment: comment.value } : {}) });
      message.textContent = t('decided');
      // The workflow moves on asynchronously: wait briefly for the step to close, then show the new state.
      for (let i = 0; i < 20; i++) {
        const now = await api('GET', `/approvals/${encodeURIComponent(id)}`).catch(() => undefined);
        if (!now || now.status !== 'PENDING' || now.currentStep !== a.currentStep) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      rerender();
    } catch (error) {
      message.replaceWith(errorBox(error));
      buttons.forEach((b) => (b.disabled = false));
    }
  };
  const actions =
    mayDecide && a.status === 'PENDING'
      ? h('div', { class: 'actions' }, comment, h('div', {}, h('button', { type: 'button', class: 'primary', 'data-testid': 'approve', onclick: decide('approve') }, t('approve')), h('button', { type: 'button', class: 'danger', 'data-testid': 'reject', onclick: decide('reject') }, t('reject'))), message)
      : null;
  return section(
    a.subject.title,
    h('p', { 'data-testid': 'approval-status', 'data-status': a.status }, statusBadge(a.status)),
    h('dl', { class: 'facts' }, fact(t('amount'), money(a.terms?.amount ?? a.revision?.newAmount, a.terms?.currency ?? a.revision?.currency)), fact(t('requestedBy'), who(a.requesterId), 'requester'), fact(t('reason'), a.reason ?? '—'), fact(t('customer'), [customer, a.customerTier ? `${t('tier')} ${a.customerTier}` : ''].filter(Boolean).join(' · ') || '—', 'customer')),
    actions,
    h('h3', {}, t('history')),
    h('ol', { class: 'steps' }, steps),
  );
}

const fact = (label: string, value: string, testid?: string) => [h('dt', {}, label), h('dd', { 'data-testid': testid }, value)];

/** The approval carries no customer: a deal's customer name comes from the deal, then the customer; any failure shows none. */
async function customerOf(a: any): Promise<string> {
  if (a.subject?.type !== 'deal') return '';
  try {
    const deal = await api('GET', `/deals/${encodeURIComponent(a.subject.id)}`);
    return deal.customerName ?? (await api('GET', `/customers/${encodeURIComponent(deal.customerId)}`)).name ?? '';
  } catch {
    return '';
  }
}
