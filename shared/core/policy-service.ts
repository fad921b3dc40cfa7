import type { Db } from './db.ts';
import type { Clock } from './clock.ts';
import { auditPut } from './audit.ts';
import { forbidden } from './errors.ts';
import { hasRole } from './principal.ts';
import type { Session } from './session.ts';
import type { Stored, versionedPolicy } from './versioned-policy.ts';

/**
 * GET|PUT of an admin-edited policy: everyone signed in reads it (people should know the rules that judge them);
 * an admin saves a new version with If-Match, audited as `<name>_policy`.
 */
export function createPolicyService<T>(store: ReturnType<typeof versionedPolicy<T>>, name: string, { db, clock }: { db: Db; clock: Clock }) {
  return {
    async get(session: Session): Promise<Stored<T>> {
      return store.fromItem((await session.load([store.key()])).items[0]);
    },

    async put(session: Session, policy: T, expectedVersion: number): Promise<Stored<T>> {
      const { principal, items } = await session.load([store.key()]);
      if (!hasRole(principal, 'admin')) throw forbidden(`Only an admin changes the ${name} policy`);
      const current = store.fromItem(items[0]);
      const now = clock.now().toISOString();
      return store.save(db, policy, expectedVersion, principal.userId, now, (next) =>
        auditPut(db, { entityType: `${name}_policy`, entityId: 'current', action: 'update', actorId: principal.userId, at: now, before: { version: current.version, policy: current.policy as never }, after: { version: next.version, policy: policy as never }, scope: {} }),
      );
    },
  };
}
