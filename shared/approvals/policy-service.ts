import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { keys } from '#shared/core/keys';
import { auditPut } from '#shared/core/audit';
import { forbidden, invalid } from '#shared/core/errors';
import { hasRole } from '#shared/core/principal';
import { percentile, countOf, type Histogram } from '#shared/core/histogram';
import type { Session } from '#shared/core/session';
import { fromPolicyItem, savePolicy, type StoredPolicy } from './policy-store.ts';
import type { ApprovalPolicy } from './policy.ts';

/** Reading and changing the approval policy, and how fast approvers answer under it. */
export function createPolicyService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    /** Everyone may read the policy: knowing the rules is part of a transparent process. */
    async get(session: Session): Promise<StoredPolicy> {
      const { items } = await session.load([keys.policy('approval')]);
      return fromPolicyItem(items[0]);
    },

    async put(session: Session, policy: ApprovalPolicy, expectedVersion: number): Promise<StoredPolicy> {
      const named = [...new Set(policy.steps.flatMap((s) => (s.approvers.type === 'users' ? s.approvers.userIds : [])))];
      const { principal, items } = await session.load([keys.policy('approval'), ...named.map((id) => keys.user(id))]);
      if (!hasRole(principal, 'admin')) throw forbidden('Only an admin changes the approval policy');
      const missing = named.filter((_, i) => !items[i + 1] || items[i + 1]!.active === false);
      if (missing.length) {
        const fields = Object.fromEntries(
          policy.steps.flatMap((s, i) => (s.approvers.type === 'users' && s.approvers.userIds.some((id) => missing.includes(id)) ? [[`steps.${i}.approvers.userIds`, `No active user: ${missing.join(', ')}`]] : [])),
        );
        throw invalid('The policy names approvers who do not exist or are deactivated', fields);
      }
      const current = fromPolicyItem(items[0]);
      const now = clock.now().toISOString();
      return savePolicy(db, policy, expectedVersion, principal.userId, now, (next) =>
        auditPut(db, { entityType: 'approval_policy', entityId: 'current', action: 'update', actorId: principal.userId, at: now, before: { version: current.version, policy: current.policy }, after: { version: next.version, policy }, scope: {} }),
      );
    },

    /** Median and p90 decision time per policy step (bucket upper bounds), and escalations — read from counters. */
    async approvalTimes(session: Session) {
      const { principal } = await session.load();
      if (!hasRole(principal, 'manager', 'director', 'vp', 'finance', 'admin')) throw forbidden('Approval turnaround is for managers and above');
      const out = await db.doc.send(
        new QueryCommand({ TableName: db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.approvalTimes('x').PK } }),
      );
      return {
        items: (out.Items ?? []).map((item) => {
          const histogram: Histogram = Object.fromEntries(Object.entries(item).filter(([k]) => /^b\d\d$/.test(k)).map(([k, v]) => [k, Number(v)]));
          return {
            stepId: String(item.SK).replace(/^STEP#/, ''),
            stepName: item.stepName as string,
            decisions: countOf(histogram),
            medianSeconds: percentile(histogram, 50),
            p90Seconds: percentile(histogram, 90),
            escalations: Number(item.escalations ?? 0),
          };
        }),
      };
    },
  };
}
