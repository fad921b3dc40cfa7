import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { keys, type Key } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { auditPut } from '#shared/core/audit';
import { conflict, forbidden, invalid, notFound } from '#shared/core/errors';
import { withIdempotency } from '#shared/core/idempotency';
import { canSee, hasRole, type Principal } from '#shared/core/principal';
import { fromItem } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import type { TransactItem } from '#shared/core/write';
import { staleVersion } from '#shared/org/service';
import { transactRetrying } from '#shared/core/write';
import type { Order } from '#shared/process/schemas';
import { assertCanWrite, customerScope, mergedAway } from './rules.ts';
import { isGraded, regrade } from './grading.ts';
import { fromGradingPolicyItem, gradingPolicyStore, type GradingPolicy, type StoredGradingPolicy } from './grading-policy.ts';
import { bookOrder, customerAudit, readCustomerConsistently, tierChangeAudit, valueUpdate, withValue } from './value-store.ts';
import type { PinTier, RecordOrder } from './value-schemas.ts';
import type { Customer, Grade } from './schemas.ts';

export interface ValueDeps {
  db: Db;
  clock: Clock;
}

export const ROUNDING =
  'score = round half up of Σ(points × weight) / 100; each contribution is points × weight / 100 rounded by largest remainder ' +
  '(all floored, then +1 to the largest fractions, ties in component order), so the contributions add up exactly to the score';

/** GET /customers/{id}/grade: the stored grade component by component (it is what the tier was decided on). */
export function explainGrade(customer: Customer, current: StoredGradingPolicy) {
  const grade = customer.grade;
  const measures: Record<string, string> = {
    monetary: `12-month spend, minor units of ${current.policy.monetary.currency}`,
    frequency: 'orders in the last 12 months',
    recency: 'days since the last order (null: none yet)',
    credit: 'credit rating (null: unrated)',
  };
  return {
    customerId: customer.id,
    tier: customer.tier,
    graded: isGraded(customer),
    score: grade?.score ?? null,
    computedTier: grade?.computedTier ?? null,
    pinned: grade?.pinned ?? null,
    asOf: grade?.asOf ?? null,
    computedAt: grade?.computedAt ?? null,
    policyVersion: grade?.policyVersion ?? null,
    currentPolicyVersion: current.version,
    components: (grade?.components ?? []).map((c) => ({ component: c.component, measure: measures[c.component]!, value: c.value, points: c.points, weight: c.weight, contribution: c.contribution })),
    thresholds: grade?.thresholds ?? current.policy.thresholds,
    rounding: ROUNDING,
  };
}

export const directOrder = (input: RecordOrder, customer: Customer, id: string, by: string, at: string): Order => ({
  id,
  customerId: customer.id,
  amount: input.amount,
  currency: input.currency,
  productLineId: input.productLineId,
  regionId: customer.regionId,
  ...(customer.teamId ? { teamId: customer.teamId } : {}),
  ownerId: customer.ownerId,
  date: input.date,
  source: 'direct',
  ...(input.note ? { note: input.note } : {}),
  recordedBy: by,
  createdAt: at,
});

/** Each round of a race lets at least one writer through, so a few rounds serve a handful of simultaneous orders. */
const ATTEMPTS = 5;

export function createCustomerValueService({ db, clock }: ValueDeps) {
  /** principal + customer + grading policy (+ extra) in one BatchGet; a customer out of scope is a 404. */
  async function loadVisible(session: Session, id: string, extra: Key[] = []) {
    const { principal, items } = await session.load([keys.customer(id), gradingPolicyStore.key(), ...extra]);
    const customer = items[0] && fromItem<Customer>(items[0]);
    if (!customer || !canSee(principal, customerScope(customer))) throw notFound(`Customer ${id}`);
    return { principal, customer, policy: fromGradingPolicyItem(items[1]), extra: items.slice(2) };
  }

  async function readCustomer(id: string): Promise<Customer> {
    const customer = await readCustomerConsistently(db, id);
    if (!customer) throw notFound(`Customer ${id}`);
    return customer;
  }

  /**
   * Commits items built from the customer as read. Other modules write the same item (intent, care, health), so when
   * only the customer's version moved and the caller holds no If-Match, it reads the customer again and rebuilds
   * (extra round trips only on that race); otherwise a stale version is a 409.
   */
  async function commit<T>(customer: Customer, retry: boolean, build: (c: Customer) => { items: TransactItem[]; customerIndex: number; result: T }, onOther?: (index: number) => Error): Promise<T> {
    let current = customer;
    for (let attempt = 1; ; attempt++) {
      const { items, customerIndex, result } = build(current);
      let stale = false;
      try {
        await transactRetrying(db, items, (index) => {
          stale = index === customerIndex;
          return stale || !onOther ? staleVersion() : onOther(index);
        });
        return result;
      } catch (error) {
        if (!stale || !retry || attempt >= ATTEMPTS) throw error;
        current = await readCustomer(customer.id);
      }
    }
  }

  /** Pin or unpin: regrade as of today with the pin given (none = unpinned), audit it, and the tier change if any. */
  async function writePin(principal: Principal, customer: Customer, policy: StoredGradingPolicy, pinned: Grade['pinned'] | null, expectedVersion?: number) {
    if (expectedVersion !== undefined && customer.version !== expectedVersion) throw staleVersion(customer.version);
    const action = pinned ? 'pin_tier' : 'unpin_tier';
    return commit(customer, expectedVersion === undefined, (current) => {
      const now = clock.now().toISOString();
      const after = withValue(current, regrade(current, policy, now, pinned), now);
      const items = [
        valueUpdate(db, current, after),
        customerAudit(db, principal.userId, action, after, { pinned: current.grade?.pinned }, { pinned: after.grade?.pinned }),
        ...tierChangeAudit(db, principal.userId, current, after),
      ];
      return { items, customerIndex: 0, result: { grade: explainGrade(after, policy), version: after.version } };
    });
  }

  return {
    /** One BatchGet (principal + customer + product line + policy), one transaction: order, stats, grade, audit. */
    async recordOrder(session: Session, customerId: string, input: RecordOrder, idempotencyKey?: string) {
      const today = clock.now().toISOString().slice(0, 10);
      if (input.date > today) throw invalid('An order cannot be dated in the future', { date: `On or before ${today} (UTC)` });
      const { principal, customer, policy, extra } = await loadVisible(session, customerId, [keys.productLine(input.productLineId)]);
      assertCanWrite(principal);
      if (customer.status === 'archived') throw conflict('archived', 'An archived customer takes no orders');
      if (customer.status === 'merged') throw mergedAway(customer);
      if (!extra[0]) throw invalid('The product line does not exist', { productLineId: `No product line ${input.productLineId}` });
      const idempotency = idempotencyKey ? { principalId: principal.userId, key: idempotencyKey, request: { route: 'POST /customers/{id}/orders', customerId, input } } : undefined;
      return withIdempotency(db, idempotency, clock.now(), (record) =>
        commit(
          customer,
          true,
          (current) => {
            if (current.status === 'merged') throw mergedAway(current); // merged while this order was on its way
            const now = clock.now().toISOString();
            const order = directOrder(input, current, newId(), principal.userId, now);
            const booking = bookOrder(db, { customer: current, order, policy, actorId: principal.userId, now });
            const response = { status: 201, body: order };
            return { items: [...booking.items, ...record(response)], customerIndex: booking.customerIndex, result: response };
          },
          () => conflict('already_exists', 'An order with this id already exists'),
        ),
      );
    },

    /** One BatchGet: the customer and the policy in force (`version` is the customer's, for the ETag). */
    async grade(session: Session, customerId: string) {
      const { customer, policy } = await loadVisible(session, customerId);
      return { grade: explainGrade(customer, policy), version: customer.version };
    },

    /** Admin: the tier stays `tier` whatever the score, until unpinned. */
    async pin(session: Session, customerId: string, input: PinTier, expectedVersion?: number) {
      const { principal, customer, policy } = await loadVisible(session, customerId);
      if (!hasRole(principal, 'admin')) throw forbidden('Only an admin pins a customer tier');
      if (customer.status === 'archived') throw conflict('archived', 'An archived customer cannot be changed');
      const pinned = { tier: input.tier, reason: input.reason, by: principal.userId, at: clock.now().toISOString() };
      return writePin(principal, customer, policy, pinned, expectedVersion);
    },

    /** Admin: back to the computed tier. Unpinning a customer that is not pinned changes nothing. */
    async unpin(session: Session, customerId: string, expectedVersion?: number) {
      const { principal, customer, policy } = await loadVisible(session, customerId);
      if (!hasRole(principal, 'admin')) throw forbidden('Only an admin unpins a customer tier');
      if (!customer.grade?.pinned) return { grade: explainGrade(customer, policy), version: customer.version };
      if (customer.status === 'archived') throw conflict('archived', 'An archived customer cannot be changed');
      return writePin(principal, customer, policy, null, expectedVersion);
    },

    /** Everyone may read how customers are graded. */
    async getPolicy(session: Session): Promise<StoredGradingPolicy> {
      const { items } = await session.load([gradingPolicyStore.key()]);
      return fromGradingPolicyItem(items[0]);
    },

    /** Admin, If-Match; customers pick the new version up on their next order or credit change, or the daily regrade. */
    async putPolicy(session: Session, policy: GradingPolicy, expectedVersion: number): Promise<StoredGradingPolicy> {
      const { principal, items } = await session.load([gradingPolicyStore.key()]);
      if (!hasRole(principal, 'admin')) throw forbidden('Only an admin changes the grading policy');
      const current = fromGradingPolicyItem(items[0]);
      const now = clock.now().toISOString();
      return gradingPolicyStore.save(db, policy, expectedVersion, principal.userId, now, (next) =>
        auditPut(db, { entityType: 'grading_policy', entityId: 'current', action: 'update', actorId: principal.userId, at: now, before: { version: current.version, policy: current.policy }, after: { version: next.version, policy }, scope: {} }),
      );
    },
  };
}
