import type { Db } from '#shared/core/db';
import { customerDealKeys, keys } from '#shared/core/keys';
import { queryAll } from '#shared/core/query';
import type { TransactItem } from '#shared/core/write';

/**
 * A customer's deal references (`CUSTOMER#<customerId>` / `DEAL#<dealId>`): written in the deal's create transaction,
 * read by the merge with one Query on the customer's partition. Deals created before the references existed have
 * none, so a merge does not move them; there is no backfill (the demo seeds no deals) — one would write a reference
 * for every deal from the org-wide deal partition once.
 */
export interface DealRef {
  customerId: string;
  dealId: string;
  createdAt: string;
}

export const dealRefItem = (ref: DealRef) => ({ ...customerDealKeys.dealRef(ref.customerId, ref.dealId), type: 'customer_deal', ...ref });

/** Written beside the new deal (a plain Put: the deal's own attribute_not_exists guards the create). */
export const dealRefWrite = (db: Db, deal: { id: string; customerId: string; createdAt: string }): TransactItem => ({
  Put: { TableName: db.tableName, Item: dealRefItem({ customerId: deal.customerId, dealId: deal.id, createdAt: deal.createdAt }) },
});

/** Every deal reference of a customer: one Query on its partition, paged. */
export async function dealRefsOf(db: Db, customerId: string): Promise<DealRef[]> {
  const found = await queryAll(db, {
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
    ExpressionAttributeValues: { ':pk': customerDealKeys.dealRefPartition(customerId), ':sk': customerDealKeys.dealRefSortPrefix },
    ConsistentRead: true,
  });
  return found.map((item) => ({ customerId: String(item.customerId), dealId: String(item.dealId), createdAt: String(item.createdAt) }));
}

/**
 * Moves one deal to the kept customer: the deal's customer reference (and version, so an open ETag is stale; approvals
 * keep their lock) and its reference item, from the other customer's partition to the kept one's — 3 items.
 */
export function moveDeal(db: Db, ref: DealRef, keepId: string, now: string): TransactItem[] {
  return [
    {
      Update: {
        TableName: db.tableName,
        Key: keys.deal(ref.dealId),
        UpdateExpression: 'SET customerId = :keep, mergedFromCustomerId = :from, version = version + :one, updatedAt = :now',
        ConditionExpression: 'customerId = :from',
        ExpressionAttributeValues: { ':keep': keepId, ':from': ref.customerId, ':one': 1, ':now': now },
      },
    },
    { Delete: { TableName: db.tableName, Key: customerDealKeys.dealRef(ref.customerId, ref.dealId), ConditionExpression: 'attribute_exists(PK)' } },
    { Put: { TableName: db.tableName, Item: dealRefItem({ ...ref, customerId: keepId }) } },
  ];
}
