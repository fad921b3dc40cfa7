import { describe, expect, it } from 'vitest';
import { rank, figureOf } from '#shared/team/leaderboard';
import { currentValue, progressOf, type Incentive } from '#shared/team/incentives';
import { npsOf, repCounts, repStatAttribute } from '#shared/team/rep-stats';
import { repAttribute } from '#shared/goals/actuals';
import { BADGES, BADGE_IDS } from '#shared/team/badges';

const row = (userId: string, name: string, value: number | null) => ({ userId, name, teamId: null, value });

describe('leaderboard ranking', () => {
  it('highest first; equal values share a rank and the next skips; ties by name; no value: after, unranked', () => {
    const ranked = rank([row('a', 'Zoe', 5), row('b', 'Amy', null), row('c', 'Bob', 9), row('d', 'Ann', 5), row('e', 'Cat', 1), row('f', 'Al', null)]);
    expect(ranked.map((r) => [r.userId, r.rank])).toEqual([['c', 1], ['d', 2], ['a', 2], ['e', 4], ['f', null], ['b', null]]);
  });

  it('attainment is the period actual over the base target in the target’s currency, null without a target', () => {
    const topReps = [{ [repAttribute('CNY', 'r1')]: 300 }, undefined, { [repAttribute('CNY', 'r1')]: 150, [repAttribute('USD', 'r1')]: 99 }];
    const target = { id: 't', dimension: 'rep', key: 'r1', amount: 600, currency: 'CNY', tiers: { base: 600, sprint: 700, challenge: 800 } };
    const figures = { topReps, stats: [], targets: new Map([['r1', target], ['r2', undefined]]) };
    expect(figureOf('attainment', 'r1', figures, 'USD')).toEqual({ value: 0.75, actual: 450, target: 600, currency: 'CNY' });
    expect(figureOf('attainment', 'r2', figures, 'CNY')).toMatchObject({ value: null, target: null });
    expect(figureOf('won_amount', 'r1', figures, 'USD')).toEqual({ value: 99, currency: 'USD' });
  });

  it('NPS per rep sums the months and uses the report’s rule', () => {
    const months = [{ [repStatAttribute('promoters', 'r1')]: 2, [repStatAttribute('detractors', 'r1')]: 1 }, { [repStatAttribute('passives', 'r1')]: 3 }];
    expect(npsOf(repCounts(months, 'r1'))).toEqual({ nps: 16.7, responses: 6, promoters: 2, passives: 3, detractors: 1 });
    expect(npsOf(repCounts(months, 'r2')).nps).toBeNull();
  });
});

describe('incentive progress', () => {
  const base: Incentive = { id: 'i', userId: 'r1', metric: 'orders', goal: 4, reward: 'x', period: '2026-Q1', createdBy: 'm', createdAt: '2026-01-01T00:00:00.000Z', achievedAt: null };
  const figures = { months: ['2026-01', '2026-02', '2026-03'], actuals: [{ amount_CNY: 100, orders: 1 }, undefined, { amount_CNY: 50, orders: 2 }], stats: [{ [repStatAttribute('newCustomers', 'r1')]: 2 }] };

  it('reads the metric from the period’s aggregates', () => {
    expect(currentValue({ ...base, metric: 'orders' }, figures)).toBe(3);
    expect(currentValue({ ...base, metric: 'won_amount' }, figures)).toBe(150);
    expect(currentValue({ ...base, metric: 'won_amount', currency: 'USD' }, figures)).toBe(0);
    expect(currentValue({ ...base, metric: 'new_customers' }, figures)).toBe(2);
    expect(currentValue({ ...base, metric: 'attainment' }, figures)).toBeNull();
  });

  it('achieved once the goal is reached, and stays achieved with its first time', () => {
    expect(progressOf(base, 3, 'now')).toEqual({ current: 3, goal: 4, ratio: 0.75, remaining: 1, achieved: false, achievedAt: null });
    expect(progressOf(base, 4, 'now')).toMatchObject({ achieved: true, achievedAt: 'now', remaining: 0 });
    expect(progressOf({ ...base, achievedAt: 'then' }, 2, 'now')).toMatchObject({ achieved: true, achievedAt: 'then' });
    expect(progressOf({ ...base, metric: 'attainment', goal: 1 }, null, 'now')).toMatchObject({ current: null, ratio: null, achieved: false });
  });
});

it('every badge has an English and a Chinese label', () => {
  for (const id of BADGE_IDS) expect(Object.keys(BADGES[id]).sort()).toEqual(['en', 'zh-CN']);
});
