import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { conflict, notFound } from '#shared/core/errors';
import { careKeys, keys, type Key } from '#shared/core/keys';
import { decodeCursor, encodeCursor, type Page } from '#shared/core/pagination';
import { hasRole, isOrgWide, type Principal } from '#shared/core/principal';
import { fromItem, type Item } from '#shared/core/query';
import { tableDefinition, type IndexName } from '#shared/core/table';
import { setIfVersion, type TransactItem } from '#shared/core/write';
import type { Customer } from '#shared/customers/schemas';
import { transactRetrying } from '#shared/core/write';
import type { NpsCounts } from './rules.ts';

/** DynamoDB for the care module: the one way it writes a customer, range queries on its entries, counters. */

/**
 * SETs only what care owns on the customer (`intent`, `care`) plus `version = version + 1` and `updatedAt`, and only
 * while the customer is at the version read: a PATCH holding an older ETag then gets a 409, and neither side
 * loses an update.
 */
export function updateCustomerCare(db: Db, before: Customer, after: Customer): TransactItem {
  const changed = Object.fromEntries((['intent', 'care'] as const).filter((a) => JSON.stringify(before[a]) !== JSON.stringify(after[a])).map((a) => [a, after[a]]));
  return setIfVersion(db, keys.customer(before.id), changed, before.version, after.updatedAt);
}

export async function readCustomer(db: Db, id: string): Promise<Customer | undefined> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.customer(id), ConsistentRead: true }));
  return out.Item && fromItem<Customer>(out.Item);
}

export interface CustomerWrite<T> {
  items: TransactItem[];
  /** Which item is the customer's conditional update (its failure means: someone else wrote the customer). */
  customerIndex: number;
  result: T;
}

/**
 * Runs a write built from the customer as read. When another writer got to the customer first, reads it again
 * (consistently) and rebuilds the write on the fresh copy — `build` re-checks what must still hold — at most
 * three times. Other failed conditions are the caller's to name (`onOther`).
 */
export async function writeOnCustomer<T>(db: Db, first: Customer, build: (customer: Customer) => CustomerWrite<T>, onOther: (index: number) => Error): Promise<T> {
  let customer = first;
  for (let attempt = 1; ; attempt++) {
    const write = build(customer);
    let stale = false;
    try {
      await transactRetrying(db, write.items, (index) => {
        stale = index === write.customerIndex;
        return stale ? conflict('write_conflict', 'The customer changed at the same moment; try again') : onOther(index);
      });
      return write.result;
    } catch (error) {
      if (!stale || attempt >= 3) throw error;
      const fresh = await readCustomer(db, customer.id);
      if (!fresh) throw notFound(`Customer ${customer.id}`);
      customer = fresh;
    }
  }
}

/**
 * The caller's data scope as a condition on a customer item: the same test as `canSee`, checked inside a
 * transaction, so a write found through another item (a ticket) needs no extra read of the customer.
 */
export function scopeCondition(principal: Principal): { expression: string; names: Record<string, string>; values: Record<string, unknown> } {
  if (isOrgWide(principal)) return { expression: 'attribute_exists(PK)', names: {}, values: {} };
  const names: Record<string, string> = { '#ownerId': 'ownerId' };
  const values: Record<string, unknown> = { ':me': principal.userId };
  const parts = ['#ownerId = :me'];
  if (hasRole(principal, 'director') && principal.regionId) {
    names['#regionId'] = 'regionId';
    values[':region'] = principal.regionId;
    parts.push('#regionId = :region');
  }
  if (hasRole(principal, 'manager') && principal.teamId) {
    names['#teamId'] = 'teamId';
    values[':team'] = principal.teamId;
    parts.push('#teamId = :team');
  }
  return { expression: `attribute_exists(PK) AND (${parts.join(' OR ')})`, names, values };
}

/** One page of one partition (table or index) whose sort key lies between `from` and `to` (inclusive). */
export async function queryRange<T>(db: Db, query: { index?: IndexName; partition: string; from: string; to: string; limit: number; cursor?: string | null; descending?: boolean }): Promise<Page<T>> {
  const index = query.index ? tableDefinition.indexes.find((i) => i.name === query.index)! : undefined;
  const pk = index?.partitionKey ?? 'PK';
  const sk = index?.sortKey ?? 'SK';
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      ...(index ? { IndexName: index.name } : {}),
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': pk, '#sk': sk },
      ExpressionAttributeValues: { ':pk': query.partition, ':from': query.from, ':to': query.to },
      Limit: query.limit,
      ScanIndexForward: !query.descending,
      ExclusiveStartKey: decodeCursor(query.cursor ?? undefined, { attribute: pk, value: query.partition }, [...new Set(['PK', 'SK', pk, sk])]),
    }),
  );
  return { items: (out.Items ?? []).map((item) => fromItem<T>(item)), nextCursor: encodeCursor(out.LastEvaluatedKey) };
}

/** Up to 100 items by key in one BatchGetItem (retrying unprocessed keys); order follows `wanted`. */
export async function batchGet(db: Db, wanted: Key[]): Promise<(Item | undefined)[]> {
  const found = new Map<string, Item>();
  const id = (k: { PK: unknown; SK: unknown }) => `${String(k.PK)}\u0000${String(k.SK)}`;
  let pending = [...new Map(wanted.map((k) => [id(k), k])).values()];
  for (let attempt = 0; pending.length > 0; attempt++) {
    const out = await db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: pending, ConsistentRead: true } } }));
    for (const item of out.Responses?.[db.tableName] ?? []) found.set(id(item as Key), item);
    pending = (out.UnprocessedKeys?.[db.tableName]?.Keys as Key[] | undefined) ?? [];
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** Math.min(attempt, 5)));
  }
  return wanted.map((k) => found.get(id(k)));
}

/** One ADD on a scope's NPS / CSAT counter (created on first use). */
export function counterAdd(db: Db, scope: string, add: Partial<NpsCounts>): TransactItem {
  const entries = Object.entries(add);
  return {
    Update: {
      TableName: db.tableName,
      Key: careKeys.npsCounter(scope),
      UpdateExpression: `SET #type = :type, #scope = :scope ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
      ExpressionAttributeNames: { '#type': 'type', '#scope': 'scope', ...Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])) },
      ExpressionAttributeValues: { ':type': 'nps_counter', ':scope': scope, ...Object.fromEntries(entries.map(([, value], i) => [`:c${i}`, value])) },
    },
  };
}

export const countsOf = (item: Item | undefined): NpsCounts => ({
  promoters: Number(item?.promoters ?? 0),
  passives: Number(item?.passives ?? 0),
  detractors: Number(item?.detractors ?? 0),
  csatResponses: Number(item?.csatResponses ?? 0),
  csatTotal: Number(item?.csatTotal ?? 0),
});
