import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { TaskDeps } from '#shared/core/task';
import { keys } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { fromItem, queryIndex } from '#shared/core/query';
import { isConditionFailure } from '#shared/core/errors';
import { transact } from '#shared/core/write';
import type { Customer } from '#shared/customers/schemas';
import { computeHealth } from './health.ts';
import { churnPolicyStore } from './policy.ts';
import { alertItem, countOpen, type StoredAlert } from './alerts.ts';

export type EvaluationDeps = Pick<TaskDeps, 'db' | 'clock' | 'engine'>;

/**
 * Re-computes one customer's health and stores it when it changed. Turning red opens a churn alert (at most
 * one open per customer: the customer's `health.openAlertId` is the guard, set in the same transaction) and
 * starts the churn-recovery workflow named by the alert id.
 */
export async function evaluateHealth(
  deps: EvaluationDeps,
  customerId: string,
  /** Events store health only when its band changes (an ETag the caller just got stays valid); the daily run stores every score. */
  options: { storeScore: boolean } = { storeScore: true },
): Promise<{ score: number; band: string; alertId?: string; opened: boolean } | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const out = await deps.db.doc.send(
      new BatchGetCommand({ RequestItems: { [deps.db.tableName]: { Keys: [keys.customer(customerId), churnPolicyStore.key()], ConsistentRead: true } } }),
    );
    const found = out.Responses?.[deps.db.tableName] ?? [];
    const item = found.find((i) => i.PK === keys.customer(customerId).PK);
    if (!item || item.status !== 'active') return undefined;
    const customer = fromItem<Customer>(item);
    const policy = churnPolicyStore.fromItem(found.find((i) => i.PK === churnPolicyStore.key().PK));
    const now = deps.clock.now();
    const health = computeHealth(customer, policy.policy, now);
    const openAlertId = customer.health?.openAlertId;
    const opens = health.band === 'red' && !openAlertId;
    // A customer never evaluated counts as green: an event that leaves them green writes nothing.
    const unchanged = (customer.health?.band ?? 'green') === health.band && (!options.storeScore || customer.health?.score === health.score);
    if (unchanged && !opens) return { score: health.score, band: health.band, alertId: openAlertId, opened: false };
    const at = now.toISOString();
    const alertId = opens ? newId() : openAlertId;
    const stored = { score: health.score, band: health.band, computedAt: at, ...(alertId ? { openAlertId: alertId } : {}) };
    const updateCustomer = {
      Update: {
        TableName: deps.db.tableName,
        Key: keys.customer(customerId),
        UpdateExpression: 'SET health = :h, version = version + :one, updatedAt = :at',
        ConditionExpression: opens ? 'version = :v AND attribute_not_exists(health.openAlertId)' : 'version = :v',
        ExpressionAttributeValues: { ':h': stored, ':one': 1, ':at': at, ':v': customer.version },
      },
    };
    const alert: StoredAlert | undefined = opens
      ? {
          id: alertId!,
          customerId,
          customerName: customer.name,
          customerTier: customer.tier,
          ownerId: customer.ownerId,
          teamId: customer.teamId,
          regionId: customer.regionId,
          status: 'open',
          stage: 'analysing',
          snapshot: { ...health, policyVersion: policy.version },
          reasons: [],
          assigneeIds: [],
          plan: [],
          actions: [],
          escalations: [],
          recoverySlaSeconds: policy.policy.recoverySlaSeconds,
          maxEscalations: policy.policy.maxEscalations,
          openedAt: at,
          updatedAt: at,
          version: 1,
        }
      : undefined;
    try {
      await transact(deps.db, [updateCustomer, ...(alert ? [{ Put: { TableName: deps.db.tableName, Item: alertItem(alert), ConditionExpression: 'attribute_not_exists(PK)' } }, ...countOpen(deps.db, alert, 1)] : [])], () => new Error('changed'));
    } catch (error) {
      // Someone wrote the customer meanwhile (an order, a PATCH): read it again and re-evaluate.
      if (isConditionFailure((error as { cause?: unknown }).cause ?? error)) continue;
      throw error;
    }
    if (alert) await deps.engine.startExecution({ workflow: 'churn-recovery', name: alert.id, input: { alertId: alert.id, recoverySlaSeconds: alert.recoverySlaSeconds } });
    return { score: health.score, band: health.band, alertId, opened: Boolean(alert) };
  }
  throw new Error(`Customer ${customerId} kept changing while its health was evaluated`);
}

/** One page of the daily health run: active customers from the org-wide index, in pages of `limit`. */
export async function evaluateHealthPage(deps: EvaluationDeps, cursor: string | undefined, limit = 50) {
  const page = await queryIndex<Customer>(deps.db, { index: 'GSI4', partition: 'CUSTOMERS', sortPrefix: keys.customerSortPrefix('active'), limit, cursor });
  let opened = 0;
  for (const customer of page.items) if ((await evaluateHealth(deps, customer.id))?.opened) opened += 1;
  return { processed: page.items.length, opened, nextCursor: page.nextCursor };
}
