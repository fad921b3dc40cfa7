import { describe, expect, it } from 'vitest';
import { allocate, assertTierFollowsGrade, computeGrade, effectiveTier, gradeDiffers, pointsOn, regradeOnPatch, tierFor } from '#shared/customers/grading';
import { DEFAULT_GRADING_POLICY, gradingPolicy, type GradingPolicy } from '#shared/customers/grading-policy';
import { foldOrder } from '#shared/customers/stats';
import type { Customer, CustomerStats } from '#shared/customers/schemas';

const stored = (policy: GradingPolicy = DEFAULT_GRADING_POLICY, version = 0) => ({ version, policy });
const NOW = '2026-03-15T10:00:00.000Z';
const TODAY = '2026-03-15';
const statsOf = (...orders: [string, number][]) => orders.reduce<CustomerStats | undefined>((s, [date, amount]) => foldOrder(s, { date, amount, currency: 'CNY' }, TODAY), undefined);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('scales and thresholds', () => {
  it('a value earns the points of the last breakpoint at or below it', () => {
    const scale = DEFAULT_GRADING_POLICY.monetary.breakpoints;
    expect(pointsOn(scale, 0)).toEqual({ points: 0, from: 0 });
    expect(pointsOn(scale, 1)).toEqual({ points: 20, from: 1 });
    expect(pointsOn(scale, 999_999).points).toBe(20);
    expect(pointsOn(scale, 1_000_000).points).toBe(40);
    expect(pointsOn(scale, 5_000_000_000).points).toBe(100);
  });

  it('tiers by minimum score: A ≥ 80, B ≥ 60, C ≥ 40, else D', () => {
    const t = DEFAULT_GRADING_POLICY.thresholds;
    expect([100, 80, 79, 60, 59, 40, 39, 0].map((score) => tierFor(score, t))).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D']);
    expect(tierFor(50, { A: 90, B: 70, C: 50 })).toBe('C');
  });
});

describe('the value score and its explanation', () => {
  it('one recent 10,000.00 order from a B-rated customer: 55.5 rounds to 56, and the contributions add up to it', () => {
    const grade = computeGrade({ stats: statsOf(['2026-03-10', 1_000_000]), creditRating: 'B' }, stored(), TODAY, NOW);
    expect(grade.components).toEqual([
      { component: 'monetary', value: 1_000_000, points: 40, weight: 40, contribution: 16 },
      { component: 'frequency', value: 1, points: 30, weight: 25, contribution: 8 }, // 7.5 gets the remainder
      { component: 'recency', value: 5, points: 100, weight: 20, contribution: 20 },
      { component: 'credit', value: 'B', points: 80, weight: 15, contribution: 12 },
    ]);
    expect(grade).toMatchObject({ score: 56, computedTier: 'C', asOf: TODAY, policyVersion: 0, thresholds: { A: 80, B: 60, C: 40 } });
  });

  it('more orders push the score over the B and then the A threshold', () => {
    const one = statsOf(['2026-03-10', 1_000_000]);
    const two = statsOf(['2026-03-10', 1_000_000], ['2026-03-12', 5_000_000]);
    const four = statsOf(['2026-03-10', 1_000_000], ['2026-03-12', 5_000_000], ['2026-03-13', 20_000_000], ['2026-03-14', 100_000_000]);
    const tiers = [one, two, four].map((stats) => computeGrade({ stats, creditRating: 'B' }, stored(), TODAY, NOW));
    expect(tiers.map((g) => [g.score, g.computedTier])).toEqual([
      [56, 'C'],
      [69, 'B'], // 60,000.00 → 60 points, 2 orders → 50
      [90, 'A'], // 1,260,000.00 → 100 points, 4 orders → 70
    ]);
  });

  it('contributions always add up exactly to the score, each within a point of its exact share', () => {
    let seed = 11;
    const random = (n: number) => Math.floor(((seed = (seed * 48271) % 2147483647) / 2147483647) * n);
    for (let run = 0; run < 500; run++) {
      const w = [random(101)];
      w.push(random(101 - w[0]!));
      w.push(random(101 - w[0]! - w[1]!));
      w.push(100 - w[0]! - w[1]! - w[2]!);
      const policy: GradingPolicy = { ...DEFAULT_GRADING_POLICY, weights: { monetary: w[0]!, frequency: w[1]!, recency: w[2]!, credit: w[3]! } };
      const orders = Array.from({ length: random(6) }, (_, i) => [`2026-0${1 + random(3)}-0${1 + i}`, 1 + random(50_000_000)] as [string, number]);
      const grade = computeGrade({ stats: statsOf(...orders), creditRating: (['A', 'B', 'C', 'D', 'E', undefined] as const)[random(6)] }, stored(policy), TODAY, NOW);
      expect(sum(grade.components.map((c) => c.contribution))).toBe(grade.score);
      for (const c of grade.components) expect(Math.abs(c.contribution - (c.points * c.weight) / 100)).toBeLessThan(1);
      expect(grade.score).toBe(Math.floor((sum(grade.components.map((c) => c.points * c.weight)) + 50) / 100));
    }
  });

  it('allocates by largest remainder, ties in component order', () => {
    expect(allocate([1650, 1650, 1650, 5050], 100)).toEqual([17, 17, 16, 50]); // 98 floored, +1 to the first two of four equal halves
    expect(allocate([150, 150, 0, 0], 3)).toEqual([2, 1, 0, 0]);
    expect(allocate([0, 0, 0, 0], 0)).toEqual([0, 0, 0, 0]);
  });

  it('no orders and no rating: recency scores noOrder, credit scores unrated', () => {
    const grade = computeGrade({}, stored(), TODAY, NOW);
    expect(grade.components.map((c) => [c.component, c.value, c.points])).toEqual([
      ['monetary', 0, 0],
      ['frequency', 0, 0],
      ['recency', null, 0],
      ['credit', null, 50],
    ]);
    expect(grade.score).toBe(8); // 50 × 15 / 100 = 7.5 → 8
  });

  it('spend in another currency than the policy’s scores no monetary points', () => {
    const stats = foldOrder(undefined, { date: '2026-03-10', amount: 900_000_000, currency: 'USD' }, TODAY);
    expect(computeGrade({ stats }, stored(), TODAY, NOW).components[0]).toMatchObject({ value: 0, points: 0 });
  });

  it('recency decays with the day it is measured on', () => {
    const stats = statsOf(['2025-12-01', 1_000_000]);
    const recency = (today: string) => computeGrade({ stats }, stored(), today, NOW).components[2]!;
    expect(recency('2025-12-31')).toMatchObject({ value: 30, points: 100 });
    expect(recency('2026-01-01')).toMatchObject({ value: 31, points: 80 });
    expect(recency('2026-12-01')).toMatchObject({ value: 365, points: 30 });
    expect(recency('2026-12-02')).toMatchObject({ value: 366, points: 0 });
  });
});

describe('pins, rewrites and PATCH', () => {
  const pinned = { tier: 'A' as const, reason: 'Strategic logo', by: 'admin', at: NOW };

  it('a pinned tier wins over the score', () => {
    const grade = computeGrade({}, stored(), TODAY, NOW, pinned);
    expect(grade.computedTier).toBe('D');
    expect(effectiveTier(grade)).toBe('A');
    expect(effectiveTier({ ...grade, pinned: undefined })).toBe('D');
  });

  it('a regrade is written only when points, score, tier, policy or pin changed — not for a value alone', () => {
    const stats = statsOf(['2026-03-01', 1_000_000]);
    const monday = computeGrade({ stats }, stored(), '2026-03-02', NOW);
    expect(gradeDiffers(monday, computeGrade({ stats }, stored(), '2026-03-03', NOW))).toBe(false); // 1 → 2 days: same points
    expect(gradeDiffers(monday, computeGrade({ stats }, stored(), '2026-04-15', NOW))).toBe(true); // recency bracket
    expect(gradeDiffers(monday, computeGrade({ stats }, stored(DEFAULT_GRADING_POLICY, 3), '2026-03-02', NOW))).toBe(true);
    expect(gradeDiffers(monday, { ...monday, pinned })).toBe(true);
  });

  it('a credit change regrades a graded customer; an ungraded one keeps its assigned tier', () => {
    const base = { id: 'c1', tier: 'A', version: 3, creditRating: 'A' } as Customer;
    const ungraded = regradeOnPatch(base, { ...base, creditRating: 'E' }, stored(), NOW);
    expect(ungraded).toMatchObject({ tier: 'A', creditRating: 'E' });
    expect(ungraded.grade).toBeUndefined();
    const graded = { ...base, stats: statsOf(['2026-03-10', 100_000_000], ['2026-03-11', 1]) } as Customer;
    const before = regradeOnPatch(graded, { ...graded, creditRating: 'A' }, stored(), NOW); // no change: untouched
    expect(before.grade).toBeUndefined();
    const after = regradeOnPatch(graded, { ...graded, creditRating: 'E' }, stored(), NOW);
    expect(after.grade!.components[3]).toMatchObject({ value: 'E', points: 0 });
    expect(after.tier).toBe(after.grade!.computedTier);
  });

  it('the tier of a graded customer is pinned, not PATCHed', () => {
    const graded = { id: 'c1', tier: 'B', stats: statsOf(['2026-03-10', 1]) } as Customer;
    expect(() => assertTierFollowsGrade(graded, 'A')).toThrow(/pin a tier/);
    expect(() => assertTierFollowsGrade(graded, 'B')).not.toThrow();
    expect(() => assertTierFollowsGrade({ id: 'c2', tier: 'C' } as Customer, 'A')).not.toThrow();
  });
});

describe('the grading policy an admin saves', () => {
  const problems = (policy: unknown) => {
    const result = gradingPolicy.safeParse(policy);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts the default', () => {
    expect(problems(DEFAULT_GRADING_POLICY)).toEqual([]);
  });

  it('names what is wrong: weights not adding up to 100, thresholds not descending, scales not from 0 or not ascending', () => {
    expect(problems({ ...DEFAULT_GRADING_POLICY, weights: { monetary: 50, frequency: 25, recency: 20, credit: 15 } })).toEqual(['weights: Weights add up to 100 (these add up to 110)']);
    expect(problems({ ...DEFAULT_GRADING_POLICY, thresholds: { A: 60, B: 60, C: 40 } })).toEqual(['thresholds: Thresholds descend: A above B above C']);
    const frequency = { breakpoints: [{ from: 1, points: 10 }, { from: 1, points: 20 }] };
    expect(problems({ ...DEFAULT_GRADING_POLICY, frequency })).toEqual(['frequency.breakpoints.0.from: The first breakpoint starts at 0', 'frequency.breakpoints.1.from: Breakpoints ascend: each from is above the one before']);
    expect(problems({ ...DEFAULT_GRADING_POLICY, credit: { ...DEFAULT_GRADING_POLICY.credit, A: 101 } })[0]).toMatch(/^credit\.A:/);
  });
});
