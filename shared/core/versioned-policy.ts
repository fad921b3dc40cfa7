import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db.ts';
import { keys, type Key } from './keys.ts';
import { conflict } from './errors.ts';
import { transact, type TransactItem } from './write.ts';

/** A policy as stored: version 0 is the default that ships, until an admin saves version 1. */
export interface Stored<T> {
  version: number;
  policy: T;
  updatedAt?: string;
  updatedBy?: string;
}

/**
 * An admin-edited policy with history: every saved version is kept (records say which version decided them)
 * and the current pointer moves only if nobody saved in between (the version from If-Match).
 */
export function versionedPolicy<T>(name: string, defaults: T) {
  const fromItem = (item: Record<string, unknown> | undefined): Stored<T> =>
    item ? { version: Number(item.version), policy: item.policy as T, updatedAt: String(item.updatedAt), updatedBy: String(item.updatedBy) } : { version: 0, policy: defaults };
  return {
    key: (): Key => keys.policy(name),
    fromItem,
    async load(db: Db): Promise<Stored<T>> {
      return fromItem((await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.policy(name) }))).Item);
    },
    async save(db: Db, policy: T, expectedVersion: number, actorId: string, now: string, auditItem: (next: Stored<T>) => TransactItem): Promise<Stored<T>> {
      const next: Stored<T> = { version: expectedVersion + 1, policy, updatedAt: now, updatedBy: actorId };
      await transact(
        db,
        [
          { Put: { TableName: db.tableName, Item: { ...keys.policyVersion(name, next.version), type: `${name}_policy_version`, ...next }, ConditionExpression: 'attribute_not_exists(PK)' } },
          {
            Put: {
              TableName: db.tableName,
              Item: { ...keys.policy(name), type: `${name}_policy`, ...next },
              ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
              ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
            },
          },
          auditItem(next),
        ],
        () => conflict('version_conflict', `The ${name} policy changed since you read it; read it again`),
      );
      return next;
    },
  };
}
