/**
 * Target allocation, pure: split an integer amount (minor units) by weights so the parts sum exactly to the
 * whole (largest-remainder rounding), and split a parent's tiers the same way.
 */
export interface Tiers {
  base: number;
  sprint: number;
  challenge: number;
}

/** Weights are kept to 6 decimal places, then the arithmetic is exact (BigInt), so rounding never drifts. */
const WEIGHT_SCALE = 1_000_000;

export function toScaledWeights(weights: number[]): bigint[] {
  return weights.map((w) => {
    if (!Number.isFinite(w) || w < 0) throw new RangeError('weights must be finite and non-negative');
    return BigInt(Math.round(w * WEIGHT_SCALE));
  });
}

/**
 * Largest remainder (Hamilton): every part gets the floor of its exact share, then the units left over go
 * one each to the largest remainders; ties go to the earlier position, so the result is deterministic.
 * Each part is within 1 unit of its exact proportional share, and the parts sum exactly to `total`.
 */
export function largestRemainder(total: number, weights: number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError('total must be a non-negative integer');
  if (weights.length === 0) throw new RangeError('at least one weight is needed');
  const scaled = toScaledWeights(weights);
  const sum = scaled.reduce((a, b) => a + b, 0n);
  if (sum === 0n) throw new RangeError('weights must not all be zero');
  const whole = BigInt(total);
  const floors = scaled.map((w) => (whole * w) / sum);
  const remainders = scaled.map((w) => (whole * w) % sum);
  let left = Number(whole - floors.reduce((a, b) => a + b, 0n));
  const order = remainders.map((r, i) => ({ r, i })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  const parts = floors.map(Number);
  for (const { i } of order) {
    if (left === 0) break;
    parts[i]! += 1;
    left -= 1;
  }
  return parts;
}

/** Equal weights: the first positions get the extra units. */
export const evenSplit = (total: number, count: number) => largestRemainder(total, Array.from({ length: count }, () => 1));

/**
 * Splits the parent's tiers by the children's shares: base by the weights, then the sprint increment
 * (sprint − base) and the challenge increment (challenge − sprint) by the same weights. Each tier sums exactly
 * to the parent's, and every child keeps base ≤ sprint ≤ challenge.
 */
export function splitTiers(parent: Tiers, weights: number[]): Tiers[] {
  const base = largestRemainder(parent.base, weights);
  const sprintExtra = largestRemainder(parent.sprint - parent.base, weights);
  const challengeExtra = largestRemainder(parent.challenge - parent.sprint, weights);
  return base.map((b, i) => ({ base: b, sprint: b + sprintExtra[i]!, challenge: b + sprintExtra[i]! + challengeExtra[i]! }));
}

/** Explicit amounts are accepted only when they sum exactly to the parent; tiers then follow them as weights. */
export function splitByAmounts(parent: Tiers, amounts: number[]): Tiers[] {
  const sum = amounts.reduce((a, b) => a + b, 0);
  if (sum !== parent.base) throw new RangeError(`amounts sum to ${sum}, the target is ${parent.base}`);
  if (sum === 0) return amounts.map(() => ({ base: 0, sprint: 0, challenge: 0 }));
  const sprintExtra = largestRemainder(parent.sprint - parent.base, amounts);
  const challengeExtra = largestRemainder(parent.challenge - parent.sprint, amounts);
  return amounts.map((a, i) => ({ base: a, sprint: a + sprintExtra[i]!, challenge: a + sprintExtra[i]! + challengeExtra[i]! }));
}

export const QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'] as const;

/** Months of a fiscal year (= calendar year), or of one of its quarters, as YYYY-MM. */
export function monthsOf(fiscalYear: number, quarter?: string): string[] {
  const all = Array.from({ length: 12 }, (_, m) => `${fiscalYear}-${String(m + 1).padStart(2, '0')}`);
  if (!quarter) return all;
  const q = QUARTERS.indexOf(quarter as (typeof QUARTERS)[number]);
  return all.slice(q * 3, q * 3 + 3);
}
