import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import type { WorkflowEngine } from '#shared/core/workflow-engine';
import { resumeIfOpen } from '#shared/core/workflow-engine';
import { keys, type Key } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { auditPut } from '#shared/core/audit';
import { conflict, forbidden, invalid, notFound } from '#shared/core/errors';
import { canSee, canWriteSalesRecords, type Principal } from '#shared/core/principal';
import { fromItem, queryIndex, type Item } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { transact } from '#shared/core/write';
import { fromPolicyItem } from './policy-store.ts';
import { requiredSteps } from './policy.ts';
import { activeDelegate, resolveApprovers, usersById, type Approver } from './resolve.ts';
import { applyDecision, assertRecallable, buildSteps, currentStep, decidingFor, withoutInterested } from './rules.ts';
import { approvalItem, approvalView, putApprovalIfVersion, type StoredApproval } from './store.ts';
import { clearInbox, countDecisionTime, releaseSubject } from './finish.ts';
import type { Approval } from './schemas.ts';

export interface ApprovalDeps {
  db: Db;
  clock: Clock;
  engine: WorkflowEngine;
}

/** The parts of a deal an approval reads (shared/process owns deals; this is the contract between them). */
interface DealRecord {
  id: string;
  title: string;
  customerId: string;
  ownerId: string;
  teamId?: string;
  regionId: string;
  amount: number;
  currency: string;
  discountPct: number;
  paymentTermsDays: number;
  stage: string;
  lockedByApprovalId?: string;
  version: number;
}

const CLOSED_STAGES = new Set(['won', 'lost']);
const dealScope = (d: { ownerId: string; teamId?: string; regionId?: string }) => ({ ownerId: d.ownerId, teamId: d.teamId, regionId: d.regionId });

/** Everyone an approval involves may read it: the deal's scope, the requester, every assignee, delegate and decider. */
function involved(principal: Principal, a: Approval): boolean {
  const people = new Set([a.requesterId, ...a.steps.flatMap((s) => [...s.assignees, ...(s.inbox ?? []).map((e) => e.userId), ...s.decisions.map((d) => d.actorId), ...s.escalations.flatMap((e) => e.from)])]);
  return people.has(principal.userId) || canSee(principal, dealScope(a));
}

export function createApprovalService({ db, clock, engine }: ApprovalDeps) {
  /** Deal (visible), policy, customer tier, owner: the facts an approval is decided on. */
  async function dealFacts(session: Session, dealId: string) {
    const first = await session.load([keys.deal(dealId), keys.policy('approval')]);
    const deal = first.items[0] && fromItem<DealRecord>(first.items[0]);
    if (!deal || !canSee(first.principal, dealScope(deal))) throw notFound(`Deal ${dealId}`);
    const second = await session.load([keys.customer(deal.customerId), keys.user(deal.ownerId)]);
    const tier = (second.items[0]?.tier as 'A' | 'B' | 'C' | 'D' | undefined) ?? 'C';
    const policy = fromPolicyItem(first.items[1]);
    const customerRisk = (second.items[0]?.risk as { level?: 'low' | 'medium' | 'high' } | undefined)?.level;
    const facts = { amount: deal.amount, discountPct: deal.discountPct, paymentTermsDays: deal.paymentTermsDays, customerTier: tier, customerRisk };
    return { principal: first.principal, deal, owner: second.items[1] as Approver | undefined, policy, tier, required: requiredSteps(policy.policy, facts) };
  }

  async function resolveChain(facts: Awaited<ReturnType<typeof dealFacts>>, requesterId: string) {
    return Promise.all(
      facts.required.map(async (step) => withoutInterested(await resolveApprovers(db, step.approvers, facts.deal, facts.owner), { requesterId, ownerId: facts.deal.ownerId })),
    );
  }

  async function loadVisible(session: Session, id: string, extra: Key[] = []) {
    const { principal, items } = await session.load([keys.approval(id), ...extra]);
    const approval = items[0] && fromItem<StoredApproval>(items[0]);
    if (!approval || !involved(principal, approval)) throw notFound(`Approval ${id}`);
    return { principal, approval, items };
  }

  return {
    /** Which steps and named approvers a deal would need now (transparency before asking). */
    async preview(session: Session, dealId: string) {
      const facts = await dealFacts(session, dealId);
      const chain = await resolveChain(facts, session.identity.userId);
      const names = await usersById(db, chain.flat());
      return {
        dealId,
        policyVersion: facts.policy.version,
        required: facts.required.length > 0,
        steps: facts.required.map((step, i) => ({
          id: step.id,
          name: step.name,
          mode: step.mode,
          slaSeconds: step.slaSeconds,
          because: step.because,
          approvers: chain[i]!.map((id) => ({ id, name: names.get(id)?.name ?? id })),
        })),
      };
    },

    /** Creates the approval with its resolved chain, locks the deal and starts the workflow (202). */
    async request(session: Session, dealId: string, reason: string): Promise<Approval> {
      const facts = await dealFacts(session, dealId);
      const { principal, deal } = facts;
      if (!canWriteSalesRecords(principal)) throw forbidden('Your role cannot request approvals');
      if (CLOSED_STAGES.has(deal.stage)) throw conflict('deal_closed', `The deal is ${deal.stage}`);
      if (deal.lockedByApprovalId) {
        // A crash between the approval's write and its start would leave the deal locked with nothing running:
        // starting the workflow again by its name is a no-op when it runs, and heals it when it never started.
        await engine.startExecution({ workflow: 'approval', name: deal.lockedByApprovalId, input: { approvalId: deal.lockedByApprovalId } });
        throw conflict('deal_locked', `The deal is locked by pending approval ${deal.lockedByApprovalId}`);
      }
      if (facts.required.length === 0) throw conflict('approval_not_required', 'The approval policy needs no approval for this deal as it stands');
      const chain = await resolveChain(facts, principal.userId);
      const empty = facts.required.find((_, i) => chain[i]!.length === 0);
      if (empty) throw conflict('no_approver', `Nobody can approve step “${empty.name}” for this deal (no eligible, active approver)`);
      const now = clock.now().toISOString();
      const approval: StoredApproval = {
        id: newId(),
        subject: { type: 'deal', id: deal.id, title: deal.title },
        requesterId: principal.userId,
        ownerId: deal.ownerId,
        teamId: deal.teamId,
        regionId: deal.regionId,
        reason,
        status: 'PENDING',
        policyVersion: facts.policy.version,
        terms: { amount: deal.amount, currency: deal.currency, discountPct: deal.discountPct, paymentTermsDays: deal.paymentTermsDays },
        customerTier: facts.tier,
        steps: buildSteps(facts.required, chain),
        currentStep: -1,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      await transact(
        db,
        [
          { Put: { TableName: db.tableName, Item: approvalItem(approval), ConditionExpression: 'attribute_not_exists(PK)' } },
          {
            Update: {
              TableName: db.tableName,
              Key: keys.deal(deal.id),
              UpdateExpression: 'SET lockedByApprovalId = :id, version = version + :one, updatedAt = :now',
              ConditionExpression: 'version = :v AND attribute_not_exists(lockedByApprovalId)',
              ExpressionAttributeValues: { ':id': approval.id, ':one': 1, ':now': now, ':v': deal.version },
            },
          },
          auditPut(db, { entityType: 'deal', entityId: deal.id, action: 'approval_requested', actorId: principal.userId, at: now, before: { lockedByApprovalId: null }, after: { lockedByApprovalId: approval.id }, scope: dealScope(deal) }),
        ],
        () => conflict('deal_changed', 'The deal changed or was locked meanwhile; read it again'),
      );
      await engine.startExecution({ workflow: 'approval', name: approval.id, input: { approvalId: approval.id } });
      return approvalView(approval);
    },

    async get(session: Session, id: string): Promise<Approval> {
      return approvalView((await loadVisible(session, id)).approval);
    },

    /** My inbox (steps waiting on me or on someone who delegated to me) or the approvals I asked for. */
    async list(session: Session, query: { inbox?: 'mine'; requestedBy?: 'me'; limit: number; cursor?: string }) {
      const { principal } = await session.load();
      if (Boolean(query.inbox) === Boolean(query.requestedBy)) throw invalid('Ask for exactly one list', { inbox: 'Use inbox=mine or requestedBy=me, not both' });
      if (query.requestedBy) {
        const page = await queryIndex<StoredApproval>(db, { index: 'GSI1', partition: keys.requesterPartition(principal.userId), descending: true, limit: query.limit, cursor: query.cursor });
        return { items: page.items.map(approvalView), nextCursor: page.nextCursor };
      }
      const now = clock.now().toISOString();
      const page = await queryIndex<Item>(db, { index: 'GSI1', partition: keys.inboxPartition(principal.userId), descending: true, limit: query.limit, cursor: query.cursor });
      return { items: page.items.filter((e) => !e.until || String(e.until) >= now), nextCursor: page.nextCursor };
    },

    async decide(session: Session, id: string, input: { decision: 'approve' | 'reject'; comment?: string }): Promise<Approval> {
      const actorId = session.identity.userId;
      const { principal, approval, items } = await loadVisible(session, id, [keys.inboxEntry(id, actorId)]);
      const entry = items[1];
      let delegatedBy: string | undefined;
      if (entry?.onBehalfOf) {
        // A delegated entry counts only while the delegator's delegation still names this actor (revocation is immediate).
        const delegator = (await usersById(db, [String(entry.onBehalfOf)])).get(String(entry.onBehalfOf));
        if (activeDelegate(delegator, clock.now().toISOString()) === actorId) delegatedBy = String(entry.onBehalfOf);
      }
      const assignee = decidingFor(approval, principal.userId, delegatedBy);
      const now = clock.now().toISOString();
      const step = currentStep(approval)!;
      const decision = { decision: input.decision, actorId, ...(assignee !== actorId ? { onBehalfOf: assignee } : {}), ...(input.comment ? { comment: input.comment } : {}), at: now };
      const { approval: decided, closed } = applyDecision(approval, decision, now);
      const done = closed ? step.inbox ?? [] : (step.inbox ?? []).filter((e) => e.userId === assignee || e.onBehalfOf === assignee);
      const remaining = (step.inbox ?? []).filter((e) => !done.includes(e));
      const next: StoredApproval = {
        ...decided,
        steps: decided.steps.map((s, i) => (i === decided.currentStep ? { ...s, inbox: remaining } : s)),
        pendingToken: closed ? undefined : approval.pendingToken,
      };
      await transact(
        db,
        [
          putApprovalIfVersion(db, next, approval.version),
          ...clearInbox(db, approval, { ...step, inbox: done }),
          ...(closed ? [countDecisionTime(db, next.steps[next.currentStep]!, now)] : []),
        ],
        () => conflict('decision_conflict', 'Someone decided on this approval at the same moment; read it again'),
      );
      if (closed) await resumeIfOpen(approval.pendingToken, (token) => engine.sendTaskSuccess(token, { stepId: step.id, status: next.steps[next.currentStep]!.status }));
      return approvalView(next);
    },

    /** The requester withdraws a pending approval: it ends RECALLED and the deal is unlocked at once. */
    async recall(session: Session, id: string): Promise<Approval> {
      const { principal, approval } = await loadVisible(session, id);
      assertRecallable(approval, principal.userId);
      const now = clock.now().toISOString();
      const step = currentStep(approval);
      const steps = approval.steps.map((s, i) => (i === approval.currentStep && s.status === 'PENDING' ? { ...s, status: 'RECALLED' as const, decidedAt: now, inbox: [] } : s));
      const next: StoredApproval = { ...approval, status: 'RECALLED', steps, decidedAt: now, updatedAt: now, version: approval.version + 1, pendingToken: undefined };
      await transact(db, [putApprovalIfVersion(db, next, approval.version), ...(step ? clearInbox(db, approval, step) : []), ...releaseSubject(db, approval, 'RECALLED', now)], () =>
        conflict('decision_conflict', 'The approval changed at the same moment; read it again'),
      );
      await resumeIfOpen(approval.pendingToken, (token) => engine.sendTaskFailure(token, 'Recalled', `Recalled by ${principal.userId}`));
      return approvalView(next);
    },
  };
}
