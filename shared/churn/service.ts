import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { resumeIfOpen, type WorkflowEngine } from '#shared/core/workflow-engine';
import { keys, indexPartition } from '#shared/core/keys';
import { auditPut } from '#shared/core/audit';
import { conflict, forbidden, notFound } from '#shared/core/errors';
import { canSee, canWriteSalesRecords, dataScope, hasRole, type Principal } from '#shared/core/principal';
import { fromItem, queryIndex } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { setIfVersion, transact } from '#shared/core/write';
import type { Customer } from '#shared/customers/schemas';
import { customerScope } from '#shared/customers/rules';
import { reportMonths, reportScope } from '#shared/process/funnel';
import { computeHealth } from './health.ts';
import { riskLevel, type Assessment } from './risk.ts';
import { churnPolicyStore, type ChurnPolicy } from './policy.ts';
import { alertView, putAlertIfVersion, type StoredAlert } from './alerts.ts';
import { REASONS, OUTCOMES, type Outcome } from './recovery.ts';

export interface ChurnDeps {
  db: Db;
  clock: Clock;
  engine: WorkflowEngine;
}

export function createChurnService({ db, clock, engine }: ChurnDeps) {
  async function visibleCustomer(session: Session, id: string, extra = [churnPolicyStore.key()]) {
    const { principal, items } = await session.load([keys.customer(id), ...extra]);
    const customer = items[0] && fromItem<Customer>(items[0]);
    if (!customer || !canSee(principal, customerScope(customer))) throw notFound(`Customer ${id}`);
    return { principal, customer, policy: churnPolicyStore.fromItem(items[1]) };
  }

  async function visibleAlert(session: Session, id: string) {
    const { principal, items } = await session.load([keys.churnAlert(id)]);
    const alert = items[0] && fromItem<StoredAlert>(items[0]);
    if (!alert || !(alert.assigneeIds.includes(principal.userId) || canSee(principal, alert))) throw notFound(`Churn alert ${id}`);
    return { principal, alert };
  }

  const mayWork = (principal: Principal, alert: StoredAlert) => alert.assigneeIds.includes(principal.userId) || (canWriteSalesRecords(principal) && canSee(principal, alert));

  return {
    /** The assessed risks combined with derived signals into the level the approval policy can use. */
    async setRisk(session: Session, customerId: string, input: Assessment & { notes?: string }) {
      const { principal, customer } = await visibleCustomer(session, customerId, []);
      if (!canWriteSalesRecords(principal)) throw forbidden('Your role reads customers but does not change them');
      const now = clock.now();
      const { level, signals } = riskLevel(input, customer, now);
      const risk = { ...input, level, signals, assessedAt: now.toISOString(), assessedBy: principal.userId };
      await transact(
        db,
        [
          setIfVersion(db, keys.customer(customerId), { risk }, customer.version, risk.assessedAt),
          auditPut(db, { entityType: 'customer', entityId: customerId, action: 'risk', actorId: principal.userId, at: risk.assessedAt, before: { risk: customer.risk ?? null }, after: { risk }, scope: customerScope(customer) }),
        ],
        () => conflict('version_conflict', 'The customer changed at the same moment; try again'),
      );
      return { ...customer, risk, version: customer.version + 1 };
    },

    /** Health now, component by component; the deductions add up to 100 − score. */
    async health(session: Session, customerId: string) {
      const { customer, policy } = await visibleCustomer(session, customerId);
      const health = computeHealth(customer, policy.policy, clock.now());
      return { customerId, ...health, thresholds: policy.policy.thresholds, policyVersion: policy.version, openAlertId: customer.health?.openAlertId ?? null, evaluatedAt: clock.now().toISOString() };
    },

    getPolicy: async (session: Session) => churnPolicyStore.fromItem((await session.load([churnPolicyStore.key()])).items[0]),

    async putPolicy(session: Session, policy: ChurnPolicy, expectedVersion: number) {
      const { principal, items } = await session.load([churnPolicyStore.key()]);
      if (!hasRole(principal, 'admin')) throw forbidden('Only an admin changes the churn policy');
      const current = churnPolicyStore.fromItem(items[0]);
      const now = clock.now().toISOString();
      return churnPolicyStore.save(db, policy, expectedVersion, principal.userId, now, (next) =>
        auditPut(db, { entityType: 'churn_policy', entityId: 'current', action: 'update', actorId: principal.userId, at: now, before: { version: current.version, policy: current.policy }, after: { version: next.version, policy }, scope: {} }),
      );
    },

    /** Alerts within scope from the index that holds exactly the caller's scope (status leads the sort key). */
    async listAlerts(session: Session, query: { status: 'open' | 'closed'; limit: number; cursor?: string }) {
      const { principal } = await session.load();
      const page = { limit: query.limit, cursor: query.cursor, sortPrefix: keys.churnAlertSortPrefix(query.status), descending: true };
      const scope = dataScope(principal);
      const result =
        scope.kind === 'all'
          ? await queryIndex<StoredAlert>(db, { index: 'GSI4', partition: indexPartition.all('CHURN_ALERTS'), ...page })
          : scope.kind === 'region'
            ? await queryIndex<StoredAlert>(db, { index: 'GSI3', partition: indexPartition.region(scope.regionId), ...page })
            : scope.kind === 'team'
              ? await queryIndex<StoredAlert>(db, { index: 'GSI2', partition: indexPartition.team(scope.teamId), ...page })
              : await queryIndex<StoredAlert>(db, { index: 'GSI1', partition: indexPartition.owner(scope.userId), ...page });
      return { items: result.items.map(alertView), nextCursor: result.nextCursor };
    },

    getAlert: async (session: Session, id: string) => alertView((await visibleAlert(session, id)).alert),

    async logAction(session: Session, id: string, input: { type: string; note: string }) {
      const { principal, alert } = await visibleAlert(session, id);
      if (!mayWork(principal, alert)) throw forbidden('Only the people working this alert log actions on it');
      if (alert.status !== 'open') throw conflict('alert_closed', 'This alert is closed');
      const at = clock.now().toISOString();
      const next: StoredAlert = { ...alert, actions: [...alert.actions, { ...input, by: principal.userId, at }], updatedAt: at, version: alert.version + 1 };
      await transact(db, [putAlertIfVersion(db, next, alert.version)], () => conflict('alert_changed', 'The alert changed at the same moment; try again'));
      return alertView(next);
    },

    /** Records the outcome and resumes the waiting workflow, which closes the alert. */
    async postOutcome(session: Session, id: string, input: { outcome: Outcome; reason?: string }) {
      const { principal, alert } = await visibleAlert(session, id);
      if (!mayWork(principal, alert)) throw forbidden('Only the people working this alert post its outcome');
      if (alert.status !== 'open' || alert.outcome) throw conflict('alert_closed', 'This alert already has its outcome');
      if (alert.stage !== 'awaiting_outcome' || !alert.pendingToken) throw conflict('not_ready', 'The recovery plan is still being prepared; try again in a moment');
      const at = clock.now().toISOString();
      const next: StoredAlert = { ...alert, outcome: { ...input, by: principal.userId, at }, pendingToken: undefined, updatedAt: at, version: alert.version + 1 };
      await transact(db, [putAlertIfVersion(db, next, alert.version)], () => conflict('alert_changed', 'The alert changed at the same moment; try again'));
      // If the SLA ran out at the same moment, the workflow's escalate step sees the outcome and closes with it.
      await resumeIfOpen(alert.pendingToken, (token) => engine.sendTaskSuccess(token, { outcome: input.outcome }));
      return alertView(next);
    },

    /** Recovery rate and reasons for closed alerts, from per-scope monthly counters. */
    async report(session: Session, query: { from?: string; to?: string; teamId?: string; regionId?: string }) {
      const { principal, items } = await session.load([...(query.teamId ? [keys.team(query.teamId)] : []), ...(query.regionId ? [keys.region(query.regionId)] : [])]);
      const found = items[0] as { id: string; regionId: string } | undefined;
      const scope = reportScope(principal, query, { team: query.teamId ? found : undefined, region: query.regionId ? found : undefined }, 'churn');
      if (scope.kind === 'owner') throw forbidden('Churn reports cover a team or more; ask your manager');
      const months = reportMonths(query, clock.now());
      const partition = keys.churnStatsPartition(keys.funnelScope(scope.kind, scope.id));
      const out = await db.doc.send(
        new QueryCommand({ TableName: db.tableName, KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': partition, ':from': months.from, ':to': months.to } }),
      );
      const sum = (name: string) => (out.Items ?? []).reduce((total, item) => total + Number(item[name] ?? 0), 0);
      const closed = sum('closed');
      const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, sum(`outcome_${o}`)]));
      return {
        scope,
        ...months,
        closed,
        outcomes,
        recoveryRate: closed ? outcomes.recovered! / closed : null,
        reasons: Object.fromEntries(REASONS.map((r) => [r, sum(`reason_${r}`)])),
      };
    },
  };
}
