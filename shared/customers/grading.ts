import type { CREDIT_RATINGS, Customer, CustomerStats, Grade, GradeComponent, GradeComponentName, TIERS } from './schemas.ts';
import type { GradingPolicy, Scale, StoredGradingPolicy } from './grading-policy.ts';
import { AppError } from '#shared/core/errors';
import { daysBetween, rollStats } from './stats.ts';

/**
 * Value grading, pure. Four components, each mapped to 0–100 integer points by the policy's step scales:
 *   monetary  = 12-month spend (in the policy's currency),  frequency = orders in the last 12 months,
 *   recency   = days since the last order (as of `today`),   credit    = the credit rating (A–E or unrated).
 * Rounding: score = round half up of Σ(points × weight) / 100. Each contribution is points × weight / 100,
 * rounded by largest remainder — floor them all, then give +1 to the largest fractions (ties in component
 * order) until they add up to the score — so the integer contributions always add up exactly to the score.
 */
type Tier = (typeof TIERS)[number];
type CreditRating = (typeof CREDIT_RATINGS)[number];

export const COMPONENTS: GradeComponentName[] = ['monetary', 'frequency', 'recency', 'credit'];

/** The points of the last breakpoint whose `from` is ≤ value (scales start at 0, so there is always one). */
export function pointsOn(scale: Scale, value: number): { points: number; from: number } {
  let hit = scale[0]!;
  for (const step of scale) if (step.from <= value) hit = step;
  return { points: hit.points, from: hit.from };
}

export function tierFor(score: number, thresholds: GradingPolicy['thresholds']): Tier {
  return score >= thresholds.A ? 'A' : score >= thresholds.B ? 'B' : score >= thresholds.C ? 'C' : 'D';
}

/** What grading looks at on a customer. */
export interface GradeInput {
  stats?: CustomerStats;
  creditRating?: CreditRating;
}

/** The measured value and its points, per component. */
export function measure(input: GradeInput, policy: GradingPolicy, today: string): Record<GradeComponentName, { value: number | string | null; points: number }> {
  const stats = input.stats && rollStats(input.stats, today);
  const spend = stats && stats.currency === policy.monetary.currency ? stats.spend12m : 0;
  const orders = stats?.orders12m ?? 0;
  const days = stats?.lastOrderDate ? Math.max(0, daysBetween(stats.lastOrderDate, today)) : null;
  return {
    monetary: { value: spend, points: pointsOn(policy.monetary.breakpoints, spend).points },
    frequency: { value: orders, points: pointsOn(policy.frequency.breakpoints, orders).points },
    recency: { value: days, points: days === null ? policy.recency.noOrder : pointsOn(policy.recency.breakpoints, days).points },
    credit: { value: input.creditRating ?? null, points: policy.credit[input.creditRating ?? 'unrated'] },
  };
}

/** Integer shares of `score` proportional to `raw` (hundredths), by largest remainder; they add up to `score`. */
export function allocate(raw: number[], score: number): number[] {
  const shares = raw.map((r) => Math.floor(r / 100));
  let extra = score - shares.reduce((a, b) => a + b, 0);
  const byRemainder = raw.map((r, i) => ({ i, rest: r % 100 })).filter((x) => x.rest > 0).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of byRemainder) {
    if (extra <= 0) break;
    shares[i]! += 1;
    extra -= 1;
  }
  return shares;
}

/** The grade as of `today` under `stored` (the policy version is recorded); `pinned` is carried over. */
export function computeGrade(input: GradeInput, stored: StoredGradingPolicy, today: string, now: string, pinned?: Grade['pinned']): Grade {
  const policy = stored.policy;
  const measured = measure(input, policy, today);
  const raw = COMPONENTS.map((name) => measured[name].points * policy.weights[name]);
  const score = Math.floor((raw.reduce((a, b) => a + b, 0) + 50) / 100);
  const shares = allocate(raw, score);
  const components: GradeComponent[] = COMPONENTS.map((name, i) => ({
    component: name,
    value: measured[name].value,
    points: measured[name].points,
    weight: policy.weights[name],
    contribution: shares[i]!,
  }));
  return {
    score,
    computedTier: tierFor(score, policy.thresholds),
    asOf: today,
    computedAt: now,
    policyVersion: stored.version,
    components,
    thresholds: { ...policy.thresholds },
    ...(pinned ? { pinned } : {}),
  };
}

/** A pinned tier wins over the score. */
export const effectiveTier = (grade: Grade): Tier => grade.pinned?.tier ?? grade.computedTier;

/**
 * Whether a regrade is worth a write: the score, tier, policy, pin or any component's points changed. A value
 * that moved without changing points (one more day since the last order) is not: the stored explanation still
 * adds up, as of the day it names.
 */
export function gradeDiffers(before: Grade | undefined, after: Grade | undefined): boolean {
  if (!before || !after) return before !== after;
  const pointsOf = (g: Grade) => g.components.map((c) => `${c.component}:${c.points}:${c.weight}`).join();
  return (
    before.score !== after.score ||
    before.computedTier !== after.computedTier ||
    before.policyVersion !== after.policyVersion ||
    !sameValue(before.thresholds, after.thresholds) ||
    !sameValue(before.pinned, after.pinned) ||
    pointsOf(before) !== pointsOf(after)
  );
}

/** Deep equality that ignores map key order (DynamoDB does not keep it) and absent-vs-undefined. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Who is graded: a customer with at least one order, or one whose tier an admin pinned. Until then the tier it
 * was given at creation (admin-set, default C) stands — a credit change alone does not grade it.
 */
export const isGraded = (customer: Pick<Customer, 'stats' | 'grade'>) => customer.grade !== undefined || customer.stats !== undefined;

/** A graded customer's tier follows its score: an admin pins it (PUT /customers/{id}/tier) instead of editing it. */
export function assertTierFollowsGrade(customer: Pick<Customer, 'id' | 'stats' | 'grade' | 'tier'>, tier: string | undefined): void {
  if (tier !== undefined && tier !== customer.tier && isGraded(customer)) {
    throw new AppError(409, 'tier_graded', `Customer ${customer.id} is graded, so its tier follows its score; pin a tier with PUT /customers/${customer.id}/tier`, { tier: 'Graded' });
  }
}

/** The grade recomputed as of `now` (windows rolled to today), keeping the pin unless given one (null: none). */
export function regrade(customer: Customer, stored: StoredGradingPolicy, now: string, pinned: Grade['pinned'] | null = customer.grade?.pinned ?? null): Pick<Customer, 'stats' | 'grade'> {
  const today = now.slice(0, 10);
  const stats = customer.stats && rollStats(customer.stats, today);
  return { ...(stats ? { stats } : {}), grade: computeGrade({ stats, creditRating: customer.creditRating }, stored, today, now, pinned ?? undefined) };
}

/** A PATCH that changes a graded customer's credit rating regrades it in the same write; other PATCHes leave the grade alone. */
export function regradeOnPatch(before: Customer, after: Customer, stored: StoredGradingPolicy, now: string): Customer {
  if (!isGraded(before) || before.creditRating === after.creditRating) return after;
  const value = regrade(after, stored, now);
  return { ...after, ...value, tier: effectiveTier(value.grade!) };
}
