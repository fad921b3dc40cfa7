import { describe, expect, it } from 'vitest';
import { computeProgress, elapsedByMonth, periodMonths } from '#shared/goals/progress';

const node = { fiscalYear: 2026, currency: 'CNY', tiers: { base: 1_200_000, sprint: 1_320_000, challenge: 1_500_000 } };
const m = (month: string, amount: number) => ({ month, amount: { CNY: amount }, orders: 1 });

describe('target progress', () => {
  it('covers the year, a quarter or a month', () => {
    expect(periodMonths(node)).toHaveLength(12);
    expect(periodMonths({ ...node, quarter: 'Q3' })).toEqual(['2026-07', '2026-08', '2026-09']);
    expect(periodMonths({ ...node, month: '2026-08' })).toEqual(['2026-08']);
  });

  it('counts elapsed time by month, the current month by day', () => {
    expect(elapsedByMonth(['2026-05', '2026-06', '2026-07'], new Date('2026-06-16T00:00:00Z'))).toEqual([1, 0.5, 0]);
  });

  it('without history: expected = base × elapsed share; gap, pace and run rate follow', () => {
    const p = computeProgress(node, [m('2026-01', 100_000), m('2026-02', 100_000), m('2026-03', 200_000)], [], new Date('2026-04-01T00:00:00Z'));
    expect(p).toMatchObject({
      actual: 400_000,
      expectedBasis: 'elapsed_share',
      elapsedShare: 0.25,
      expectedToDate: 300_000,
      gap: -100_000,
      pace: 1.3333,
      runRateProjection: 1_600_000,
      attainment: { base: 0.3333, sprint: 0.303, challenge: 0.2667 },
    });
  });

  it('with last year’s sales: expected follows last year’s months (seasonality)', () => {
    // Last year sold 60 % of the year in Q1: by April 1st this year should be 60 % of base.
    const lastYear = [m('2025-01', 300_000), m('2025-02', 200_000), m('2025-03', 100_000), m('2025-10', 400_000)];
    const p = computeProgress(node, [m('2026-01', 500_000)], lastYear, new Date('2026-04-01T00:00:00Z'));
    expect(p).toMatchObject({ expectedBasis: 'last_year_seasonality', expectedToDate: 720_000, gap: 220_000 });
  });
});
