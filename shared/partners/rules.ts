import { forbidden } from '#shared/core/errors';
import { hasRole, type Principal } from '#shared/core/principal';
import { CRITERIA, type Criteria, type Screening } from './schemas.ts';

/**
 * Partner screening, pure and in this order (the first rule that holds decides, and is named in the result):
 * 1. knock-out: any criterion ≤ 2 rejects, whatever the rest (a partner with no reputation or failing finances
 *    is not rescued by a strong fit);
 * 2. weighted average ≥ 7 → approved;
 * 3. weighted average ≥ 5 → watch (worth a second look, not a contract);
 * 4. otherwise → rejected.
 * Capability weighs most (what the partner can actually deliver); strategic fit least (easiest to argue).
 */
export const WEIGHTS: Record<(typeof CRITERIA)[number], number> = {
  marketOverlap: 0.2,
  capability: 0.25,
  reputation: 0.2,
  financialHealth: 0.2,
  strategicFit: 0.15,
};
export const KNOCK_OUT_AT = 2;
export const APPROVE_AT = 7;
export const WATCH_AT = 5;

export function weightedScore(criteria: Criteria): number {
  // Rounded before comparing, so 7 is 7 and not 6.999999999 after floating-point sums.
  return Math.round(CRITERIA.reduce((sum, c) => sum + criteria[c] * WEIGHTS[c], 0) * 100) / 100;
}

export function screen(criteria: Criteria): Screening {
  const score = weightedScore(criteria);
  const knockedOut = CRITERIA.filter((c) => criteria[c] <= KNOCK_OUT_AT);
  if (knockedOut.length > 0) return { result: 'rejected', rule: `knock-out: ${knockedOut.join(', ')}`, score };
  if (score >= APPROVE_AT) return { result: 'approved', rule: `weighted score ${score} ≥ ${APPROVE_AT}`, score };
  if (score >= WATCH_AT) return { result: 'watch', rule: `weighted score ${score} ≥ ${WATCH_AT} and < ${APPROVE_AT}`, score };
  return { result: 'rejected', rule: `weighted score ${score} < ${WATCH_AT}`, score };
}

/** Screening a partner commits the company: managers and above (not reps, not finance). Everyone reads partners. */
export function assertCanCreatePartner(principal: Principal): void {
  if (!hasRole(principal, 'manager', 'director', 'vp', 'admin')) throw forbidden('Managers and above screen new partners');
}
