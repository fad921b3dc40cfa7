import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '#shared/core/keys';
import type { Db } from '#shared/core/db';

const DAY = 86_400_000;
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);
const month = (back: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
};

/**
 * A steady monthly buyer that stopped three months ago and filed two complaints: the warning signs written straight
 * onto the customer (as orders and complaints would leave them), so its health evaluates red.
 */
export async function turnRed(db: Db, customerId: string) {
  const monthlyOrders = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [month(i + 3), 1]));
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: keys.customer(customerId),
      UpdateExpression: 'SET stats = :s, care = :c, version = version + :one',
      ExpressionAttributeValues: {
        ':s': { spend12m: 900_000, spendPrior12m: 1_200_000, orders12m: 9, currency: 'CNY', otherCurrencyOrders: 0, windowMonth: month(0), spendByMonth: {}, orderCount: 12, firstOrderDate: day(460), lastOrderDate: day(100), avgIntervalDays: 30, monthlyOrders },
        ':c': { openTickets: 2, complaintDates: [day(20), day(10)] },
        ':one': 1,
      },
    }),
  );
}
