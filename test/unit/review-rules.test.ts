import { describe, expect, it } from 'vitest';
import { DEFAULT_REVIEW_POLICY } from '#shared/reviews/policy';
import { adjustedRating, componentsOf, cycleBadges, periodTarget, cycleIdOf, derivedId, improvementActions, monthsOfPeriod, nextPeriod, periodDays, previousPeriod, scoreOf, suggestedNextTarget } from '#shared/reviews/rules';
import type { Metrics } from '#shared/reviews/schemas';

const metrics = (over: Partial<Metrics> = {}): Metrics => ({
  actual: 0,
  target: null,
  targetBasis: null,
  attainment: null,
  wonCount: 0,
  wonAmount: 0,
  lostCount: 0,
  winRate: null,
  avgCycleDays: null,
  activities: 0,
  followUpsMet: 0,
  followUpsOnTime: 0,
  followUpCompliance: null,
  nps: null,
  npsResponses: 0,
  training: { required: 0, completed: 0, compliant: true, pct: 100 },
  ...over,
});

describe('review periods', () => {
  it('names months and quarters, the next one, and what a schedule reviews', () => {
    expect(monthsOfPeriod('2026-Q3')).toEqual(['2026-07', '2026-08', '2026-09']);
    expect(monthsOfPeriod('2026-02')).toEqual(['2026-02']);
    expect([nextPeriod('2026-12'), nextPeriod('2026-Q4'), nextPeriod('2026-Q1'), nextPeriod('2026-09')]).toEqual(['2027-01', '2027-Q1', '2026-Q2', '2026-10']);
    expect(previousPeriod('2027-01-01T02:00:00Z', 'monthly')).toBe('2026-12');
    expect(previousPeriod('2027-01-01T03:00:00Z', 'quarterly')).toBe('2026-Q4');
    expect(previousPeriod('2026-07-01T03:00:00Z', 'quarterly')).toBe('2026-Q2');
    expect(periodDays('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(periodDays('2026-Q4')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(cycleIdOf('2026-11', 'east-enterprise')).toBe('2026-11-east-enterprise');
    expect(derivedId('a', 'b')).toBe(derivedId('a', 'b'));
    expect(derivedId('a', 'b')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(derivedId('a', 'b')).not.toBe(derivedId('a', 'c'));
  });
});

describe('the score', () => {
  it('weighs only what can be measured and bands the rating', () => {
    const m = metrics({ attainment: 1.2, winRate: 0.5, activities: 30, nps: 20, npsResponses: 4 });
    const c = componentsOf(m, DEFAULT_REVIEW_POLICY, 3);
    // Attainment caps at 100; 30 interactions over 3 months against 20 a month is 50; NPS 20 → 60; follow-ups and training unmeasured.
    expect(c).toEqual({ attainment: 100, winRate: 50, activities: 50, followUpCompliance: null, nps: 60, training: null });
    // (40·100 + 15·50 + 10·50 + 15·60) / 80 = 76.9
    expect(scoreOf(c, DEFAULT_REVIEW_POLICY)).toEqual({ score: 76.9, rating: 4 });
    expect(scoreOf(componentsOf(metrics(), DEFAULT_REVIEW_POLICY, 1), DEFAULT_REVIEW_POLICY)).toEqual({ score: 0, rating: 1 });
    expect([adjustedRating(5, 1), adjustedRating(1, -1), adjustedRating(3, -1)]).toEqual([5, 1, 2]);
  });

  it('plans around the weakest components first', () => {
    const actions = improvementActions({ attainment: 30, winRate: 70, activities: 10, followUpCompliance: null, nps: 55, training: 100 });
    expect(actions).toHaveLength(3);
    expect(actions[0]).toMatch(/customer contact/);
    expect(actions[1]).toMatch(/pipeline review/);
    expect(improvementActions({ attainment: 90, winRate: 80, activities: 100, followUpCompliance: null, nps: null, training: null })).toHaveLength(1);
  });
});

describe('the period target', () => {
  it('is the period’s own node, else a share of its quarter’s or year’s', () => {
    expect(periodTarget('2026-11', { period: 100, quarter: 900, year: 1200 })).toEqual({ target: 100, basis: 'period' });
    expect(periodTarget('2026-11', { quarter: 900, year: 1200 })).toEqual({ target: 300, basis: 'quarter_share' });
    expect(periodTarget('2026-11', { year: 1200 })).toEqual({ target: 100, basis: 'year_share' });
    expect(periodTarget('2026-Q4', { year: 1200 })).toEqual({ target: 300, basis: 'year_share' });
    expect(periodTarget('2026-Q4', {})).toEqual({ target: null, basis: null });
  });
});

describe('the close', () => {
  it('suggests the next target from the larger of actual and target, by rating', () => {
    expect(suggestedNextTarget({ actual: 120, target: 100 }, 5).amount).toBe(138);
    expect(suggestedNextTarget({ actual: 50, target: 100 }, 1).amount).toBe(95);
    expect(suggestedNextTarget({ actual: 80, target: null }, 3).amount).toBe(84);
  });

  it('gives each badge to one rep, ties to the first by id, and skips what cannot be measured', () => {
    const cards = [
      { userId: 'b', score: 70, metrics: metrics({ attainment: 1.1, nps: 40, npsResponses: 3 }) },
      { userId: 'a', score: 60, metrics: metrics({ attainment: 1.1 }) },
      { userId: 'c', score: 50, metrics: metrics({ attainment: null, nps: 50, npsResponses: 1 }) },
    ];
    const badges = cycleBadges(cards, new Map([['a', 40], ['b', 69]]));
    expect(badges.map((b) => [b.badge, b.userId])).toEqual([
      ['top_attainment', 'a'],
      ['most_improved', 'a'],
      ['best_nps', 'c'],
    ]);
    expect(cycleBadges([{ userId: 'z', score: 10, metrics: metrics() }], new Map())).toEqual([]);
  });
});
