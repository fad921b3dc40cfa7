import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { dataQualityKeys, keys } from '#shared/core/keys';
import { conflict, forbidden, invalid, notFound } from '#shared/core/errors';
import { canAssignOwners, canSee } from '#shared/core/principal';
import { fromItem, queryAll, type Item } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { putIfVersion, transact, type TransactItem } from '#shared/core/write';
import { staleVersion } from '#shared/org/service';
import { careHookKeys, careOnCustomerWrite } from '#shared/care/customer-hook';
import { customerItem } from '#shared/customers/create-items';
import { customerScope } from '#shared/customers/rules';
import type { Customer } from '#shared/customers/schemas';
import { computeGrade } from '#shared/customers/grading';
import { fromGradingPolicyItem, gradingPolicyStore } from '#shared/customers/grading-policy';
import { foldOrder } from '#shared/customers/stats';
import { customerAudit, valueUpdate, withValue } from '#shared/customers/value-store';
import type { Order } from '#shared/process/schemas';
import { toPair } from './duplicates.ts';
import { dealRefsOf, moveDeal } from './deal-refs.ts';

/** Items per move transaction: two per order (delete + put), well under the 100-action limit. */
const MOVES_PER_TRANSACTION = 45;
/** Deals per move transaction: three items each (the deal, and its reference deleted and put under the kept customer). */
const DEALS_PER_TRANSACTION = 30;

/**
 * Merges a flagged pair into `keepId`. The other customer's orders are re-keyed into the kept customer's partition
 * and its deals re-pointed (in transactions of ≤ 100 items), then — in one last transaction — the other is marked
 * `merged` with `mergedInto`, the kept one's stats and grade include the moved orders, both get an audit entry and
 * the pair is closed. Actuals are not touched: the orders were counted when they were booked. A merge that stopped
 * half way is finished by sending it again (moved items are simply not found again).
 */
export async function mergePair(deps: { db: Db; clock: Clock }, session: Session, pairId: string, keepId: string) {
  const { db, clock } = deps;
  const { principal, items } = await session.load([dataQualityKeys.pair(pairId), gradingPolicyStore.key(), ...careHookKeys()]);
  const pair = items[0] && toPair(items[0]);
  if (!pair || !canSee(principal, pair)) throw notFound(`Duplicate pair ${pairId}`);
  if (!canAssignOwners(principal)) throw forbidden('Managers and above merge customers');
  if (pair.status !== 'open') throw conflict('already_merged', `This pair was merged into ${pair.keptId}`);
  if (keepId !== pair.customerId && keepId !== pair.candidateId) throw invalid('Keep one of the pair', { keepId: `One of ${pair.customerId}, ${pair.candidateId}` });
  const otherId = keepId === pair.customerId ? pair.candidateId : pair.customerId;
  const { items: loaded } = await session.load([keys.customer(keepId), keys.customer(otherId)]);
  const [keep, other] = loaded.map((item) => item && fromItem<Customer>(item));
  for (const [id, c] of [[keepId, keep], [otherId, other]] as const) {
    if (!c || !canSee(principal, customerScope(c))) throw notFound(`Customer ${id}`);
  }
  if (keep!.status === 'merged') throw conflict('customer_merged', `Customer ${keepId} was itself merged into ${keep!.mergedInto}`);

  const orders = await ordersOf(db, otherId);
  for (let i = 0; i < orders.length; i += MOVES_PER_TRANSACTION) {
    await transact(db, orders.slice(i, i + MOVES_PER_TRANSACTION).flatMap((order) => moveOrder(db, order, keepId)), () => conflict('merge_conflict', 'An order changed during the merge; send the merge again'));
  }
  // The other customer's deals, by their references in its partition (deals created before the references have none
  // and stay with the merged customer: no backfill, see deal-refs.ts); each moves with its reference, atomically.
  const deals = await dealRefsOf(db, otherId);
  for (let i = 0; i < deals.length; i += DEALS_PER_TRANSACTION) {
    const at = clock.now().toISOString();
    await transact(db, deals.slice(i, i + DEALS_PER_TRANSACTION).flatMap((ref) => moveDeal(db, ref, keepId, at)), () => conflict('merge_conflict', 'A deal changed during the merge; send the merge again'));
  }

  const now = clock.now().toISOString();
  const today = now.slice(0, 10);
  const stats = orders.reduce((s, item) => foldOrder(s, fromItem<Order>(item), today), keep!.stats);
  const grade = stats ? computeGrade({ stats, creditRating: keep!.creditRating }, fromGradingPolicyItem(items[1]), today, now, keep!.grade?.pinned) : keep!.grade;
  const kept = orders.length > 0 ? withValue(keep!, { stats, grade }, now) : { ...keep!, version: keep!.version + 1, updatedAt: now };
  const writes: TransactItem[] = [
    orders.length > 0 ? valueUpdate(db, keep!, kept) : touch(db, keep!, now),
    customerAudit(db, principal.userId, 'merge_keep', kept, { merged: null }, { merged: otherId, ordersMoved: orders.length, dealsMoved: deals.length, pairId }),
  ];
  if (other!.status !== 'merged') {
    // Its orders now count on the kept customer: its own rolling figures go, so nothing adds them up twice.
    const { stats: _moved, ...rest } = other!;
    const merged: Customer = { ...rest, status: 'merged', mergedInto: keepId, version: other!.version + 1, updatedAt: now };
    const { customer, items: care } = careOnCustomerWrite(db, other!, merged, items);
    writes.push(putIfVersion(db, customerItem(customer), other!.version), customerAudit(db, principal.userId, 'merge', customer, { status: other!.status, mergedInto: null }, { status: 'merged', mergedInto: keepId }), ...care);
  }
  const closed = { ...pair, status: 'merged' as const, keptId: keepId, mergedAt: now, mergedBy: principal.userId };
  writes.push({ Put: { TableName: db.tableName, Item: { ...dataQualityKeys.pair(pair.id), ...dataQualityKeys.pairIndexes(closed), type: 'duplicate_pair', ...closed }, ConditionExpression: '#s = :open', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':open': 'open' } } });
  await transact(db, writes, () => staleVersion());
  return { pair: closed, kept: { id: keepId, version: kept.version }, merged: { id: otherId }, ordersMoved: orders.length };
}

/** Bumps the kept customer's version (its ETag changes: it now holds more), on the version read. */
const touch = (db: Db, customer: Customer, now: string) => ({
  Update: { TableName: db.tableName, Key: keys.customer(customer.id), UpdateExpression: 'SET version = version + :one, updatedAt = :now', ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':one': 1, ':now': now, ':v': customer.version } },
});

/** Every order item of a customer (one partition, paged), with whatever other modules added (a refund). */
async function ordersOf(db: Db, customerId: string): Promise<Item[]> {
  return queryAll(db, { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)', ExpressionAttributeValues: { ':pk': keys.orderPartition(customerId), ':sk': keys.orderSortPrefix }, ConsistentRead: true });
}

/** Orders are keyed by customer and date: the move deletes the old key and writes the same order under the kept customer. */
function moveOrder(db: Db, item: Item, keepId: string): TransactItem[] {
  const order = fromItem<Order>(item);
  const moved = { ...item, ...keys.order(keepId, order.date, order.id), customerId: keepId, mergedFrom: order.customerId };
  return [
    { Delete: { TableName: db.tableName, Key: { PK: item.PK, SK: item.SK }, ConditionExpression: 'attribute_exists(PK)' } },
    { Put: { TableName: db.tableName, Item: moved, ConditionExpression: 'attribute_not_exists(PK)' } },
  ];
}
