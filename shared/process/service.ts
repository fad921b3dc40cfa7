import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { keys, indexPartition } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { entityAuditor } from '#shared/core/audit';
import { conflict, invalid, notFound } from '#shared/core/errors';
import { withIdempotency } from '#shared/core/idempotency';
import { canSee, dataScope, type Principal, type Role } from '#shared/core/principal';
import { fromItem, queryIndex, type Item } from '#shared/core/query';
import type { Page } from '#shared/core/pagination';
import type { Session } from '#shared/core/session';
import { putIfAbsent, type TransactItem } from '#shared/core/write';
import { staleVersion } from '#shared/org/service';
import { assertCanAssign, customerScope, type Owner } from '#shared/customers/rules';
import type { Customer } from '#shared/customers/schemas';
import { fromPolicyItem, type StoredPolicy } from '#shared/approvals/policy-store';
import { bookOrder, readCustomerConsistently } from '#shared/customers/value-store';
import { fromGradingPolicyItem, gradingPolicyStore, type StoredGradingPolicy } from '#shared/customers/grading-policy';
import { checkMove, criteriaFor, firstStage, fromPipelineItem, kindOf, missingFields, WON } from './pipeline.ts';
import { moveCounters } from './funnel.ts';
import { pipelineWrites } from '#shared/goals/open-pipeline-store';
import { openDealWrite } from './stale-deals.ts';
import { dealRefWrite } from '#shared/data-quality/deal-refs';
import {
  applyDealPatch,
  applyMove,
  assertApproved,
  assertCanWriteDeals,
  assertCustomerUsable,
  assertForecastChange,
  assertOpen,
  assertUnlocked,
  dealScope,
  firstMove,
  newDeal,
  newOrder,
} from './rules.ts';
import {
  counterUpdate,
  customerTierCheck,
  dealItem,
  moveItem,
  occupancyUpdate,
  readCustomerTier,
  readDealCollection,
  readDealConsistently,
  updateDeal,
} from './store.ts';
import { transactRetrying } from '#shared/core/write';
import type { CreateDeal, Deal, MoveStage, PatchDeal, Pipeline } from './schemas.ts';

export interface DealDeps {
  db: Db;
  clock: Clock;
}

export interface ListDeals {
  ownerId?: string;
  stage?: string;
  limit: number;
  cursor?: string;
}

/** A won move books its order against the customer as read (stats and grade change in the same transaction). */
interface OrderBooking {
  customer: Customer;
  grading: StoredGradingPolicy;
  attempt: number;
}

const pipelineChanged = () => conflict('pipeline_changed', 'The pipeline changed while this deal moved (its stage was removed); read the pipeline again');

export function createDealService({ db, clock }: DealDeps) {
  const audit = entityAuditor<Deal>(db, 'deal', dealScope);

  const visibleDeal = (principal: Principal, item: Item | undefined, id: string) => {
    const deal = item && fromItem<Deal>(item);
    if (!deal || !canSee(principal, dealScope(deal))) throw notFound(`Deal ${id}`);
    return deal;
  };

  /** A failed write on the deal item: tell a lock taken meanwhile from a plain stale version. */
  async function dealConflict(id: string): Promise<Error> {
    const now = await readDealConsistently(db, id);
    if (!now) return notFound(`Deal ${id}`);
    try {
      assertUnlocked(now);
    } catch (locked) {
      return locked as Error;
    }
    return staleVersion(now.version);
  }

  /** Runs a transaction whose first item is the deal's conditional write; names the cause when it fails. */
  async function write(id: string, items: Record<string, unknown>[], onOther: (index: number) => Error = () => conflict('write_conflict', 'Another change happened at the same moment; try again')) {
    let failed = -1;
    try {
      await transactRetrying(db, items, (index) => {
        failed = index;
        return onOther(index);
      });
    } catch (error) {
      if (failed === 0) throw await dealConflict(id);
      throw error;
    }
  }

  /** Commits a checked move (2nd round trip). `tier` is the customer tier the approval facts use. */
  async function commitMove(principal: Principal, deal: Deal, pipeline: Pipeline, policy: StoredPolicy, input: MoveStage, tier: Deal['customerTier'], booking?: OrderBooking): Promise<Deal> {
    const working = { ...deal, customerTier: tier };
    const { needsApproval } = checkMove(pipeline, working, input.stage, input.reason);
    const reliedOnApproval = needsApproval && assertApproved(policy.policy, working, input.stage);
    const now = clock.now().toISOString();
    const orderId = input.stage === WON ? newId() : undefined;
    const { deal: next, move } = applyMove(working, pipeline, input.stage, { moveId: newId(), by: principal.userId, now, reason: input.reason, orderId });
    const counters = moveCounters(pipeline, {
      from: { stage: deal.stage, enteredAt: deal.stageEntry.at, place: deal.stageEntry },
      to: input.stage,
      at: now,
      amount: deal.amount,
      currency: deal.currency,
      reason: input.reason,
      place: deal,
    });
    const approvalHeld = reliedOnApproval
      ? { condition: '#approval.#approvalId = :approvalId AND #approval.#status = :approved', names: { '#approval': 'approval', '#approvalId': 'approvalId', '#status': 'status' }, values: { ':approvalId': deal.approval!.approvalId, ':approved': 'APPROVED' } }
      : undefined;
    const items: TransactItem[] = [
      updateDeal(db, deal, next, approvalHeld),
      putIfAbsent(db, moveItem(move)),
      audit(principal, 'stage', deal, next),
      ...counters.map((delta) => counterUpdate(db, delta)),
      occupancyUpdate(db, deal.stage, -1),
      ...(kindOf(input.stage) === 'open' ? [occupancyUpdate(db, input.stage, 1)] : []),
      // The open pipeline by close month: the new probability, or out of it when won or lost (≤ 8 items; a won move totals ≤ 35).
      ...pipelineWrites(db, deal, next),
      // The stale-deals entry: re-keyed by the new stage's entry time, or deleted when the deal closes.
      ...openDealWrite(db, deal, next),
    ];
    if (orderId && !booking) throw new Error('A won move needs the customer it books the order for');
    const booked = orderId ? bookOrder(db, { customer: booking!.customer, order: newOrder(next, orderId, now), policy: booking!.grading, actorId: principal.userId, now }) : undefined;
    const customerIndex = booked ? items.push(...booked.items) - booked.items.length + booked.customerIndex : -1;
    // A transaction touches an item once: when the order's customer Update is there, its version condition guards the tier.
    const tierIndex = needsApproval ? (booked ? customerIndex : items.push(customerTierCheck(db, deal.customerId, tier)) - 1) : -1;
    const enterIndex = kindOf(input.stage) === 'open' ? 4 + counters.length : -1;
    let tierChanged = false;
    let customerChanged = false;
    try {
      await write(deal.id, items, (index) => {
        tierChanged = index === tierIndex;
        customerChanged = index === customerIndex;
        return index === enterIndex ? pipelineChanged() : conflict('customer_changed', `Customer ${deal.customerId} changed while the deal moved; try again`);
      });
    } catch (error) {
      if (booking && customerChanged && booking.attempt < 3) {
        // The customer changed since it was read (an order, a PATCH, another module's figures): read it and decide again.
        const customer = await readCustomerConsistently(db, deal.customerId);
        if (!customer) throw conflict('customer_missing', `Customer ${deal.customerId} no longer exists`);
        return commitMove(principal, deal, pipeline, policy, input, customer.tier, { ...booking, customer, attempt: booking.attempt + 1 });
      }
      if (booking || !tierChanged || tier !== deal.customerTier) throw error;
      // The customer's tier changed since the deal last looked: decide again on the current tier (rare: 2 more trips).
      const current = await readCustomerTier(db, deal.customerId);
      if (!current) throw conflict('customer_missing', `Customer ${deal.customerId} no longer exists`);
      return commitMove(principal, deal, pipeline, policy, input, current as Deal['customerTier']);
    }
    return next;
  }

  return {
    /** principal + customer + product line + owner + pipeline in one BatchGet, then one transaction. */
    async create(session: Session, input: CreateDeal, idempotencyKey?: string) {
      const ownerId = input.ownerId ?? session.identity.userId;
      const { principal, items } = await session.load([keys.customer(input.customerId), keys.productLine(input.productLineId), keys.user(ownerId), keys.pipeline()]);
      assertCanWriteDeals(principal);
      const found = items[0] && fromItem<Customer>(items[0]);
      const customer = assertCustomerUsable(found, !!found && canSee(principal, customerScope(found)), input.customerId);
      if (!items[1]) throw invalid('The product line does not exist', { productLineId: `No product line ${input.productLineId}` });
      const owner = assertCanAssign(principal, items[2] && fromItem<Owner>(items[2]), ownerId);
      const pipeline = fromPipelineItem(items[3]);
      const first = firstStage(pipeline);
      const missing = missingFields(input, criteriaFor(pipeline, undefined, first.id), first.id);
      if (Object.keys(missing).length > 0) throw invalid(`New deals start in ${first.id}, which needs ${Object.keys(missing).join(' and ')}`, missing);
      const idempotency = idempotencyKey ? { principalId: principal.userId, key: idempotencyKey, request: { route: 'POST /deals', input } } : undefined;
      return withIdempotency(db, idempotency, clock.now(), async (record) => {
        const now = clock.now().toISOString();
        const deal = newDeal(input, { id: newId(), owner, customer, createdBy: principal.userId, pipeline, now });
        const counters = moveCounters(pipeline, { to: deal.stage, at: now, amount: deal.amount, currency: deal.currency, place: deal });
        const response = { status: 201, body: deal };
        const items = [
          putIfAbsent(db, dealItem(deal)),
          putIfAbsent(db, moveItem(firstMove(deal, newId()))),
          audit(principal, 'create', undefined, deal),
          ...counters.map((delta) => counterUpdate(db, delta)),
          occupancyUpdate(db, deal.stage, 1),
        ];
        const enterIndex = items.length - 1;
        // + the customer's reference to the deal (the merge finds a customer's deals by it): still ~20 items, far under 100.
        await transactRetrying(db, [...items, ...pipelineWrites(db, undefined, deal), ...openDealWrite(db, undefined, deal), dealRefWrite(db, deal), ...record(response)], (index) =>
          index === enterIndex ? pipelineChanged() : conflict('already_exists', 'A deal with this id already exists'),
        );
        return response;
      });
    },

    /** The deal with its stage history: the principal and one Query on the deal's partition, side by side. */
    async get(session: Session, id: string) {
      const [{ principal }, { deal, moves }] = await Promise.all([session.load(), readDealCollection(db, id)]);
      if (!deal || !canSee(principal, dealScope(deal))) throw notFound(`Deal ${id}`);
      const history = moves.map(({ id: _id, dealId: _dealId, ...move }) => move);
      return { ...deal, history };
    },

    async patch(session: Session, id: string, patch: PatchDeal, expectedVersion: number): Promise<Deal> {
      const reassigning = patch.ownerId !== undefined;
      const { principal, items } = await session.load([
        keys.deal(id),
        ...(reassigning ? [keys.user(patch.ownerId!)] : []),
        ...(patch.productLineId ? [keys.productLine(patch.productLineId)] : []),
      ]);
      const deal = visibleDeal(principal, items[0], id);
      assertCanWriteDeals(principal);
      assertUnlocked(deal);
      assertOpen(deal);
      if (deal.version !== expectedVersion) throw staleVersion(deal.version);
      assertForecastChange(principal, deal, patch);
      const owner = reassigning && patch.ownerId !== deal.ownerId ? assertCanAssign(principal, items[1] && fromItem<Owner>(items[1]), patch.ownerId!) : undefined;
      if (owner) {
        // The new owner must be able to work the deal's customer (one more read, on reassignment only).
        const { items: [customerItem] } = await session.load([keys.customer(deal.customerId)]);
        const user = items[1] as { roles?: Role[]; teamId?: string; regionId?: string };
        const asOwner = { userId: owner.id, name: owner.id, roles: user.roles ?? [], teamId: user.teamId, regionId: user.regionId };
        if (customerItem && !canSee(asOwner, customerScope(fromItem<Customer>(customerItem)))) {
          throw conflict('customer_out_of_reach', `${owner.id} cannot see this deal’s customer; reassign the customer to them first`, { ownerId: 'Outside the customer’s scope' });
        }
      }
      if (patch.productLineId && !items[reassigning ? 2 : 1]) throw invalid('The product line does not exist', { productLineId: `No product line ${patch.productLineId}` });
      const next = applyDealPatch(deal, patch, owner, clock.now().toISOString());
      await write(id, [updateDeal(db, deal, next), audit(principal, owner ? 'reassign' : 'update', deal, next), ...pipelineWrites(db, deal, next), ...openDealWrite(db, deal, next)]);
      return next;
    },

    /**
     * principal + deal + pipeline + approval policy (+ grading policy when winning) in one BatchGet, then one
     * transaction (~12 items). Winning reads the deal's customer in between (its id is on the deal), so that the
     * order, the customer's stats and its grade are written together: 3 round trips for a won move.
     */
    async moveStage(session: Session, id: string, input: MoveStage, expectedVersion?: number): Promise<Deal> {
      const winning = input.stage === WON;
      const { principal, items } = await session.load([keys.deal(id), keys.pipeline(), keys.policy('approval'), ...(winning ? [gradingPolicyStore.key()] : [])]);
      const deal = visibleDeal(principal, items[0], id);
      assertCanWriteDeals(principal);
      assertUnlocked(deal);
      assertOpen(deal);
      if (expectedVersion !== undefined && deal.version !== expectedVersion) throw staleVersion(deal.version);
      const pipeline = fromPipelineItem(items[1]);
      const policy = fromPolicyItem(items[2]);
      if (!winning) return commitMove(principal, deal, pipeline, policy, input, deal.customerTier);
      const customer = await readCustomerConsistently(db, deal.customerId);
      if (!customer) throw conflict('customer_missing', `Customer ${deal.customerId} no longer exists`);
      return commitMove(principal, deal, pipeline, policy, input, customer.tier, { customer, grading: fromGradingPolicyItem(items[3]), attempt: 1 });
    },

    /** From the index that holds exactly the caller's scope; the stage is a key prefix. */
    async list(session: Session, query: ListDeals): Promise<Page<Deal>> {
      const { principal } = await session.load();
      const page = { limit: query.limit, cursor: query.cursor, sortPrefix: keys.dealSortPrefix(query.stage) };
      if (query.ownerId) {
        const result = await queryIndex<Deal>(db, { index: 'GSI1', partition: indexPartition.owner(query.ownerId), ...page });
        return { items: result.items.filter((deal) => canSee(principal, dealScope(deal))), nextCursor: result.nextCursor };
      }
      const scope = dataScope(principal);
      if (scope.kind === 'all') return queryIndex<Deal>(db, { index: 'GSI4', partition: indexPartition.all('DEALS'), ...page });
      if (scope.kind === 'region') return queryIndex<Deal>(db, { index: 'GSI3', partition: indexPartition.region(scope.regionId), ...page });
      if (scope.kind === 'team') return queryIndex<Deal>(db, { index: 'GSI2', partition: indexPartition.team(scope.teamId), ...page });
      return queryIndex<Deal>(db, { index: 'GSI1', partition: indexPartition.owner(scope.userId), ...page });
    },
  };
}
