import type { Db } from '#shared/core/db';
import { compliance, requiredFor } from './training-rules.ts';
import type { RequiredCourse } from './training-schemas.ts';
import { enrolmentsOf, readCatalogue } from './training-store.ts';

/** At most this many users' enrolment Queries run at once (a large team must not flood the table). */
const CONCURRENCY = 16;

/**
 * Training compliance of each user (the performance review and the team report call this): the required-course
 * catalogue is one GetItem, then one Query of enrolments per user, run in parallel. Users with no required course
 * are compliant at 100 %.
 */
export async function trainingCompliance(
  db: Db,
  users: { id: string; roles: string[] }[],
): Promise<Map<string, { required: number; completed: number; compliant: boolean; pct: number }>> {
  return complianceWith(db, await readCatalogue(db), users);
}

/** The same, with a catalogue already read (the API reads it together with the caller's session). */
export async function complianceWith(db: Db, catalogue: RequiredCourse[], users: { id: string; roles: string[] }[]) {
  const result = new Map<string, { required: number; completed: number; compliant: boolean; pct: number }>();
  // Nothing required: compliant without reading enrolments.
  const needing = users.filter((u) => requiredFor(catalogue, u.roles).length > 0);
  for (const user of users) result.set(user.id, { required: 0, completed: 0, compliant: true, pct: 100 });
  for (let i = 0; i < needing.length; i += CONCURRENCY) {
    const batch = needing.slice(i, i + CONCURRENCY);
    const enrolments = await Promise.all(batch.map((u) => enrolmentsOf(db, u.id)));
    batch.forEach((user, j) => {
      const { required, completed, compliant, pct } = compliance(catalogue, user.roles, enrolments[j]!);
      result.set(user.id, { required, completed, compliant, pct });
    });
  }
  return result;
}
