import { describe, expect, it } from 'vitest';
import { DEFAULT_GOAL_POLICY } from '#shared/goals/policy';
import { paceCheckDue, paceFinding, paceLabel, paceSuggestion, wholeMonthsPassed } from '#shared/goals/pace';

const policy = DEFAULT_GOAL_POLICY; // 80 % / 130 %, one month of grace
const year = { fiscalYear: 2026 };
const q2 = { fiscalYear: 2026, quarter: 'Q2' };
const may = { fiscalYear: 2026, quarter: 'Q2', month: '2026-05' };
const at = (iso: string) => new Date(iso);

describe('when a node is due for a pace check', () => {
  it('labels its period YYYY, YYYY-Qn or YYYY-MM', () => {
    expect([paceLabel(year), paceLabel(q2), paceLabel(may)]).toEqual(['2026', '2026-Q2', '2026-05']);
  });

  it('a year target from February 1st (one whole month passed), not on January 31st', () => {
    expect(paceCheckDue(year, policy, at('2026-01-31T23:59:59Z'))).toBe(false);
    expect(paceCheckDue(year, policy, at('2026-02-01T00:00:00Z'))).toBe(true);
    expect(paceCheckDue(year, policy, at('2026-12-31T23:59:59Z'))).toBe(true);
    expect(wholeMonthsPassed(year, at('2026-12-31T23:59:59Z'))).toBe(11);
  });

  it('a quarter target from its second month, never before it starts or after it ends', () => {
    expect(paceCheckDue(q2, policy, at('2026-03-31T12:00:00Z'))).toBe(false);
    expect(paceCheckDue(q2, policy, at('2026-04-30T12:00:00Z'))).toBe(false);
    expect(paceCheckDue(q2, policy, at('2026-05-01T00:00:00Z'))).toBe(true);
    expect(paceCheckDue(q2, policy, at('2026-06-30T23:59:59Z'))).toBe(true);
    expect(paceCheckDue(q2, policy, at('2026-07-01T00:00:00Z'))).toBe(false);
  });

  it('a month target never with a grace of one month or more; with none, while it runs', () => {
    for (const day of ['2026-05-01T00:00:00Z', '2026-05-20T00:00:00Z', '2026-05-31T23:00:00Z', '2026-06-02T00:00:00Z']) {
      expect(paceCheckDue(may, policy, at(day))).toBe(false);
    }
    expect(paceCheckDue(may, { paceGraceMonths: 0 }, at('2026-05-20T00:00:00Z'))).toBe(true);
    expect(paceCheckDue(may, { paceGraceMonths: 0 }, at('2026-06-01T00:00:00Z'))).toBe(false);
  });

  it('a longer grace waits longer (three months: a year target from April)', () => {
    expect(paceCheckDue(year, { paceGraceMonths: 3 }, at('2026-03-31T00:00:00Z'))).toBe(false);
    expect(paceCheckDue(year, { paceGraceMonths: 3 }, at('2026-04-01T00:00:00Z'))).toBe(true);
  });
});

describe('what the pace check finds', () => {
  const now = at('2026-05-16T06:00:00Z');

  it('behind below 80 % of expected, ahead above 130 %; exactly on a bound is on pace', () => {
    expect(paceFinding(year, { actual: 79_999, expectedToDate: 100_000 }, policy, now)).toMatchObject({ direction: 'behind', pace: 0.8, period: '2026' });
    expect(paceFinding(year, { actual: 80_000, expectedToDate: 100_000 }, policy, now)).toBeNull();
    expect(paceFinding(year, { actual: 130_000, expectedToDate: 100_000 }, policy, now)).toBeNull();
    expect(paceFinding(year, { actual: 130_001, expectedToDate: 100_000 }, policy, now)).toMatchObject({ direction: 'ahead', pace: 1.3 });
    expect(paceFinding(year, { actual: 0, expectedToDate: 1 }, policy, now)).toMatchObject({ direction: 'behind', pace: 0 });
  });

  it('records what it saw: period, time, figures and the bounds in force', () => {
    expect(paceFinding(q2, { actual: 30_000, expectedToDate: 60_000 }, { ...policy, paceLowerPct: 75 }, now)).toEqual({
      period: '2026-Q2',
      checkedAt: '2026-05-16T06:00:00.000Z',
      actual: 30_000,
      expectedToDate: 60_000,
      pace: 0.5,
      direction: 'behind',
      lowerPct: 75,
      upperPct: 130,
    });
  });

  it('finds nothing when nothing is expected yet (a zero target, or last year sold nothing in these months)', () => {
    expect(paceFinding(year, { actual: 0, expectedToDate: 0 }, policy, now)).toBeNull();
    expect(paceFinding(year, { actual: 50_000, expectedToDate: 0 }, policy, now)).toBeNull();
  });

  it('finds nothing outside the checked window, however far off', () => {
    expect(paceFinding(year, { actual: 0, expectedToDate: 100_000 }, policy, at('2026-01-20T00:00:00Z'))).toBeNull();
    expect(paceFinding(may, { actual: 0, expectedToDate: 100_000 }, policy, now)).toBeNull();
    expect(paceFinding(year, { actual: 0, expectedToDate: 100_000 }, policy, at('2027-02-20T00:00:00Z'))).toBeNull();
  });
});

describe('the suggestion', () => {
  const now = at('2026-05-16T06:00:00Z');
  const node = { id: 'T1', amount: 1_200_000, currency: 'CNY' };
  const finding = paceFinding(year, { actual: 100_000, expectedToDate: 450_000 }, policy, now)!;

  it('proposes the run-rate projection from the check date, as a suggestion nobody requested', () => {
    const s = paceSuggestion(node, { runRateProjection: 268_000 }, finding, 'R1', now);
    expect(s).toMatchObject({ id: 'R1', targetId: 'T1', status: 'suggested', reason: 'pace_deviation', oldAmount: 1_200_000, newAmount: 268_000, currency: 'CNY', effectiveFrom: '2026-05-16', finding });
    expect(s.requesterId).toBeUndefined();
    expect(s.evidence).toContain('22% of the 4,500.00 CNY expected by 2026-05-16 (below 80%)');
    expect(s.evidence).toContain('2,680.00 CNY');
  });

  it('never proposes a negative amount', () => {
    expect(paceSuggestion(node, { runRateProjection: -5 }, finding, 'R2', now).newAmount).toBe(0);
  });
});
