import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { dataQualityKeys, keys } from '#shared/core/keys';
import { conflict, invalid, notFound } from '#shared/core/errors';
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
import type { Deal, Order } from '#shared/process/schemas';
import { dealScope } from '#shared/process/rules';
import { auditPut } from '#shared/core/audit';
import { pairItem, toPair, type DuplicatePair } from './duplicates.ts';
import { dealRefsOf, moveDeal } from './deal-refs.ts';
import { assertCanMerge, closeEach, closeObsolete, obsoleteReason, openPairsOf } from './pairs.ts';

/** Items per move transaction: two per order (delete + put), well under the 100-action limit. */
const MOVES_PER_TRANSACTION = 45;
/** Deals per move transaction: four items each (the deal, its reference deleted and put under the kept customer, its audit entry). */
const DEALS_PER_TRANSACTION = 25;
/** The last transaction's size limit: the merged-away customer's other open pairs close in it while they fit, the rest right after. */
const MAX_TRANSACTION_ITEMS = 100;

/**
 * Merges a flagged pair into `keepId`. The other customer's orders are re-keyed into the kept customer's partition
 * and its deals re-pointed (in transactions of ≤ 100 items), then — in one last transaction — the other is marked
 * `merged` with `mergedInto`, the kept one's stats and grade include the moved orders, both get an audit entry,
 * the pair is closed and so is every other open pair of the merged-away customer (`obsolete`). Actuals are not
 * touched: the orders were counted when they were booked. A merge that stopped half way is finished by sending it
 * again (moved items are simply not found again; an already merged pair still closes the other pairs, then 409).
 * Who may: the pair's one scope rule (pairs.ts) on both customers as they are now, managers and above.
 */
export async function mergePair(deps: { db: Db; clock: Clock }, session: Session, pairId: string, keepId: string) {
  const { db, clock } = deps;
  const { principal, items } = await session.load([dataQualityKeys.pair(pairId), gradingPolicyStore.key(), ...careHookKeys()]);
  const pair = items[0] && toPair(items[0]);
  if (!pair) throw notFound(`Duplicate pair ${pairId}`);
  const { items: sides } = await session.load([keys.customer(pair.customerId), keys.customer(pair.candidateId)]);
  const [newer, candidate] = sides.map((item) => item && fromItem<Customer>(item));
  assertCanMerge(principal, pairId, newer && customerScope(newer), candidate && customerScope(candidate));
  if (pair.status === 'merged') {
    const mergedId = pair.keptId === pair.customerId ? pair.candidateId : pair.customerId;
    await closeEach(db, await closingsFor(db, session, pair, mergedId, pair.keptId!, clock.now().toISOString()));
    throw conflict('already_merged', `This pair was merged into ${pair.keptId}`);
  }
  if (pair.status === 'obsolete') throw conflict('pair_obsolete', `This pair is closed: ${pair.closedReason ?? 'one of its customers was merged into another'}`);
  if (keepId !== pair.customerId && keepId !== pair.candidateId) throw invalid('Keep one of the pair', { keepId: `One of ${pair.customerId}, ${pair.candidateId}` });
  const otherId = keepId === pair.customerId ? pair.candidateId : pair.customerId;
  const [keep, other] = keepId === pair.customerId ? [newer!, candidate!] : [candidate!, newer!];
  // A side merged away through another pair (a pair flagged before references, or a close that did not finish).
  const gone = [keep, other].find((c) => c.status === 'merged');
  if (gone) {
    const reason = obsoleteReason(gone.id, gone.mergedInto ?? 'another customer');
    await closeEach(db, [closeObsolete(db, pair, { reason, at: clock.now().toISOString() })]);
    throw conflict('pair_obsolete', `This pair is closed: ${reason}`);
  }
  if (keep.status === 'archived') throw conflict('archived', `Customer ${keepId} is archived and takes no orders; keep ${otherId} instead`);

  const orders = await ordersOf(db, otherId);
  for (let i = 0; i < orders.length; i += MOVES_PER_TRANSACTION) {
    await transact(db, orders.slice(i, i + MOVES_PER_TRANSACTION).flatMap((order) => moveOrder(db, order, keepId)), () => conflict('merge_conflict', 'An order changed during the merge; send the merge again'));
  }
  // The other customer's deals, by their references in its partition (deals created before the references have none
  // and stay with the merged customer: no backfill, see deal-refs.ts); each moves with its reference, atomically.
  const deals = await dealRefsOf(db, otherId);
  for (let i = 0; i < deals.length; i += DEALS_PER_TRANSACTION) {
    const at = clock.now().toISOString();
    const chunk = deals.slice(i, i + DEALS_PER_TRANSACTION);
    // Read for the audit entry's scope: the deal's own trail shows the customer it was moved from.
    const { items: moved } = await session.load(chunk.map((ref) => keys.deal(ref.dealId)));
    const writes = chunk.flatMap((ref, n) => {
      const deal = moved[n] && fromItem<Deal>(moved[n]);
      const audit = deal && auditPut(db, { entityType: 'deal', entityId: ref.dealId, action: 'customer_merged', actorId: principal.userId, at, before: { customerId: ref.customerId }, after: { customerId: keepId }, scope: dealScope(deal) });
      return [...moveDeal(db, ref, keepId, at), ...(audit ? [audit] : [])];
    });
    await transact(db, writes, () => conflict('merge_conflict', 'A deal changed during the merge; send the merge again'));
  }

  const now = clock.now().toISOString();
  const today = now.slice(0, 10);
  const stats = orders.reduce((s, item) => foldOrder(s, fromItem<Order>(item), today), keep.stats);
  const grade = stats ? computeGrade({ stats, creditRating: keep.creditRating }, fromGradingPolicyItem(items[1]), today, now, keep.grade?.pinned) : keep.grade;
  const kept = orders.length > 0 ? withValue(keep, { stats, grade }, now) : { ...keep, version: keep.version + 1, updatedAt: now };
  const closes = await closingsFor(db, session, pair, otherId, keepId, now);
  // Its orders now count on the kept customer: its own rolling figures go, so nothing adds them up twice.
  const { stats: _moved, ...rest } = other;
  const { customer: merged, items: care } = careOnCustomerWrite(db, other, { ...rest, status: 'merged', mergedInto: keepId, version: other.version + 1, updatedAt: now }, items);
  const closed: DuplicatePair = { ...pair, status: 'merged', keptId: keepId, mergedAt: now, mergedBy: principal.userId };
  const writes: TransactItem[] = [
    orders.length > 0 ? valueUpdate(db, keep, kept) : touch(db, keep, now),
    customerAudit(db, principal.userId, 'merge_keep', kept, { merged: null }, { merged: otherId, ordersMoved: orders.length, dealsMoved: deals.length, pairId, pairsClosed: closes.length }),
    putIfVersion(db, customerItem(merged), other.version),
    customerAudit(db, principal.userId, 'merge', merged, { status: other.status, mergedInto: null }, { status: 'merged', mergedInto: keepId }),
    ...care,
    { Put: { TableName: db.tableName, Item: pairItem(closed), ConditionExpression: '#s = :open', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':open': 'open' } } },
  ];
  const fit = Math.max(0, MAX_TRANSACTION_ITEMS - writes.length);
  const firstClose = writes.length;
  await transact(db, [...writes, ...closes.slice(0, fit)], (index) =>
    index >= firstClose ? conflict('merge_conflict', 'Another pair of this customer changed during the merge; send the merge again') : staleVersion(),
  );
  await closeEach(db, closes.slice(fit));
  return { pair: closed, kept: { id: keepId, version: kept.version }, merged: { id: otherId }, ordersMoved: orders.length, pairsClosed: closes.length };
}

/** The other open pairs of the customer merged away through `pair`, as conditional closes naming that merge. */
async function closingsFor(db: Db, session: Session, pair: DuplicatePair, mergedId: string, keptId: string, now: string) {
  const open = await openPairsOf(db, session, mergedId, pair.id);
  return open.map((other) => closeObsolete(db, other, { reason: obsoleteReason(mergedId, keptId, pair.id), at: now, by: pair.id }));
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
