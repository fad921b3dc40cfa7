import type { Db } from '#shared/core/db';
import { keys } from '#shared/core/keys';
import type { Order } from '#shared/process/schemas';
import { repAttribute, scopesOfOrder, topRepScopes } from './actuals.ts';

/**
 * The exact inverse of actualsWrites (actuals.ts) for an order taken back (a refund): the same items — every roll-up
 * scope and top-reps scope of the order's month — with the amount and the order count subtracted, for the refund's
 * transaction. Built from the same scope lists, so an order counted in a scope is always taken out of that scope.
 */
export function actualsReversal(db: Db, order: Order) {
  const month = order.date.slice(0, 7);
  const rollUps = scopesOfOrder(order).map((scope) => ({
    Update: {
      TableName: db.tableName,
      Key: keys.actuals(scope, month),
      UpdateExpression: 'ADD #amount :amount, orders :minusOne SET #type = :type, #scope = :scope',
      ExpressionAttributeNames: { '#amount': `amount_${order.currency}`, '#type': 'type', '#scope': 'scope' },
      ExpressionAttributeValues: { ':amount': -order.amount, ':minusOne': -1, ':type': 'actuals', ':scope': scope },
    },
  }));
  const topReps = topRepScopes(order).map((scope) => ({
    Update: {
      TableName: db.tableName,
      Key: keys.topReps(scope, month),
      UpdateExpression: 'ADD #rep :amount SET #type = :type, #scope = :scope',
      ExpressionAttributeNames: { '#rep': repAttribute(order.currency, order.ownerId), '#type': 'type', '#scope': 'scope' },
      ExpressionAttributeValues: { ':amount': -order.amount, ':type': 'top_reps', ':scope': scope },
    },
  }));
  return [...rollUps, ...topReps];
}
