import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { commissionKeys, indexPartition, keys, type Key } from '#shared/core/keys';
import { fromItem, queryAll, type Item } from '#shared/core/query';
import type { ClawbackOrder, LostCustomer } from './clawbacks.ts';
import type { Assignee, Plan, PlanTerms, Statement } from './schemas.ts';

/** DynamoDB for commissions: item shapes and the few reads a statement needs. */

export const planItem = (plan: Plan) => ({ ...commissionKeys.plan(plan.id), ...commissionKeys.planIndexes(plan), type: 'commission_plan', ...plan });
export const assigneeItem = (a: Assignee) => ({ ...commissionKeys.planAssignee(a.planId, a.userId), type: 'commission_assignee', ...a });

/** What a user's period (or month guard) item carries: the plan's id, name, period and terms (plans never change). */
export interface AssignedPlan extends PlanTerms {
  id: string;
  name: string;
  period: string;
}
export const assignedPlan = ({ id, name, period, currency, baseRate, bands, mode, accelerator, cap, clawbackDays }: Plan): AssignedPlan => ({ id, name, period, currency, baseRate, bands, mode, accelerator, cap, clawbackDays });

export const assignmentItem = (key: Key, userId: string, plan: AssignedPlan) => ({ ...key, type: 'commission_assignment', userId, period: plan.period, planId: plan.id, plan });
export const statementItem = (s: Statement) => ({ ...commissionKeys.statement(s.userId, s.period), type: 'commission_statement', ...s });

export const planOf = (item: Item | undefined) => (item ? (item.plan as AssignedPlan) : undefined);

const id = (key: Key) => `${key.PK}\u0000${key.SK}`;

/** Items by key (chunks of 100, unprocessed keys retried); missing keys are absent from the map. */
export async function batchGet(db: Db, wanted: Key[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  const unique = [...new Map(wanted.map((k) => [id(k), k])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let pending = unique.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** Math.min(attempt, 5)));
      const out = await db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: pending } } }));
      for (const item of out.Responses?.[db.tableName] ?? []) found.set(id(item as Key), item);
      pending = (out.UnprocessedKeys?.[db.tableName]?.Keys as Key[] | undefined) ?? [];
    }
  }
  return found;
}
export const pick = (found: Map<string, Item>, key: Key) => found.get(id(key));


/** A user's orders dated from…to (inclusive), oldest first: one Query on their sparse GSI1 partition. */
export async function ownerOrders(db: Db, ownerId: string, from: string, to: string): Promise<ClawbackOrder[]> {
  const range = commissionKeys.ownerOrdersRange(from, to);
  const items = await queryAll(db, {
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': commissionKeys.ownerOrdersPartition(ownerId), ':from': range.from, ':to': range.to },
  });
  return items.map((item) => {
    const o = fromItem<ClawbackOrder & { refund?: { date: string; reason: string } }>(item);
    return { id: o.id, date: o.date, customerId: o.customerId, amount: o.amount, currency: o.currency, ...(o.refund ? { refund: { date: o.refund.date, reason: o.refund.reason } } : {}) };
  });
}

/**
 * Customers lost on a user's watch: their closed churn alerts (GSI1 `OWNER#<id>`, `CHURN#closed#<openedAt>…`) opened
 * from `from` on, kept when the outcome is `lost`. An alert sits under the customer's owner when it opened.
 */
export async function lostCustomers(db: Db, ownerId: string, from: string, to: string): Promise<LostCustomer[]> {
  const prefix = keys.churnAlertSortPrefix('closed');
  const items = await queryAll(db, {
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
    FilterExpression: '#outcome.#outcome = :lost',
    ExpressionAttributeNames: { '#outcome': 'outcome' },
    ExpressionAttributeValues: { ':pk': indexPartition.owner(ownerId), ':from': `${prefix}${from}`, ':to': `${prefix}${to}~`, ':lost': 'lost' },
  });
  return items
    .map((item) => fromItem<{ id: string; customerId: string; closedAt?: string; outcome?: { reason?: string } }>(item))
    .filter((a) => a.closedAt)
    .map((a) => ({ alertId: a.id, customerId: a.customerId, date: a.closedAt!.slice(0, 10), ...(a.outcome?.reason ? { reason: a.outcome.reason } : {}) }));
}

/** A plan with its assignees: one Query on the plan's partition. */
export async function planWithAssignees(db: Db, planId: string): Promise<{ plan?: Plan; assignees: Assignee[] }> {
  const items = await queryAll(db, { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': commissionKeys.planPartition(planId) } });
  const plan = items.find((i) => i.SK === commissionKeys.plan(planId).SK);
  const assignees = items.filter((i) => String(i.SK).startsWith(commissionKeys.planAssigneePrefix)).map((i) => fromItem<Assignee>(i));
  return { plan: plan && fromItem<Plan>(plan), assignees };
}
