import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db.ts';
import { conflict, isConditionFailure, isTransactionConflict, failedConditionIndex } from './errors.ts';

export type TransactItem = Record<string, unknown>;

/**
 * One TransactWriteItems. When a condition fails, `onConditionFailed(index)` names the failing item so
 * the caller can answer precisely (409 duplicate id, stale version, missing parent…).
 */
export async function transact(db: Db, items: TransactItem[], onConditionFailed: (index: number) => Error): Promise<void> {
  try {
    await db.doc.send(new TransactWriteCommand({ TransactItems: items as never }));
  } catch (error) {
    // The raw error stays reachable as `cause` (idempotency reads it to tell a replay from a race).
    if (isConditionFailure(error)) throw Object.assign(onConditionFailed(failedConditionIndex(error)), { cause: error });
    if ((error as { name?: string }).name === 'TransactionCanceledException') {
      throw Object.assign(conflict('write_conflict', 'Another change to the same records happened at the same moment; try again'), { cause: error });
    }
    throw error;
  }
}

export const putIfAbsent = (db: Db, item: Record<string, unknown>) => ({
  Put: { TableName: db.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' },
});

export const mustExist = (db: Db, key: { PK: string; SK: string }) => ({
  ConditionCheck: { TableName: db.tableName, Key: key, ConditionExpression: 'attribute_exists(PK)' },
});

/** Replaces an item only if it is still at the version that was read (optimistic locking). */
export const putIfVersion = (db: Db, item: Record<string, unknown>, readVersion: number) => ({
  Put: {
    TableName: db.tableName,
    Item: Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined && value !== null)),
    ConditionExpression: 'version = :v',
    ExpressionAttributeValues: { ':v': readVersion },
  },
});

/**
 * An Update that SETs only the given attributes, plus `version = version + 1` and `updatedAt`, while the item is
 * still at the version read. Modules that own a few attributes of a shared item (a customer's stats, care, risk…)
 * write through this, so they never overwrite each other and a client's stale ETag gets a 409.
 */
export function setIfVersion(db: Db, key: { PK: string; SK: string }, attributes: Record<string, unknown>, readVersion: number, now: string) {
  const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':read': readVersion, ':one': 1, ':now': now };
  const sets = ['#version = #version + :one', '#updatedAt = :now'];
  for (const [i, [attribute, value]] of Object.entries(attributes).entries()) {
    names[`#a${i}`] = attribute;
    values[`:a${i}`] = value;
    sets.push(`#a${i} = :a${i}`);
  }
  return {
    Update: {
      TableName: db.tableName,
      Key: key,
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: '#version = :read',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * One TransactWriteItems; when it is cancelled only because another transaction touched the same item (hot
 * funnel counters), it is retried a few times — a cancelled transaction applied nothing.
 */
export async function transactRetrying(db: Db, items: TransactItem[], onConditionFailed: (index: number) => Error, attempts = 4): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transact(db, items, onConditionFailed);
    } catch (error) {
      const raw = (error as { cause?: unknown }).cause;
      if (attempt >= attempts || !isTransactionConflict(raw) || isConditionFailure(raw)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt + Math.random() * 20));
    }
  }
}
