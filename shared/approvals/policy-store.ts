import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { keys } from '#shared/core/keys';
import { conflict } from '#shared/core/errors';
import { transact } from '#shared/core/write';
import { DEFAULT_POLICY, type ApprovalPolicy } from './policy.ts';

/** The policy in force: version 0 is the default that ships, until an admin saves version 1. */
export interface StoredPolicy {
  version: number;
  policy: ApprovalPolicy;
  updatedAt?: string;
  updatedBy?: string;
}

export const fromPolicyItem = (item: Record<string, unknown> | undefined): StoredPolicy =>
  item ? { version: Number(item.version), policy: item.policy as ApprovalPolicy, updatedAt: String(item.updatedAt), updatedBy: String(item.updatedBy) } : { version: 0, policy: DEFAULT_POLICY };

export async function loadPolicy(db: Db): Promise<StoredPolicy> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.approvalPolicy() }));
  return fromPolicyItem(out.Item);
}

/**
 * Saves the next version: every version is kept (approvals record which one they followed), and the current
 * pointer moves only if nobody saved in between (`expectedVersion`, from If-Match).
 */
export async function savePolicy(db: Db, policy: ApprovalPolicy, expectedVersion: number, actorId: string, now: string, auditItem: (next: StoredPolicy) => Record<string, unknown>) {
  const next: StoredPolicy = { version: expectedVersion + 1, policy, updatedAt: now, updatedBy: actorId };
  await transact(
    db,
    [
      { Put: { TableName: db.tableName, Item: { ...keys.approvalPolicyVersion(next.version), type: 'approval_policy_version', ...next }, ConditionExpression: 'attribute_not_exists(PK)' } },
      {
        Put: {
          TableName: db.tableName,
          Item: { ...keys.approvalPolicy(), type: 'approval_policy', ...next },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
        },
      },
      auditItem(next),
    ],
    () => conflict('version_conflict', 'The approval policy changed since you read it; read it again'),
  );
  return next;
}
