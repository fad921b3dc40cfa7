import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evenSplit, largestRemainder, monthsOf, splitByAmounts, splitTiers, type Tiers } from '#shared/goals/allocation';
import { allocate, createTarget } from '#shared/goals/schemas';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('largest remainder', () => {
  it('splits 100 by three equal weights exactly, the extra unit to the first position', () => {
    expect(evenSplit(100, 3)).toEqual([34, 33, 33]);
    expect(evenSplit(101, 3)).toEqual([34, 34, 33]);
  });

  it('gives leftover units to the largest remainders, not the first positions', () => {
    // exact shares 1.2, 2.4, 6.4 → floors 1, 2, 6 (9), one unit left for the largest remainder (.4, tie → earlier)
    expect(largestRemainder(10, [12, 24, 64])).toEqual([1, 3, 6]);
    // exact shares 0.5, 1.5, 8 → the tie between .5 and .5 goes to the earlier position
    expect(largestRemainder(10, [5, 15, 80])).toEqual([1, 1, 8]);
  });

  it('is deterministic and sums exactly for decimal weights (0.6 / 0.4 of 120,000,000.00)', () => {
    expect(largestRemainder(12_000_000_000, [0.6, 0.4])).toEqual([7_200_000_000, 4_800_000_000]);
    expect(largestRemainder(1, [1, 1, 1])).toEqual([1, 0, 0]);
    expect(largestRemainder(7, [0, 1, 0])).toEqual([0, 7, 0]);
  });

  it('refuses all-zero, negative or missing weights', () => {
    expect(() => largestRemainder(10, [0, 0])).toThrow();
    expect(() => largestRemainder(10, [-1, 2])).toThrow();
    expect(() => largestRemainder(10, [])).toThrow();
  });
});

describe('tiers', () => {
  it('split by the same shares, each tier summing exactly, base ≤ sprint ≤ challenge per child', () => {
    const parent = { base: 1000, sprint: 1201, challenge: 1502 };
    const children = splitTiers(parent, [1, 1, 1]);
    expect(sum(children.map((c) => c.base))).toBe(1000);
    expect(sum(children.map((c) => c.sprint))).toBe(1201);
    expect(sum(children.map((c) => c.challenge))).toBe(1502);
    expect(children).toEqual([
      { base: 334, sprint: 401, challenge: 502 },
      { base: 333, sprint: 400, challenge: 500 },
      { base: 333, sprint: 400, challenge: 500 },
    ]);
  });

  it('explicit amounts must sum to the parent; tiers follow them', () => {
    expect(() => splitByAmounts({ base: 100, sprint: 120, challenge: 150 }, [50, 49])).toThrow(/sum to 99/);
    expect(splitByAmounts({ base: 100, sprint: 120, challenge: 150 }, [75, 25])).toEqual([
      { base: 75, sprint: 90, challenge: 113 },
      { base: 25, sprint: 30, challenge: 37 },
    ]);
  });

  it('months of a year or of a quarter', () => {
    expect(monthsOf(2026)).toHaveLength(12);
    expect(monthsOf(2026, 'Q3')).toEqual(['2026-07', '2026-08', '2026-09']);
  });
});

describe('input rules', () => {
  it('a company target needs base = amount, sprint ≥ base, challenge ≥ sprint, integer minor units', () => {
    const bad = createTarget.safeParse({ fiscalYear: 2026, amount: 100, tiers: { base: 90, sprint: 80, challenge: 70 } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['tiers.base', 'tiers.challenge', 'tiers.sprint']);
    expect(createTarget.safeParse({ fiscalYear: 2026, amount: 100.5, tiers: { base: 100.5, sprint: 101, challenge: 102 } }).success).toBe(false);
    expect(createTarget.parse({ fiscalYear: 2026, amount: 100, tiers: { base: 100, sprint: 100, challenge: 100 } }).currency).toBe('CNY');
  });

  it('an allocation names a method or explicit amounts, and weights only with method weights', () => {
    expect(allocate.safeParse({ dimension: 'region' }).success).toBe(false);
    expect(allocate.safeParse({ dimension: 'region', method: 'weights' }).success).toBe(false);
    expect(allocate.safeParse({ dimension: 'region', method: 'even', amounts: { east: 1 } }).success).toBe(false);
    expect(allocate.safeParse({ dimension: 'region', method: 'weights', weights: { east: 0, south: 0 } }).success).toBe(false);
    expect(allocate.safeParse({ dimension: 'region', amounts: { east: 1 } }).success).toBe(true);
  });
});

/** A random tree: each level splits every node by random weights; every level is checked against its parent. */
describe('property: random trees of allocations', () => {
  const tiersArb = fc
    .tuple(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1e10 }), fc.integer({ min: 0, max: 1e10 }))
    .map(([base, s, c]): Tiers => ({ base, sprint: base + s, challenge: base + s + c }));
  const weightsArb = fc.array(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 100, noNaN: true })), { minLength: 1, maxLength: 12 }).filter((ws) => ws.some((w) => Math.round(w * 1e6) > 0));
  const levelsArb = fc.array(weightsArb, { minLength: 1, maxLength: 4 });

  it('every level sums exactly, nothing is negative, each part is within 1 unit of its exact share, tiers stay ordered', () => {
    fc.assert(
      fc.property(tiersArb, levelsArb, (root, levels) => {
        let frontier: Tiers[] = [root];
        for (const weights of levels) {
          const next: Tiers[] = [];
          const scaled = weights.map((w) => Math.round(w * 1e6));
          const total = sum(scaled);
          for (const parent of frontier) {
            const children = splitTiers(parent, weights);
            expect(children).toHaveLength(weights.length);
            for (const tier of ['base', 'sprint', 'challenge'] as const) expect(sum(children.map((c) => c[tier]))).toBe(parent[tier]);
            children.forEach((child, i) => {
              expect(child.base).toBeGreaterThanOrEqual(0);
              expect(child.sprint).toBeGreaterThanOrEqual(child.base);
              expect(child.challenge).toBeGreaterThanOrEqual(child.sprint);
              // |part − exact share| < 1, compared exactly in BigInt (exact share = parent × w / Σw)
              const exactTimesTotal = BigInt(parent.base) * BigInt(scaled[i]!);
              const diff = BigInt(child.base) * BigInt(total) - exactTimesTotal;
              expect(diff < BigInt(total) && -diff < BigInt(total)).toBe(true);
            });
            next.push(...children.slice(0, 3));
          }
          frontier = next;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the same input always gives the same split', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), weightsArb, (total, weights) => {
      expect(largestRemainder(total, weights)).toEqual(largestRemainder(total, weights));
    }));
  });
});
