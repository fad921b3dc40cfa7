import type { TaskDeps } from '#shared/core/task';
import { transact } from '#shared/core/write';
import { conflict } from '#shared/core/errors';
import { notify, type NewNotification } from '#shared/notifications/service';
import { currentStep, escalationTargets, nextMove } from './rules.ts';
import { getApproval, inboxPut, putApprovalIfVersion, type StoredApproval } from './store.ts';
import { activeDelegate, usersById } from './resolve.ts';
import { afterClose, clearInbox, countEscalation, outcomeText, releaseSubject } from './finish.ts';
import type { Approval, ApprovalStatus } from './schemas.ts';

/**
 * The approval workflow's tasks (workflows/approval.asl.json). Each reads the aggregate and acts only if it is
 * still in the state the task expects, so a retried or replayed task does no harm.
 */
const stale = () => conflict('approval_changed', 'The approval changed while the workflow acted on it');

async function load(deps: TaskDeps, approvalId: string): Promise<StoredApproval> {
  const approval = await getApproval(deps.db, approvalId);
  if (!approval) throw Object.assign(new Error(`Approval ${approvalId} does not exist`), { name: 'ApprovalMissing' });
  return approval;
}

const label = (a: Approval) => `“${a.subject.title}”`;

/** Step results and the outcome go to the requester; ids derive from the event, so nothing is sent twice. */
function resultNotifications(a: Approval): NewNotification[] {
  const notes: NewNotification[] = [];
  for (const [i, step] of a.steps.entries()) {
    if ((step.status === 'APPROVED' || step.status === 'REJECTED') && step.decidedAt) {
      const last = step.decisions.at(-1);
      notes.push({
        userId: a.requesterId,
        kind: `approval.step_${step.status.toLowerCase()}`,
        title: `${step.name}: ${step.status.toLowerCase()}`,
        body: `${label(a)} step ${i + 1} of ${a.steps.length} was ${step.status.toLowerCase()} by ${last?.actorId ?? 'the approvers'}${last?.comment ? `: ${last.comment}` : ''}`,
        approvalId: a.id,
        at: step.decidedAt,
        event: `${a.id}/${step.id}/${step.status}`,
      });
    }
  }
  if (a.status !== 'PENDING' && a.decidedAt) {
    // A target's owner hears about a revision of their target too.
    const told = [...new Set([a.requesterId, ...(a.subject.type === 'target' ? [a.ownerId] : [])])];
    for (const userId of told) {
      notes.push({ userId, kind: `approval.${a.status.toLowerCase()}`, title: `Approval ${a.status.toLowerCase()}`, body: `${label(a)} is ${a.status.toLowerCase()}; ${outcomeText(a)}`, approvalId: a.id, at: a.decidedAt, event: `${a.id}/final/${a.status}` });
    }
  }
  return notes;
}

/** Ends the approval: final status, inbox cleared, deal unlocked with the outcome. */
async function finish(deps: TaskDeps, approval: StoredApproval, status: ApprovalStatus): Promise<StoredApproval> {
  const at = deps.clock.now().toISOString();
  const step = currentStep(approval);
  const steps = approval.steps.map((s, i) => (i === approval.currentStep && s.status === 'PENDING' ? { ...s, status: status === 'EXPIRED' ? ('EXPIRED' as const) : s.status, decidedAt: at, inbox: [] } : s));
  const next: StoredApproval = { ...approval, status, steps, decidedAt: at, updatedAt: at, version: approval.version + 1, pendingToken: undefined };
  await transact(deps.db, [putApprovalIfVersion(deps.db, next, approval.version), ...(step ? clearInbox(deps.db, approval, step) : []), ...releaseSubject(deps.db, approval, status, at)], stale);
  return next;
}

/** Moves to the next step, or finishes when a step was rejected or the last one approved. */
export async function advance(event: { approvalId: string }, deps: TaskDeps) {
  let approval = await load(deps, event.approvalId);
  const move = nextMove(approval);
  if (move.kind === 'closed') {
    // A retry after a crash finishes what the close started.
    await afterClose(deps.db, approval, approval.decidedAt ?? deps.clock.now().toISOString());
    await notify(deps.db, [...resultNotifications(approval), ...recallNotifications(approval)]);
    return { done: true, status: approval.status, step: null };
  }
  if (move.kind === 'finish') {
    approval = await finish(deps, approval, move.status);
    await afterClose(deps.db, approval, approval.decidedAt!);
    await notify(deps.db, resultNotifications(approval));
    return { done: true, status: approval.status, step: null };
  }
  const step = approval.steps[move.index]!;
  if (approval.currentStep !== move.index || step.status === 'WAITING') {
    const at = deps.clock.now().toISOString();
    const steps = approval.steps.map((s, i) => (i === move.index ? { ...s, status: 'PENDING' as const, startedAt: at } : s));
    const next = { ...approval, currentStep: move.index, steps, updatedAt: at, version: approval.version + 1 };
    await transact(deps.db, [putApprovalIfVersion(deps.db, next, approval.version)], stale);
    await notify(deps.db, resultNotifications(next));
    approval = next;
  }
  return { done: false, status: approval.status, step: { index: move.index, id: step.id, slaSeconds: step.slaSeconds } };
}

/** The callback task: stores the token on the step, fills the inboxes (delegates too) and tells the approvers. */
export async function requestDecision(event: { approvalId: string; stepIndex: number; taskToken: string }, deps: TaskDeps) {
  const approval = await load(deps, event.approvalId);
  const step = currentStep(approval);
  // Closed meanwhile (recalled, decided in a race): the token is never used and the SLA ends the wait.
  if (approval.status !== 'PENDING' || approval.currentStep !== event.stepIndex || step?.status !== 'PENDING') return { waiting: false };
  const now = deps.clock.now();
  const users = await usersById(deps.db, step.assignees);
  const inbox = step.assignees.flatMap((assignee) => {
    const found = activeDelegate(users.get(assignee), now.toISOString());
    // Nobody decides on their own request, not even as a delegate.
    const delegate = found === approval.requesterId || found === approval.ownerId ? undefined : found;
    const d = users.get(assignee)?.delegation;
    return [{ userId: assignee }, ...(delegate && !step.assignees.includes(delegate) ? [{ userId: delegate, onBehalfOf: assignee, from: d?.from, until: d?.until }] : [])];
  });
  const dueAt = new Date(now.getTime() + step.slaSeconds * 1000).toISOString();
  const steps = approval.steps.map((s, i) => (i === approval.currentStep ? { ...s, dueAt, inbox: inbox.map(({ userId, onBehalfOf }) => ({ userId, ...(onBehalfOf ? { onBehalfOf } : {}) })) } : s));
  const next: StoredApproval = { ...approval, steps, pendingToken: event.taskToken, updatedAt: now.toISOString(), version: approval.version + 1 };
  await transact(
    deps.db,
    [putApprovalIfVersion(deps.db, next, approval.version), ...inbox.map((entry) => inboxPut(deps.db, next, entry.userId, entry.onBehalfOf ? { onBehalfOf: entry.onBehalfOf, from: entry.from, until: entry.until } : undefined))],
    stale,
  );
  const round = step.escalations.length;
  await notify(
    deps.db,
    inbox.map((entry) => ({
      userId: entry.userId,
      kind: 'approval.requested',
      title: `Approval needed: ${step.name}`,
      body: `${label(approval)} needs your decision${entry.onBehalfOf ? ` (for ${entry.onBehalfOf}, who delegated to you)` : ''} by ${dueAt}`,
      approvalId: approval.id,
      at: step.startedAt ?? now.toISOString(),
      event: `${approval.id}/${step.id}/requested/${round}`,
    })),
  );
  return { waiting: true };
}

/** SLA breached: hand the step to the assignees' managers, or expire the approval past the limit. */
export async function escalate(event: { approvalId: string; stepIndex: number }, deps: TaskDeps) {
  const approval = await load(deps, event.approvalId);
  const step = currentStep(approval);
  if (approval.status !== 'PENDING') return { next: 'end' as const };
  if (approval.currentStep !== event.stepIndex || step?.status !== 'PENDING') return { next: 'advance' as const };
  const managers = await usersById(deps.db, step.assignees);
  const targets = escalationTargets(step, new Map(step.assignees.map((a) => [a, managers.get(a)?.managerId])), approval);
  if (!targets) {
    const expired = await finish(deps, approval, 'EXPIRED');
    await notify(deps.db, [
      ...resultNotifications(expired),
      ...step.assignees.map((userId) => ({ userId, kind: 'approval.expired', title: `Approval expired: ${step.name}`, body: `${label(approval)} expired without a decision`, approvalId: approval.id, at: expired.decidedAt!, event: `${approval.id}/${step.id}/expired` })),
    ]);
    return { next: 'end' as const };
  }
  const at = deps.clock.now().toISOString();
  const escalation = { at, from: step.assignees, to: targets };
  const steps = approval.steps.map((s, i) => (i === approval.currentStep ? { ...s, assignees: targets, escalations: [...s.escalations, escalation], inbox: [] } : s));
  const next: StoredApproval = { ...approval, steps, pendingToken: undefined, updatedAt: at, version: approval.version + 1 };
  await transact(deps.db, [putApprovalIfVersion(deps.db, next, approval.version), ...clearInbox(deps.db, approval, step), countEscalation(deps.db, step)], stale);
  const round = next.steps[next.currentStep]!.escalations.length;
  await notify(deps.db, [
    ...step.assignees.map((userId) => ({ userId, kind: 'approval.escalated', title: `Escalated: ${step.name}`, body: `${label(approval)} passed its SLA and went to ${targets.join(', ')}`, approvalId: approval.id, at, event: `${approval.id}/${step.id}/escalated/${round}` })),
    { userId: approval.requesterId, kind: 'approval.escalated', title: `Escalated: ${step.name}`, body: `${label(approval)} passed its SLA and went to ${targets.join(', ')}`, approvalId: approval.id, at, event: `${approval.id}/${step.id}/escalated/${round}` },
  ]);
  return { next: 'await' as const };
}

/** A recalled approval tells whoever it was waiting on. */
function recallNotifications(a: Approval): NewNotification[] {
  if (a.status !== 'RECALLED' || !a.decidedAt) return [];
  const step = a.steps.find((s) => s.status === 'RECALLED');
  return (step?.assignees ?? []).map((userId) => ({ userId, kind: 'approval.recalled', title: 'Approval recalled', body: `${label(a)} was recalled by ${a.requesterId}`, approvalId: a.id, at: a.decidedAt!, event: `${a.id}/recalled` }));
}
