import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { indexPartition, keys } from '#shared/core/keys';
import { isConditionFailure } from '#shared/core/errors';
import { queryIndex } from '#shared/core/query';
import { transact } from '#shared/core/write';
import { staleVersion } from '#shared/org/service';
import { gradeDiffers, isGraded, regrade, sameValue } from './grading.ts';
import { gradingPolicyStore, type StoredGradingPolicy } from './grading-policy.ts';
import { readCustomerConsistently, tierChangeAudit, valueUpdate, withValue } from './value-store.ts';
import type { Customer } from './schemas.ts';

/**
 * The daily regrade (called by the daily-customer-care workflow, never from a request path): months age out of the
 * 12-month windows and days since the last order grow, so each graded customer's stats windows and grade are
 * recomputed for today. A customer is written only when something changed; tier moves are audited as `system`.
 */
export interface RegradeDeps {
  db: Db;
  clock: Clock;
}

export type RegradeResult = 'changed' | 'unchanged' | 'ungraded' | 'archived' | 'missing' | 'conflict';

export interface RegradeOutcome {
  customerId: string;
  result: RegradeResult;
  tier?: Customer['tier'];
  score?: number;
  tierChanged?: boolean;
}

export interface RegradePage {
  scanned: number;
  changed: number;
  tierChanges: number;
  /** Pass it back to get the next page; null after the last one. */
  nextCursor: string | null;
  outcomes: RegradeOutcome[];
}

export const REGRADE_ACTOR = 'system';
const ATTEMPTS = 3;
const PARALLEL = 10;

/** One customer as read (from the table or an index page); a stale copy is read again and retried. */
async function regradeRead({ db, clock }: RegradeDeps, read: Customer | undefined, policy: StoredGradingPolicy, id: string): Promise<RegradeOutcome> {
  let customer = read;
  for (let attempt = 1; ; attempt++) {
    if (!customer) return { customerId: id, result: 'missing' };
    if (customer.status !== 'active') return { customerId: id, result: 'archived' };
    if (!isGraded(customer)) return { customerId: id, result: 'ungraded', tier: customer.tier };
    const now = clock.now().toISOString();
    const value = regrade(customer, policy, now);
    if (sameValue(value.stats, customer.stats) && !gradeDiffers(customer.grade, value.grade)) {
      return { customerId: id, result: 'unchanged', tier: customer.tier, score: customer.grade?.score };
    }
    const after = withValue(customer, value, now);
    try {
      await transact(db, [valueUpdate(db, customer, after), ...tierChangeAudit(db, REGRADE_ACTOR, customer, after)], () => staleVersion());
      return { customerId: id, result: 'changed', tier: after.tier, score: after.grade?.score, tierChanged: after.tier !== customer.tier };
    } catch (error) {
      if (!isConditionFailure((error as { cause?: unknown }).cause)) throw error;
      // Index pages are eventually consistent and other modules write the same item: read it and try again.
      if (attempt >= ATTEMPTS) return { customerId: id, result: 'conflict' };
      customer = await readCustomerConsistently(db, id);
    }
  }
}

/** Regrades one customer for today (consistent read of the customer and the policy in force). */
export async function regradeCustomer(deps: RegradeDeps, customerId: string): Promise<RegradeOutcome> {
  const [customer, policy] = await Promise.all([readCustomerConsistently(deps.db, customerId), gradingPolicyStore.load(deps.db)]);
  return regradeRead(deps, customer, policy, customerId);
}

/**
 * One page of active customers from the GSI4 `CUSTOMERS` partition (one Query), regraded ten at a time. A customer
 * whose tier moves during the walk changes its sort key: it may be visited twice (the second visit changes
 * nothing) or, if its tier rose past the cursor, not again — it was regraded already.
 */
export async function regradeCustomersPage(deps: RegradeDeps, page: { cursor?: string; limit?: number } = {}): Promise<RegradePage> {
  const policy = await gradingPolicyStore.load(deps.db);
  const found = await queryIndex<Customer>(deps.db, {
    index: 'GSI4',
    partition: indexPartition.all('CUSTOMERS'),
    sortPrefix: keys.customerSortPrefix('active'),
    limit: Math.min(Math.max(page.limit ?? 100, 1), 100),
    cursor: page.cursor,
  });
  const outcomes: RegradeOutcome[] = [];
  for (let i = 0; i < found.items.length; i += PARALLEL) {
    const chunk = found.items.slice(i, i + PARALLEL);
    outcomes.push(...(await Promise.all(chunk.map((customer) => regradeRead(deps, customer, policy, customer.id)))));
  }
  return {
    scanned: outcomes.length,
    changed: outcomes.filter((o) => o.result === 'changed').length,
    tierChanges: outcomes.filter((o) => o.tierChanged).length,
    nextCursor: found.nextCursor,
    outcomes,
  };
}

/** Every page in turn (local runs and tests; the workflow calls regradeCustomersPage page by page). */
export async function regradeAllCustomers(deps: RegradeDeps, limit = 100): Promise<Omit<RegradePage, 'nextCursor' | 'outcomes'>> {
  const total = { scanned: 0, changed: 0, tierChanges: 0 };
  let cursor: string | undefined;
  do {
    const page = await regradeCustomersPage(deps, { cursor, limit });
    total.scanned += page.scanned;
    total.changed += page.changed;
    total.tierChanges += page.tierChanges;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return total;
}
