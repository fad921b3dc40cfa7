import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { keys } from '#shared/core/keys';
import { auditPut } from '#shared/core/audit';
import { fromItem } from '#shared/core/query';
import { putIfAbsent, setIfVersion, type TransactItem } from '#shared/core/write';
import { orderItem } from '#shared/process/store';
import type { Order } from '#shared/process/schemas';
import { customerScope } from './rules.ts';
import { computeGrade, effectiveTier, sameValue } from './grading.ts';
import type { StoredGradingPolicy } from './grading-policy.ts';
import { foldOrder } from './stats.ts';
import type { Customer } from './schemas.ts';
import { actualsWrites } from '#shared/goals/actuals';

/**
 * The writes of the customer-value module. It owns `stats` and `grade` on the customer item (and `tier`, once a
 * customer is graded): every write is an Update that SETs only those — plus the index sort keys when the tier
 * moves — with `version = version + 1` on the version read, so other modules' attributes are never overwritten
 * and a PATCH holding an older ETag gets a 409 instead of a lost update.
 */
export function valueUpdate(db: Db, before: Customer, after: Customer) {
  const changed: Record<string, unknown> = {};
  if (after.stats && !sameValue(after.stats, before.stats)) changed.stats = after.stats;
  if (after.grade) changed.grade = after.grade;
  if (after.tier !== before.tier) {
    changed.tier = after.tier;
    // The tier is part of every list's sort key (`?tier=` is a key condition): move the customer in each index.
    for (const [attribute, value] of Object.entries(keys.customerIndexes(after))) if (attribute.endsWith('SK')) changed[attribute] = value;
  }
  return setIfVersion(db, keys.customer(before.id), changed, before.version, after.updatedAt);
}

/** An audit entry on the customer's trail (only the fields given are compared). */
export const customerAudit = (db: Db, actorId: string, action: string, customer: Customer, before: Record<string, unknown> | undefined, after: Record<string, unknown>) =>
  auditPut(db, { entityType: 'customer', entityId: customer.id, action, actorId, at: customer.updatedAt, before, after, scope: customerScope(customer) });

/** `tier_change` with the tier and score before and after — only when the tier moved. */
export function tierChangeAudit(db: Db, actorId: string, before: Customer, after: Customer): TransactItem[] {
  if (before.tier === after.tier) return [];
  return [customerAudit(db, actorId, 'tier_change', after, { tier: before.tier, score: before.grade?.score }, { tier: after.tier, score: after.grade?.score, pinned: after.grade?.pinned?.reason })];
}

/** The customer after a change of its value attributes (the version and time the Update will write). */
export const withValue = (customer: Customer, value: Pick<Customer, 'stats' | 'grade'>, now: string): Customer => ({
  ...customer,
  ...value,
  tier: value.grade ? effectiveTier(value.grade) : customer.tier,
  version: customer.version + 1,
  updatedAt: now,
});

export interface Booking {
  /** Put order, Update customer, audit entries: add them to the caller's transaction as they are. */
  items: TransactItem[];
  /** The position of the customer Update in `items`: a failed condition there means "read the customer again". */
  customerIndex: number;
  /** The customer as the transaction leaves it. */
  customer: Customer;
}

/**
 * "Book an order for this customer": the order item, and the customer's stats and grade folded in the SAME
 * transaction, conditioned on the version read. Used by POST /customers/{id}/orders and by a won deal.
 */
export function bookOrder(db: Db, ctx: { customer: Customer; order: Order; policy: StoredGradingPolicy; actorId: string; now: string }): Booking {
  const { customer, order, now } = ctx;
  const today = now.slice(0, 10);
  const stats = foldOrder(customer.stats, order, today);
  const grade = computeGrade({ stats, creditRating: customer.creditRating }, ctx.policy, today, now, customer.grade?.pinned);
  const after = withValue(customer, { stats, grade }, now);
  const summary = { id: order.id, amount: order.amount, currency: order.currency, date: order.date, source: order.source };
  return {
    items: [
      putIfAbsent(db, orderItem(order)),
      valueUpdate(db, customer, after),
      customerAudit(db, ctx.actorId, 'order', after, { score: customer.grade?.score }, { order: summary, score: grade.score }),
      ...tierChangeAudit(db, ctx.actorId, customer, after),
      // Revenue actuals by month × region × team × rep × product line, in the same transaction (goals read them).
      ...actualsWrites(db, order),
    ],
    customerIndex: 1,
    customer: after,
  };
}

/** A customer read strongly consistent: writers about to condition on its version read it this way. */
export async function readCustomerConsistently(db: Db, id: string): Promise<Customer | undefined> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.customer(id), ConsistentRead: true }));
  return out.Item && fromItem<Customer>(out.Item);
}
