import { describe, expect, it } from 'vitest';
import { countDeals, enumLabel, fieldLines, scopeName, stageName, trendPoints } from '../../console/src/figures.ts';

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

  it('roles, metrics and customer enums get labels in both languages; an unknown value shows as sent', () => {
    expect(enumLabel('role', 'manager', 'en')).toBe('Manager');
    expect(enumLabel('role', 'manager', 'zh-CN')).toBe('经理');
    expect(['attainment', 'won_amount', 'nps'].map((m) => enumLabel('metric', m, 'en'))).toEqual(['Attainment', 'Won amount', 'NPS']);
    expect(['hot', 'warm', 'cold'].map((v) => enumLabel('intent', v, 'zh-CN'))).toEqual(['高', '中', '低']);
    expect(enumLabel('churn', 'awaiting_outcome', 'zh-CN')).toBe('等待结果');
    expect(enumLabel('role', 'auditor', 'zh-CN')).toBe('auditor');
  });

  it('scopes read as Me / a team or region by name / Company; an unnamed team keeps its id', () => {
    const names = new Map([['east-enterprise', 'East Enterprise']]);
    expect(['me', 'team:east-enterprise', 'company'].map((s) => scopeName(s, names, 'en'))).toEqual(['Me', 'Team: East Enterprise', 'Company']);
    expect(['me', 'team:east-enterprise', 'region:east'].map((s) => scopeName(s, names, 'zh-CN'))).toEqual(['我', '团队: East Enterprise', '区域: east']);
  });

  it("an API error's fields become one line each; none, no lines", () => {
    expect(fieldLines({ period: 'Expected YYYY, YYYY-MM or YYYY-Qn', scope: 'Unknown scope' })).toEqual(['period: Expected YYYY, YYYY-MM or YYYY-Qn', 'scope: Unknown scope']);
    expect(fieldLines(undefined)).toEqual([]);
  });
});
