import { describe, expect, it } from 'vitest';
import { countDeals, stageName, trendPoints } from '../../console/src/figures.ts';

describe('console figures and labels', () => {
  it('the monthly trend stops at this month: later months are null, earlier ones their actual (major units), zero included', () => {
    const trend = ['2026-04', '2026-05', '2026-06'].map((month, i) => ({ month, amount: [123_400, 0, 0][i]! }));
    expect(trendPoints(trend, '2026-05')).toEqual([1234, 0, null]);
    expect(trendPoints(trend, '2026-06')).toEqual([1234, 0, 0]);
    expect(trendPoints(trend, '2026-03')).toEqual([null, null, null]);
  });

  it('default stages are shown in the chosen language; a renamed or added stage keeps its own name', () => {
    expect(stageName({ id: 'lead', name: 'Lead' }, 'zh-CN')).toBe('线索');
    expect(stageName({ id: 'needs_analysis', name: 'Needs analysis' }, 'zh-CN')).toBe('需求分析');
    expect(stageName({ id: 'won', name: 'Won' }, 'en')).toBe('Won');
    expect(stageName({ id: 'lead', name: '潜在客户' }, 'en')).toBe('潜在客户');
    expect(stageName({ id: 'pilot', name: 'Pilot' }, 'zh-CN')).toBe('Pilot');
  });

  it('deal counts: 1 deal, 2 deals, 0 deals; Chinese has one form', () => {
    expect([0, 1, 2].map((n) => countDeals(n, 'en'))).toEqual(['0 deals', '1 deal', '2 deals']);
    expect(countDeals(1, 'zh-CN')).toBe('1 个商机');
  });
});
