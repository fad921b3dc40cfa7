import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { auditPut } from '#shared/core/audit';
import { forbidden } from '#shared/core/errors';
import { hasRole } from '#shared/core/principal';
import type { Session } from '#shared/core/session';
import { carePolicyStore, type CarePolicy, type StoredCarePolicy } from './policy.ts';

/**
 * GET|PUT /care-policy. Everyone reads it (reps should know their cadence and SLAs); an admin saves a new version
 * with If-Match. A change applies from the next write of each customer (new cadence, new weights); the daily
 * refresh moves every customer's due date and intent onto it within a day.
 */
export function createCarePolicyService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    async get(session: Session): Promise<StoredCarePolicy> {
      const { items } = await session.load([carePolicyStore.key()]);
      return carePolicyStore.fromItem(items[0]);
    },

    async put(session: Session, policy: CarePolicy, expectedVersion: number): Promise<StoredCarePolicy> {
      const { principal, items } = await session.load([carePolicyStore.key()]);
      if (!hasRole(principal, 'admin')) throw forbidden('Only an admin changes the care policy');
      const current = carePolicyStore.fromItem(items[0]);
      const now = clock.now().toISOString();
      return carePolicyStore.save(db, policy, expectedVersion, principal.userId, now, (next) =>
        auditPut(db, { entityType: 'care_policy', entityId: 'current', action: 'update', actorId: principal.userId, at: now, before: { version: current.version, policy: current.policy }, after: { version: next.version, policy }, scope: {} }),
      );
    },
  };
}
