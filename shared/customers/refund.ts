import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { auditPut } from '#shared/core/audit';
import { conflict, forbidden, notFound } from '#shared/core/errors';
import { keys } from '#shared/core/keys';
import { hasRole } from '#shared/core/principal';
import { fromItem } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { actualsReversal } from '#shared/goals/actuals-reversal';
import { transactRetrying } from '#shared/core/write';
import type { Order } from '#shared/process/schemas';
import { customerScope } from './rules.ts';
import type { Customer } from './schemas.ts';

export interface Refund {
  /** YYYY-MM-DD (UTC) the refund was recorded: the day a commission clawback is dated. */
  date: string;
  at: string;
  reason: string;
  by: string;
}

export type RefundableOrder = Order & { refund?: Refund };

/**
 * The order by id within its customer's partition (orders are keyed by date): one Query over the customer's
 * `ORDER#` range, filtered to the id, paging on only if a customer ever holds more than a page of orders.
 */
async function findOrder(db: Db, customerId: string, orderId: string): Promise<RefundableOrder | undefined> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        FilterExpression: 'id = :id',
        ExpressionAttributeValues: { ':pk': keys.orderPartition(customerId), ':sk': keys.orderSortPrefix, ':id': orderId },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    if (out.Items?.[0]) return fromItem<RefundableOrder>(out.Items[0]);
    start = out.LastEvaluatedKey;
  } while (start);
  return undefined;
}

/**
 * Refunds (finance or admin; once per order). One transaction marks the order refunded and takes it back out of the
 * revenue actuals and top-reps items it was added to (their exact inverse). The customer's rolling stats and grade
 * are left as they were: they describe buying behaviour, and the next regrade reads them as such.
 */
export function createRefundService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    async refund(session: Session, customerId: string, orderId: string, input: { reason: string }) {
      const { principal, items } = await session.load([keys.customer(customerId)]);
      if (!hasRole(principal, 'finance', 'admin')) throw forbidden('Only finance or an admin refunds an order');
      const customer = items[0] && fromItem<Customer>(items[0]);
      if (!customer) throw notFound(`Customer ${customerId}`);
      const order = await findOrder(db, customerId, orderId);
      if (!order) throw notFound(`Order ${orderId}`);
      const alreadyRefunded = () => conflict('already_refunded', `Order ${orderId} was already refunded`);
      if (order.refund) throw alreadyRefunded();

      const at = clock.now().toISOString();
      const refund: Refund = { date: at.slice(0, 10), at, reason: input.reason, by: principal.userId };
      const summary = { id: order.id, amount: order.amount, currency: order.currency, date: order.date };
      await transactRetrying(
        db,
        [
          {
            Update: {
              TableName: db.tableName,
              Key: keys.order(customerId, order.date, order.id),
              UpdateExpression: 'SET #refund = :refund',
              ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#refund)',
              ExpressionAttributeNames: { '#refund': 'refund' },
              ExpressionAttributeValues: { ':refund': refund },
            },
          },
          ...actualsReversal(db, order),
          auditPut(db, { entityType: 'customer', entityId: customerId, action: 'refund', actorId: principal.userId, at, before: { order: summary }, after: { order: summary, refund }, scope: customerScope(customer) }),
        ],
        alreadyRefunded,
      );
      return { orderId: order.id, customerId, amount: order.amount, currency: order.currency, date: order.date, refund };
    },
  };
}
