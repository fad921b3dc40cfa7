import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db.ts';
import { tableDefinition, type IndexName } from './table.ts';
import { decodeCursor, encodeCursor, type Page } from './pagination.ts';

export type Item = Record<string, unknown>;

const KEY_ATTRIBUTES = new Set(['PK', 'SK', 'type', ...tableDefinition.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);

/** An item as the API shows it: the entity's own attributes, no storage keys. */
export function fromItem<T>(item: Item): T {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !KEY_ATTRIBUTES.has(name))) as T;
}

export interface IndexQuery {
  index: IndexName;
  partition: string;
  sortPrefix?: string;
  limit: number;
  cursor?: string;
  descending?: boolean;
}

/** One page of one index partition (one round trip); the cursor is checked to belong to this partition. */
export async function queryIndex<T>(db: Db, query: IndexQuery): Promise<Page<T>> {
  const index = tableDefinition.indexes.find((i) => i.name === query.index)!;
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: index.name,
      KeyConditionExpression: query.sortPrefix ? '#pk = :pk AND begins_with(#sk, :sk)' : '#pk = :pk',
      ExpressionAttributeNames: query.sortPrefix ? { '#pk': index.partitionKey, '#sk': index.sortKey } : { '#pk': index.partitionKey },
      ExpressionAttributeValues: query.sortPrefix ? { ':pk': query.partition, ':sk': query.sortPrefix } : { ':pk': query.partition },
      Limit: query.limit,
      ScanIndexForward: !query.descending,
      ExclusiveStartKey: decodeCursor(query.cursor, { attribute: index.partitionKey, value: query.partition }, [
        'PK',
        'SK',
        index.partitionKey,
        index.sortKey,
      ], query.sortPrefix ? { attribute: index.sortKey, prefix: query.sortPrefix } : undefined),
    }),
  );
  return { items: (out.Items ?? []).map((item) => fromItem<T>(item)), nextCursor: encodeCursor(out.LastEvaluatedKey) };
}

/** One page of one table partition (item collections: a feed, an audit trail, a customer's orders). */
export async function queryTable<T>(db: Db, query: { partition: string; sortPrefix?: string; limit: number; cursor?: string; descending?: boolean }): Promise<Page<T>> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: query.sortPrefix ? 'PK = :pk AND begins_with(SK, :sk)' : 'PK = :pk',
      ExpressionAttributeValues: query.sortPrefix ? { ':pk': query.partition, ':sk': query.sortPrefix } : { ':pk': query.partition },
      Limit: query.limit,
      ScanIndexForward: !query.descending,
      ExclusiveStartKey: decodeCursor(query.cursor, { attribute: 'PK', value: query.partition }, ['PK', 'SK'], query.sortPrefix ? { attribute: 'SK', prefix: query.sortPrefix } : undefined),
    }),
  );
  return { items: (out.Items ?? []).map((item) => fromItem<T>(item)), nextCursor: encodeCursor(out.LastEvaluatedKey) };
}

/** Every page of one Query, for reads that must see all of a bounded range (a partition, a scope's members). */
export async function queryAll(db: Db, input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.doc.send(new QueryCommand({ ...input, TableName: db.tableName, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
