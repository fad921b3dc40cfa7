import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { keys } from '#shared/core/keys';
import { fromItem } from '#shared/core/query';
import { putIfVersion } from '#shared/core/write';
import type { HealthComponent } from './health.ts';
import type { Evidence, Outcome, PlanTask } from './recovery.ts';

/** A churn alert: opened when a customer's health turns red, worked by the churn-recovery workflow. */
export interface ChurnAlert {
  id: string;
  customerId: string;
  customerName: string;
  customerTier: string;
  ownerId: string;
  teamId?: string;
  regionId: string;
  status: 'open' | 'closed';
  /** Where the workflow is: analysing → planning → awaiting_outcome → closed. */
  stage: 'analysing' | 'planning' | 'awaiting_outcome' | 'closed';
  /** The health as it was when the alert opened, component by component. */
  snapshot: { score: number; band: string; components: HealthComponent[]; policyVersion: number };
  reasons: Evidence[];
  assigneeIds: string[];
  plan: PlanTask[];
  actions: { type: string; note: string; by: string; at: string }[];
  escalations: { at: string; to: string[] }[];
  outcome?: { outcome: Outcome; reason?: string; by: string; at: string };
  recoverySlaSeconds: number;
  maxEscalations: number;
  dueAt?: string;
  openedAt: string;
  closedAt?: string;
  updatedAt: string;
  version: number;
}

export type StoredAlert = ChurnAlert & { pendingToken?: string };

export const alertItem = (alert: StoredAlert) => ({ ...keys.churnAlert(alert.id), ...keys.churnAlertIndexes(alert), type: 'churn_alert', ...alert });

export function alertView(alert: StoredAlert): ChurnAlert {
  const { pendingToken: _token, ...view } = alert;
  return view;
}

export const putAlertIfVersion = (db: Db, next: StoredAlert, readVersion: number) => putIfVersion(db, alertItem(next), readVersion);

export async function getAlert(db: Db, id: string): Promise<StoredAlert | undefined> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.churnAlert(id), ConsistentRead: true }));
  return out.Item && fromItem<StoredAlert>(out.Item);
}

/** Recovery outcomes counted per scope and month of closing (recovery rate and reasons without reading alerts). */
export function countOutcome(db: Db, alert: ChurnAlert, outcome: Outcome, at: string) {
  const scopes = ['ALL', `REGION#${alert.regionId}`, ...(alert.teamId ? [`TEAM#${alert.teamId}`] : [])];
  const reasonNames = Object.fromEntries(alert.reasons.map((r, i) => [`#r${i}`, `reason_${r.reason}`]));
  return scopes.map((scope) => ({
    Update: {
      TableName: db.tableName,
      Key: keys.churnStats(scope, at.slice(0, 7)),
      UpdateExpression: `ADD closed :one, #outcome :one${alert.reasons.map((_, i) => `, #r${i} :one`).join('')} SET #type = :type`,
      ExpressionAttributeNames: { '#outcome': `outcome_${outcome}`, '#type': 'type', ...reasonNames },
      ExpressionAttributeValues: { ':one': 1, ':type': 'churn_stats' },
    },
  }));
}

/** The open-alerts counters of an alert's scopes: +1 when it opens, −1 when it closes (in the same transaction). */
export function countOpen(db: Db, alert: Pick<ChurnAlert, 'ownerId' | 'teamId' | 'regionId'>, delta: 1 | -1) {
  const scopes = ['ALL', `REGION#${alert.regionId}`, ...(alert.teamId ? [`TEAM#${alert.teamId}`] : []), `OWNER#${alert.ownerId}`];
  return scopes.map((scope) => ({
    Update: {
      TableName: db.tableName,
      Key: keys.churnOpen(scope),
      UpdateExpression: 'ADD #open :delta SET #type = :type',
      ExpressionAttributeNames: { '#open': 'open', '#type': 'type' },
      ExpressionAttributeValues: { ':delta': delta, ':type': 'churn_open' },
    },
  }));
}
