import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { TaskDeps } from '#shared/core/task';
import { keys } from '#shared/core/keys';
import { conflict } from '#shared/core/errors';
import { fromItem, queryIndex } from '#shared/core/query';
import { transact } from '#shared/core/write';
import { notify } from '#shared/notifications/service';
import type { Customer } from '#shared/customers/schemas';
import { computeHealth } from './health.ts';
import { churnPolicyStore } from './policy.ts';
import { likelyReasons, winBackPlan } from './recovery.ts';
import { alertView, countOpen, countOutcome, getAlert, putAlertIfVersion, type StoredAlert } from './alerts.ts';

/**
 * The churn-recovery workflow's tasks (workflows/churn-recovery.asl.json): analyse → assign → plan → wait for
 * an outcome → escalate on timeout → close. Each acts only if the alert is where the task expects it.
 */
const stale = () => conflict('alert_changed', 'The alert changed while the workflow acted on it');

async function load(deps: TaskDeps, alertId: string): Promise<StoredAlert> {
  const alert = await getAlert(deps.db, alertId);
  if (!alert) throw Object.assign(new Error(`Churn alert ${alertId} does not exist`), { name: 'AlertMissing' });
  return alert;
}

async function save(deps: TaskDeps, alert: StoredAlert, change: Partial<StoredAlert>, extra: Record<string, unknown>[] = []) {
  const next: StoredAlert = { ...alert, ...change, updatedAt: deps.clock.now().toISOString(), version: alert.version + 1 };
  await transact(deps.db, [putAlertIfVersion(deps.db, next, alert.version), ...extra], stale);
  return next;
}

async function userField(deps: TaskDeps, userId: string, field: 'managerId'): Promise<string | undefined> {
  const out = await deps.db.doc.send(new GetCommand({ TableName: deps.db.tableName, Key: keys.user(userId) }));
  return out.Item?.[field] as string | undefined;
}

const about = (a: StoredAlert) => `${a.customerName} (tier ${a.customerTier})`;

/** Likely reasons from complaints, lost deals of this customer, survey comments and silence. */
async function analyse(deps: TaskDeps, alert: StoredAlert) {
  if (alert.reasons.length > 0) return alert;
  const customerItem = (await deps.db.doc.send(new GetCommand({ TableName: deps.db.tableName, Key: keys.customer(alert.customerId) }))).Item;
  const customer = fromItem<Customer>(customerItem ?? {});
  const lost = await queryIndex<{ customerId: string; lostReason?: string }>(deps.db, { index: 'GSI1', partition: `OWNER#${alert.ownerId}`, sortPrefix: keys.dealSortPrefix('lost'), limit: 100 });
  const lostReasons = lost.items.filter((d) => d.customerId === alert.customerId && d.lostReason).map((d) => d.lostReason!);
  const policy = await churnPolicyStore.load(deps.db);
  const health = customerItem ? computeHealth(customer, policy.policy, deps.clock.now()) : { ...alert.snapshot, band: 'red' as const };
  return save(deps, alert, { reasons: likelyReasons(customer, health, lostReasons), stage: 'planning' });
}

/** The owner works the alert; for a tier-A customer their manager too. */
async function assign(deps: TaskDeps, alert: StoredAlert) {
  if (alert.assigneeIds.length > 0) return alert;
  const manager = alert.customerTier === 'A' ? await userField(deps, alert.ownerId, 'managerId') : undefined;
  return save(deps, alert, { assigneeIds: [alert.ownerId, ...(manager ? [manager] : [])] });
}

async function plan(deps: TaskDeps, alert: StoredAlert) {
  if (alert.plan.length > 0) return alert;
  const next = await save(deps, alert, { plan: winBackPlan(alert.reasons, alert.customerTier) });
  await notify(
    deps.db,
    next.assigneeIds.map((userId) => ({
      userId,
      kind: 'churn.assigned',
      title: `Churn risk: ${about(next)}`,
      body: `Health ${next.snapshot.score}/100. Likely: ${next.reasons.map((r) => r.reason).join(', ')}. Plan: ${next.plan.map((t) => t.title).join('; ')}`,
      at: next.openedAt,
      event: `${next.id}/assigned`,
    })),
  );
  return next;
}

/** SLA passed without an outcome: bring in the next manager up, or close as still at risk past the limit. */
async function escalate(deps: TaskDeps, alert: StoredAlert) {
  if (alert.status !== 'open' || alert.outcome) return { next: 'close' as const };
  if (alert.escalations.length >= alert.maxEscalations) return { next: 'close' as const };
  const top = alert.escalations.at(-1)?.to[0] ?? alert.ownerId;
  const manager = await userField(deps, top, 'managerId');
  if (!manager) return { next: 'close' as const };
  const at = deps.clock.now().toISOString();
  const next = await save(deps, alert, { stage: 'planning', assigneeIds: [...new Set([...alert.assigneeIds, manager])], escalations: [...alert.escalations, { at, to: [manager] }], pendingToken: undefined });
  await notify(deps.db, [
    { userId: manager, kind: 'churn.escalated', title: `Escalated churn risk: ${about(next)}`, body: `No outcome within the recovery SLA; you now own the win-back with ${alert.ownerId}`, at, event: `${alert.id}/escalated/${next.escalations.length}` },
  ]);
  return { next: 'await' as const };
}

/** Closes with the posted outcome, or as still at risk when nobody posted one; the customer may alert again. */
async function close(deps: TaskDeps, alert: StoredAlert) {
  if (alert.status === 'closed') return alert;
  const at = deps.clock.now().toISOString();
  const outcome = alert.outcome ?? { outcome: 'still_at_risk' as const, reason: 'no outcome posted within the recovery SLA', by: 'workflow', at };
  const next = await save(deps, alert, { status: 'closed', stage: 'closed', outcome, closedAt: at, pendingToken: undefined }, [
    {
      Update: {
        TableName: deps.db.tableName,
        Key: keys.customer(alert.customerId),
        UpdateExpression: 'REMOVE health.openAlertId SET version = version + :one, updatedAt = :at',
        ConditionExpression: 'health.openAlertId = :id',
        ExpressionAttributeValues: { ':one': 1, ':at': at, ':id': alert.id },
      },
    },
    ...countOutcome(deps.db, alert, outcome.outcome, at),
    ...countOpen(deps.db, alert, -1),
  ]);
  await notify(
    deps.db,
    next.assigneeIds.map((userId) => ({ userId, kind: 'churn.closed', title: `Churn alert closed: ${outcome.outcome.replace(/_/g, ' ')}`, body: `${about(next)}${outcome.reason ? ` — ${outcome.reason}` : ''}`, at, event: `${alert.id}/closed` })),
  );
  return next;
}

const ACTIONS = { analyse, assign, plan, close } as const;

/** Dispatcher for the non-waiting states (one Lambda for the workflow's bookkeeping). */
export async function recoveryStep(event: { action: keyof typeof ACTIONS | 'escalate'; alertId: string }, deps: TaskDeps) {
  const alert = await load(deps, event.alertId);
  if (event.action === 'escalate') return escalate(deps, alert);
  const next = await ACTIONS[event.action](deps, alert);
  return { stage: next.stage, status: next.status, alert: alertView(next).id };
}

/** The callback task: stores the token; an outcome posted through the API resumes the workflow. */
export async function awaitOutcome(event: { alertId: string; taskToken: string }, deps: TaskDeps) {
  const alert = await load(deps, event.alertId);
  if (alert.status !== 'open') return { waiting: false };
  const dueAt = new Date(deps.clock.now().getTime() + alert.recoverySlaSeconds * 1000).toISOString();
  await save(deps, alert, { stage: 'awaiting_outcome', pendingToken: event.taskToken, dueAt });
  return { waiting: true };
}
