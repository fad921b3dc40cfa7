import { BatchWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { newId } from '#shared/core/ids';
import { actualsWrites } from '#shared/goals/actuals';
import { orderItem } from '#shared/process/store';
import type { Order } from '#shared/process/schemas';

/**
 * Many orders fast, for volume tests: the order items as the order path writes them (BatchWrite), and the actuals and
 * top-reps updates the order path adds to each order's transaction, summed per item (ADD is additive) and sent once.
 */
export async function bulkOrders(db: Db, orders: Omit<Order, 'id' | 'createdAt' | 'source' | 'currency'>[]): Promise<void> {
  const full: Order[] = orders.map((o) => ({ ...o, id: newId(), currency: 'CNY', source: 'direct', createdAt: new Date().toISOString() }));
  const batches: Order[][] = [];
  for (let i = 0; i < full.length; i += 25) batches.push(full.slice(i, i + 25));
  await inParallel(batches, 8, async (batch) => {
    let requests: unknown[] = batch.map((o) => ({ PutRequest: { Item: orderItem(o) } }));
    while (requests.length > 0) {
      const out = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.tableName]: requests as never } }));
      requests = out.UnprocessedItems?.[db.tableName] ?? [];
    }
  });
  const merged = new Map<string, { Update: Record<string, any> }>();
  for (const order of full) {
    for (const write of actualsWrites(db, order) as { Update: Record<string, any> }[]) {
      const id = JSON.stringify([write.Update.Key, write.Update.UpdateExpression, write.Update.ExpressionAttributeNames]);
      const seen = merged.get(id);
      if (!seen) merged.set(id, { Update: { ...write.Update, ExpressionAttributeValues: { ...write.Update.ExpressionAttributeValues } } });
      else for (const [k, v] of Object.entries(write.Update.ExpressionAttributeValues as Record<string, unknown>)) if (typeof v === 'number') seen.Update.ExpressionAttributeValues[k] += v;
    }
  }
  await inParallel([...merged.values()], 8, async ({ Update }) => {
    await db.doc.send(new UpdateCommand(Update as never));
  });
}

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}
