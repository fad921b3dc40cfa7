import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import type { Stored } from '#shared/core/versioned-policy';
import { auditPut } from '#shared/core/audit';
import { forbidden } from '#shared/core/errors';
import { hasRole } from '#shared/core/principal';
import type { Session } from '#shared/core/session';
import { goalPolicyStore, type GoalPolicy } from './policy.ts';

/**
 * GET|PUT /goal-policy. Everyone signed in reads it (a rep should know when the pace check flags them); an admin
 * saves a new version with If-Match. The next daily pace check and the next revision request use it.
 */
export function createGoalPolicyService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    async get(session: Session): Promise<Stored<GoalPolicy>> {
      const { items } = await session.load([goalPolicyStore.key()]);
      return goalPolicyStore.fromItem(items[0]);
    },

    async put(session: Session, policy: GoalPolicy, expectedVersion: number): Promise<Stored<GoalPolicy>> {
      const { principal, items } = await session.load([goalPolicyStore.key()]);
      if (!hasRole(principal, 'admin')) throw forbidden('Only an admin changes the goals policy');
      const current = goalPolicyStore.fromItem(items[0]);
      const now = clock.now().toISOString();
      return goalPolicyStore.save(db, policy, expectedVersion, principal.userId, now, (next) =>
        auditPut(db, { entityType: 'goal_policy', entityId: 'current', action: 'update', actorId: principal.userId, at: now, before: { version: current.version, policy: current.policy }, after: { version: next.version, policy }, scope: {} }),
      );
    },
  };
}
