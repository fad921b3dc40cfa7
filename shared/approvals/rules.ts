import { AppError, conflict, forbidden } from '#shared/core/errors';
import type { Approval, ApprovalStep, Decision } from './schemas.ts';
import type { PolicyStep } from './policy.ts';

/** Steps as the policy resolved them for one deal; nothing is pending until the workflow reaches it. */
export function buildSteps(required: (PolicyStep & { because: string[] })[], assignees: string[][]): ApprovalStep[] {
  return required.map((step, i) => ({
    id: step.id,
    name: step.name,
    mode: step.mode,
    slaSeconds: step.slaSeconds,
    maxEscalations: step.maxEscalations,
    because: step.because,
    approvers: step.approvers,
    assignees: assignees[i]!,
    status: 'WAITING',
    decisions: [],
    escalations: [],
  }));
}

/** Nobody approves their own request or their own deal: they are removed from every chain. */
export function withoutInterested(assignees: string[], approval: Pick<Approval, 'requesterId' | 'ownerId'>): string[] {
  return [...new Set(assignees)].filter((id) => id !== approval.requesterId && id !== approval.ownerId);
}

export function currentStep(approval: Approval): ApprovalStep | undefined {
  return approval.currentStep >= 0 ? approval.steps[approval.currentStep] : undefined;
}

/**
 * Who the actor decides for: themselves as an assignee, or the assignee who delegated to them (`delegatedBy`,
 * from their inbox entry, already checked to be active). Throws 403 for outsiders, 409 for closed or repeated.
 */
export function decidingFor(approval: Approval, actorId: string, delegatedBy: string | undefined): string {
  if (actorId === approval.requesterId || actorId === approval.ownerId) throw forbidden('You cannot decide on your own request or your own deal');
  if (approval.status !== 'PENDING') throw conflict('approval_closed', `This approval is ${approval.status.toLowerCase()}; it takes no more decisions`);
  const step = currentStep(approval);
  const pending = step?.status === 'PENDING';
  const assignee = step?.assignees.includes(actorId) ? actorId : delegatedBy && step?.assignees.includes(delegatedBy) ? delegatedBy : undefined;
  if (!assignee) {
    // A decider of an earlier step replaying their decision: a repeat, not a stranger.
    if (approval.steps.some((s) => s.decisions.some((d) => d.actorId === actorId))) throw conflict('already_decided', 'You already decided on this approval');
    if (!pending) throw conflict('step_closed', 'This step is not waiting for a decision');
    throw forbidden('This step is not assigned to you or to anyone who delegated to you');
  }
  if (!pending) throw conflict('step_closed', 'This step is already decided');
  if (step!.decisions.some((d) => d.actorId === actorId || (d.onBehalfOf ?? d.actorId) === assignee)) {
    throw conflict('already_decided', 'You already decided on this step');
  }
  return assignee;
}

/** Adds a decision; `any` closes on the first answer, `all` on the last approval or the first rejection. */
export function applyDecision(approval: Approval, decision: Decision, now: string): { approval: Approval; closed: boolean } {
  const step = currentStep(approval)!;
  const decisions = [...step.decisions, decision];
  const approvedBy = new Set(decisions.filter((d) => d.decision === 'approve').map((d) => d.onBehalfOf ?? d.actorId));
  const status: ApprovalStep['status'] =
    decision.decision === 'reject' ? 'REJECTED' : step.mode === 'any' || step.assignees.every((a) => approvedBy.has(a)) ? 'APPROVED' : 'PENDING';
  const closed = status !== 'PENDING';
  const steps = approval.steps.map((s, i) => (i === approval.currentStep ? { ...s, decisions, status, ...(closed ? { decidedAt: now } : {}) } : s));
  return { approval: { ...approval, steps, updatedAt: now, version: approval.version + 1 }, closed };
}

/** What the workflow does next after a step: decide the next one, or finish with an outcome. */
export function nextMove(approval: Approval): { kind: 'step'; index: number } | { kind: 'finish'; status: 'APPROVED' | 'REJECTED' } | { kind: 'closed' } {
  if (approval.status !== 'PENDING') return { kind: 'closed' };
  const step = currentStep(approval);
  if (step?.status === 'REJECTED') return { kind: 'finish', status: 'REJECTED' };
  if (step && step.status !== 'APPROVED') return { kind: 'step', index: approval.currentStep };
  const index = approval.currentStep + 1;
  return index < approval.steps.length ? { kind: 'step', index } : { kind: 'finish', status: 'APPROVED' };
}

/**
 * On an SLA breach the step goes to the assignees' managers, up to maxEscalations times; then it expires.
 * Returns the new assignees, or null when the approval must expire.
 */
export function escalationTargets(step: ApprovalStep, managerOf: Map<string, string | undefined>, approval: Pick<Approval, 'requesterId' | 'ownerId'>): string[] | null {
  if (step.escalations.length >= step.maxEscalations) return null;
  const targets = withoutInterested(step.assignees.map((a) => managerOf.get(a)).filter((m): m is string => Boolean(m)), approval);
  return targets.length > 0 ? targets : null;
}

export function assertRecallable(approval: Approval, actorId: string): void {
  if (approval.requesterId !== actorId) throw forbidden('Only the requester can recall an approval');
  if (approval.status !== 'PENDING') throw new AppError(409, 'not_pending', `This approval is ${approval.status}, not pending`);
}
