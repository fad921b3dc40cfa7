import { describe, expect, it } from 'vitest';
import {
  funnelReport,
  moveCounters,
  reportMonths,
  reportScope,
  stageTimesReport,
  type CounterItem,
} from '#shared/process/funnel';
import { DEFAULT_PIPELINE } from '#shared/process/pipeline';
import type { Principal } from '#shared/core/principal';

const P = DEFAULT_PIPELINE;
const H = 3600;
const D = 24 * H;

describe('funnel bookkeeping per move', () => {
  const place = { teamId: 't1', regionId: 'r1' };

  it('a new deal enters the first stage in its team, region and everyone', () => {
    expect(moveCounters(P, { to: 'lead', at: '2026-03-31T23:00:00.000Z', amount: 500, currency: 'CNY', place })).toEqual([
      { scope: { kind: 'team', id: 't1' }, month: '2026-03', stage: 'lead', add: { entered: 1, amount_CNY: 500 } },
      { scope: { kind: 'region', id: 'r1' }, month: '2026-03', stage: 'lead', add: { entered: 1, amount_CNY: 500 } },
      { scope: { kind: 'all' }, month: '2026-03', stage: 'lead', add: { entered: 1, amount_CNY: 500 } },
    ]);
    expect(moveCounters(P, { to: 'lead', at: '2026-03-01T00:00:00.000Z', currency: 'USD', place: { regionId: 'r1' } }).map((d) => [d.scope.kind, d.add])).toEqual([
      ['region', { entered: 1, amount_USD: 0 }],
      ['all', { entered: 1, amount_USD: 0 }],
    ]);
  });

  it('an exit counts against the month and place where the deal entered the stage, with its time in stage', () => {
    const counters = moveCounters(P, {
      from: { stage: 'lead', enteredAt: '2026-02-27T10:00:00.000Z', place: { teamId: 'old-team', regionId: 'r1' } },
      to: 'qualified',
      at: '2026-03-02T10:00:00.000Z',
      amount: 700,
      currency: 'CNY',
      place,
    });
    expect(counters.slice(0, 3).map((c) => [c.scope.id ?? 'all', c.month, c.stage, c.add])).toEqual([
      ['t1', '2026-03', 'qualified', { entered: 1, amount_CNY: 700 }],
      ['r1', '2026-03', 'qualified', { entered: 1, amount_CNY: 700 }],
      ['all', '2026-03', 'qualified', { entered: 1, amount_CNY: 700 }],
    ]);
    // 3 days in lead → bucket b07 (≤ 4 d), counted in February under the old team.
    expect(counters.slice(3).map((c) => [c.scope.id ?? 'all', c.month, c.stage, c.add])).toEqual([
      ['old-team', '2026-02', 'lead', { exits: 1, exitsToNext: 1, b07: 1 }],
      ['r1', '2026-02', 'lead', { exits: 1, exitsToNext: 1, b07: 1 }],
      ['all', '2026-02', 'lead', { exits: 1, exitsToNext: 1, b07: 1 }],
    ]);
  });

  it('only a move to the next stage in pipeline order is an exit to next', () => {
    const from = (stage: string) => ({ stage, enteredAt: '2026-03-01T00:00:00.000Z', place });
    const toNext = (stage: string, to: string) => moveCounters(P, { from: from(stage), to, at: '2026-03-01T00:30:00.000Z', currency: 'CNY', place }).at(-1)!.add.exitsToNext;
    expect([toNext('lead', 'qualified'), toNext('lead', 'needs_analysis'), toNext('proposal', 'qualified'), toNext('negotiation', 'won'), toNext('qualified', 'won'), toNext('lead', 'lost')]).toEqual([1, 0, 0, 1, 0, 0]);
  });
});

describe('reports from counters', () => {
  const counters: CounterItem[] = [
    { stage: 'lead', entered: 4, amount_CNY: 400, amount_USD: 7, exitsToNext: 2, exits: 3, b02: 2, b07: 1 },
    { stage: 'lead', entered: 1, amount_CNY: 100, exitsToNext: 1, exits: 1, b13: 1 },
    { stage: 'qualified', entered: 3, amount_CNY: 300, exitsToNext: 0, exits: 0 },
    { stage: 'won', entered: 1, amount_CNY: 100 },
    { stage: 'lost', entered: 3, amount_CNY: 50 },
  ];

  it('sums the months per stage in pipeline order: conversion = exitsToNext ÷ entered, win rate = won ÷ (won + lost)', () => {
    const report = funnelReport(P, counters);
    expect(report.stages.map((s) => [s.stage, s.entered, s.amount, s.exitsToNext, s.conversion])).toEqual([
      ['lead', 5, { CNY: 500, USD: 7 }, 3, 0.6],
      ['qualified', 3, { CNY: 300 }, 0, 0],
      ['needs_analysis', 0, {}, 0, null],
      ['proposal', 0, {}, 0, null],
      ['negotiation', 0, {}, 0, null],
      ['won', 1, { CNY: 100 }, 0, null],
      ['lost', 3, { CNY: 50 }, 0, null],
    ]);
    expect(report).toMatchObject({ won: 1, lost: 3, winRate: 0.25 });
    expect(funnelReport(P, []).winRate).toBeNull();
  });

  it('merges the histograms of the months per open stage', () => {
    const [lead, qualified] = stageTimesReport(P, counters);
    // ≤ 1 h twice, ≤ 4 d once, beyond 90 d once: the 2nd of 4 sits in ≤ 1 h, the 4th (⌈0.9·4⌉) has no bound.
    expect(lead).toMatchObject({ stage: 'lead', count: 4, medianSeconds: H, p90Seconds: null });
    expect(lead!.buckets.map((b) => b.count)).toEqual([0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    expect(lead!.buckets.map((b) => b.upToSeconds)).toEqual([60, 600, H, 4 * H, 12 * H, D, 2 * D, 4 * D, 7 * D, 14 * D, 30 * D, 60 * D, 90 * D, null]);
    expect(qualified).toMatchObject({ count: 0, medianSeconds: null });
    expect(stageTimesReport(P, counters)).toHaveLength(5);
  });
});

describe('report scope and months', () => {
  const rep: Principal = { userId: 'r', name: 'R', roles: ['rep'], teamId: 't1', regionId: 'east' };
  const manager: Principal = { ...rep, userId: 'm', roles: ['manager'] };
  const director: Principal = { userId: 'd', name: 'D', roles: ['director'], regionId: 'east' };
  const vp: Principal = { userId: 'v', name: 'V', roles: ['vp'] };
  const t1 = { id: 't1', regionId: 'east' };
  const t9 = { id: 't9', regionId: 'south' };

  it('defaults to the rep’s own deals, the team, the region or everyone', () => {
    expect([rep, manager, director, vp].map((p) => reportScope(p, {}, {}, 'funnel'))).toEqual([
      { kind: 'owner', id: rep.userId },
      { kind: 'team', id: 't1' },
      { kind: 'region', id: 'east' },
      { kind: 'all' },
    ]);
  });

  it('allows a team to its manager, its region’s director and org-wide roles (not to a rep); a region to its director and org-wide roles', () => {
    expect(reportScope(manager, { teamId: 't1' }, { team: t1 }, 'funnel')).toEqual({ kind: 'team', id: 't1' });
    expect(() => reportScope(rep, { teamId: 't1' }, { team: t1 }, 'funnel')).toThrow(expect.objectContaining({ status: 403 }));
    expect(reportScope(director, { teamId: 't1' }, { team: t1 }, 'funnel')).toEqual({ kind: 'team', id: 't1' });
    expect(reportScope(vp, { teamId: 't9' }, { team: t9 }, 'funnel')).toEqual({ kind: 'team', id: 't9' });
    expect(reportScope(director, { regionId: 'east' }, { region: { id: 'east' } }, 'funnel')).toEqual({ kind: 'region', id: 'east' });
    for (const [who, asked, found] of [
      [rep, { teamId: 't9' }, { team: t9 }],
      [director, { teamId: 't9' }, { team: t9 }],
      [manager, { regionId: 'east' }, { region: { id: 'east' } }],
      [director, { regionId: 'south' }, { region: { id: 'south' } }],
    ] as const) {
      expect(() => reportScope(who, asked, found, 'funnel')).toThrow(expect.objectContaining({ status: 403 }));
    }
    expect(() => reportScope(vp, { teamId: 'ghost' }, {}, 'funnel')).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('defaults the months to the current one and caps the span at 36', () => {
    const now = new Date('2026-05-10T00:00:00Z');
    expect(reportMonths({}, now)).toEqual({ from: '2026-05', to: '2026-05' });
    expect(reportMonths({ from: '2026-01' }, now)).toEqual({ from: '2026-01', to: '2026-05' });
    expect(reportMonths({ from: '2023-06', to: '2026-05' }, now)).toEqual({ from: '2023-06', to: '2026-05' });
    expect(() => reportMonths({ from: '2023-05', to: '2026-05' }, now)).toThrow(/36 months/);
    expect(() => reportMonths({ from: '2026-06', to: '2026-05' }, now)).toThrow(/after/);
  });
});
