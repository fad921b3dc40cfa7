import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { keys } from '#shared/core/keys';
import type { ApproverRule } from './policy.ts';

/** A user as approver resolution sees them. */
export interface Approver {
  id: string;
  name?: string;
  managerId?: string;
  regionId?: string;
  active?: boolean;
  delegation?: { delegateId: string; from?: string; until?: string } | null;
}

async function roleMembers(db: Db, role: string): Promise<Approver[]> {
  const out = await db.doc.send(
    new QueryCommand({ TableName: db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.rolePartition(role) } }),
  );
  return (out.Items ?? []).map((item) => ({ id: String(item.userId), name: item.name as string, regionId: item.regionId as string | undefined, active: item.active !== false }));
}

export async function usersById(db: Db, ids: string[]): Promise<Map<string, Approver>> {
  const unique = [...new Set(ids)];
  const found = new Map<string, Approver>();
  for (let i = 0; i < unique.length; i += 100) {
    const out = await db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: unique.slice(i, i + 100).map((id) => keys.user(id)) } } }));
    for (const item of out.Responses?.[db.tableName] ?? []) found.set(String(item.id), item as Approver);
  }
  return found;
}

/** Who a policy step names for one deal: active users only (an empty list means nobody can approve). */
export async function resolveApprovers(db: Db, rule: ApproverRule, deal: { regionId: string }, owner: Approver | undefined): Promise<string[]> {
  switch (rule.type) {
    case 'owner_manager':
      return owner?.managerId ? activeOnly(db, [owner.managerId]) : [];
    case 'region_director':
      return (await roleMembers(db, 'director')).filter((m) => m.active && m.regionId === deal.regionId).map((m) => m.id);
    case 'role':
      return (await roleMembers(db, rule.role)).filter((m) => m.active).map((m) => m.id);
    case 'users':
      return activeOnly(db, rule.userIds);
  }
}

async function activeOnly(db: Db, ids: string[]): Promise<string[]> {
  const users = await usersById(db, ids);
  return ids.filter((id) => users.get(id) && users.get(id)!.active !== false);
}

/** A delegation counts while now is within [from, until] (open ends allowed). */
export function activeDelegate(user: Approver | undefined, now: string): string | undefined {
  const d = user?.delegation;
  if (!d?.delegateId) return undefined;
  if (d.from && now < d.from) return undefined;
  if (d.until && now > d.until) return undefined;
  return d.delegateId;
}
