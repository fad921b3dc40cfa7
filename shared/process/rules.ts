import { AppError, conflict, forbidden, invalid } from '#shared/core/errors';
import { canAssignOwners, canWriteSalesRecords, type Principal } from '#shared/core/principal';
import { requiredSteps, termsCovered, type ApprovalPolicy } from '#shared/approvals/policy';
import type { Owner } from '#shared/customers/rules';
import type { Customer } from '#shared/customers/schemas';
import { firstStage, kindOf, stageOf, type LostReason } from './pipeline.ts';
import { secondsBetween, type Placement } from './funnel.ts';
import type { CreateDeal, Deal, Order, PatchDeal, Pipeline, StageMove } from './schemas.ts';

/** Pure deal rules: who may change a deal, how it is built and changed, what a stage move does. */

export const dealScope = (deal: Pick<Deal, 'ownerId' | 'teamId' | 'regionId'>) => ({ ownerId: deal.ownerId, teamId: deal.teamId, regionId: deal.regionId });

export function assertCanWriteDeals(principal: Principal): void {
  if (!canWriteSalesRecords(principal)) throw forbidden('Your role reads deals but does not change them');
}

/** While an approval is pending the approvals engine holds the deal: no edits, no moves. */
export function assertUnlocked(deal: Pick<Deal, 'id' | 'lockedByApprovalId'>): void {
  if (deal.lockedByApprovalId) {
    throw conflict('deal_locked', `Deal ${deal.id} is locked by approval ${deal.lockedByApprovalId} until it is decided or recalled`);
  }
}

export function assertOpen(deal: Pick<Deal, 'id' | 'status'>): void {
  if (deal.status !== 'open') throw conflict('deal_closed', `Deal ${deal.id} is ${deal.status}; a closed deal cannot be changed`);
}

/** A deal sits in its owner's team and region; an owner without a region sells in the customer's region. */
export function dealPlacement(owner: Owner, fallbackRegionId: string): Placement {
  return { teamId: owner.teamId, regionId: owner.regionId ?? fallbackRegionId };
}

/** A deal may be opened only on an active customer the caller sees; others read as absent. */
export function assertCustomerUsable(customer: Customer | undefined, visible: boolean, customerId: string): Customer {
  if (!customer || !visible) throw invalid('The customer does not exist', { customerId: `No customer ${customerId}` });
  if (customer.status === 'merged') throw conflict('merged', `Customer ${customerId} was merged into ${customer.mergedInto}; open the deal on that customer`, { customerId: `Merged into ${customer.mergedInto}` });
  if (customer.status !== 'active') throw conflict('customer_archived', `Customer ${customerId} is archived; restore it before opening deals`, { customerId: 'Archived' });
  return customer;
}

export interface NewDealContext {
  id: string;
  owner: Owner;
  customer: Pick<Customer, 'id' | 'tier' | 'regionId'>;
  createdBy: string;
  pipeline: Pipeline;
  now: string;
}

export function newDeal(input: CreateDeal, ctx: NewDealContext): Deal {
  const { ownerId: _ownerId, ...fields } = input;
  const place = dealPlacement(ctx.owner, ctx.customer.regionId);
  const stage = firstStage(ctx.pipeline);
  return {
    id: ctx.id,
    ...fields,
    customerTier: ctx.customer.tier,
    stage: stage.id,
    probability: stage.probability,
    forecastCategory: 'pipeline',
    status: 'open',
    stageEntry: { at: ctx.now, ownerId: ctx.owner.id, ...place },
    ownerId: ctx.owner.id,
    ...place,
    createdBy: ctx.createdBy,
    version: 1,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
}

/** The forecast category is the owner's call, or a manager's (or above) within scope. */
export function assertForecastChange(principal: Principal, deal: Pick<Deal, 'ownerId'>, patch: PatchDeal): void {
  if (patch.forecastCategory !== undefined && principal.userId !== deal.ownerId && !canAssignOwners(principal)) {
    throw forbidden('The forecast category is set by the deal’s owner or their manager');
  }
}

export function applyDealPatch(current: Deal, patch: PatchDeal, newOwner: Owner | undefined, now: string): Deal {
  const { ownerId: _ownerId, ...fields } = patch;
  return {
    ...current,
    ...fields,
    ...(newOwner ? { ownerId: newOwner.id, ...dealPlacement(newOwner, current.regionId) } : {}),
    version: current.version + 1,
    updatedAt: now,
  };
}

/** The facts the approval policy looks at, as the deal stands. */
export const dealTerms = (deal: Pick<Deal, 'amount' | 'discountPct' | 'paymentTermsDays'>) => ({
  amount: deal.amount ?? 0,
  discountPct: deal.discountPct,
  paymentTermsDays: deal.paymentTermsDays,
});

/**
 * When the policy wants approvals for this deal, an APPROVED approval whose terms still cover the deal is needed;
 * otherwise 409 approval_required naming the steps. Returns true when an approval was relied on.
 */
export function assertApproved(policy: ApprovalPolicy, deal: Pick<Deal, 'id' | 'amount' | 'discountPct' | 'paymentTermsDays' | 'customerTier' | 'approval'>, target: string): boolean {
  const terms = dealTerms(deal);
  const steps = requiredSteps(policy, { ...terms, customerTier: deal.customerTier });
  if (steps.length === 0) return false;
  const approval = deal.approval;
  if (approval?.status === 'APPROVED' && termsCovered(approval.terms, terms)) return true;
  const needed = steps.map((s) => `${s.name} (${s.because.join(', ')})`).join('; ');
  const why = !approval
    ? 'it has no approval'
    : approval.status !== 'APPROVED'
      ? `approval ${approval.approvalId} was ${approval.status}`
      : `approval ${approval.approvalId} no longer covers its terms`;
  throw new AppError(409, 'approval_required', `Moving deal ${deal.id} to ${target} needs an approved approval — ${why}. Steps required: ${needed}`);
}

export interface MoveResult {
  deal: Deal;
  move: StageMove;
}

/** The deal after a (checked) move to `target`, and the history item that records it. */
export function applyMove(deal: Deal, pipeline: Pipeline, target: string, ctx: { moveId: string; by: string; now: string; reason?: string; orderId?: string }): MoveResult {
  const kind = kindOf(target);
  const next: Deal = {
    ...deal,
    stage: target,
    probability: stageOf(pipeline, target)!.probability,
    status: kind,
    forecastCategory: kind === 'won' ? 'closed' : kind === 'lost' ? 'omitted' : deal.forecastCategory,
    stageEntry: { at: ctx.now, ownerId: deal.ownerId, teamId: deal.teamId, regionId: deal.regionId },
    ...(kind === 'lost' ? { lostReason: ctx.reason as LostReason } : {}),
    ...(kind !== 'open' ? { closedAt: ctx.now } : {}),
    ...(ctx.orderId ? { orderId: ctx.orderId } : {}),
    version: deal.version + 1,
    updatedAt: ctx.now,
  };
  const move: StageMove = {
    id: ctx.moveId,
    dealId: deal.id,
    from: deal.stage,
    to: target,
    at: ctx.now,
    by: ctx.by,
    amount: deal.amount ?? null,
    currency: deal.currency,
    secondsInStage: secondsBetween(deal.stageEntry.at, ctx.now),
    ...(ctx.reason ? { reason: ctx.reason } : {}),
  };
  return { deal: next, move };
}

/** The first history item: the deal entering the pipeline's first stage. */
export const firstMove = (deal: Deal, moveId: string): StageMove => ({
  id: moveId,
  dealId: deal.id,
  from: null,
  to: deal.stage,
  at: deal.createdAt,
  by: deal.createdBy,
  amount: deal.amount ?? null,
  currency: deal.currency,
  secondsInStage: null,
});

/** Winning books revenue: the order, dated the day of the move (UTC). */
export function newOrder(deal: Deal, orderId: string, at: string): Order {
  return {
    id: orderId,
    customerId: deal.customerId,
    dealId: deal.id,
    amount: deal.amount!,
    currency: deal.currency,
    productLineId: deal.productLineId,
    regionId: deal.regionId,
    ...(deal.teamId ? { teamId: deal.teamId } : {}),
    ownerId: deal.ownerId,
    date: at.slice(0, 10),
    source: 'deal',
    createdAt: at,
  };
}
