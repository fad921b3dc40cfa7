import { describe, expect, it } from 'vitest';
import { computeEarnings, paidFor, shareByLargestRemainder } from '#shared/commissions/math';
import { clawbackCandidates, clawbackLines, type ClawbackOrder } from '#shared/commissions/clawbacks';
import { lookbackStart, parseCommissionPeriod } from '#shared/commissions/period';
import { createPlan, type PlanTerms } from '#shared/commissions/schemas';

/**
 * The same figures under both modes: target 1,000,000; orders 400,000 + 300,000 + 420,000 = 1,120,000 → 112%.
 * Bands 0–80% 4%, 80–100% 5%, 100–120% 6%, 120%+ 8%; accelerator 1.5 above 100%.
 */
const bands = [
  { fromAttainment: 0, toAttainment: 0.8, rate: 0.04 },
  { fromAttainment: 0.8, toAttainment: 1, rate: 0.05 },
  { fromAttainment: 1, toAttainment: 1.2, rate: 0.06 },
  { fromAttainment: 1.2, toAttainment: null, rate: 0.08 },
];
const terms = (over: Partial<PlanTerms> = {}): PlanTerms => ({ currency: 'CNY', baseRate: 0.03, bands, mode: 'tiered', accelerator: 1.5, cap: null, clawbackDays: 30, ...over });
const target = { amount: 1_000_000, currency: 'CNY', lookup: 'REP#r 2026-03' };
const order = (id: string, amount: number, currency = 'CNY') => ({ id, date: '2026-03-10', customerId: `c-${id}`, amount, currency });
const orders = [order('a', 400_000), order('b', 300_000), order('c', 420_000)];
const run = (t: PlanTerms, tgt: typeof target | null = target, os = orders) => computeEarnings({ terms: t, target: tgt, orders: os, periodEnd: '2026-03-31' });
const commissions = (e: ReturnType<typeof run>) => e.lines.filter((l) => l.kind === 'order').map((l) => l.commission);

describe('tiered and marginal on the same figures', () => {
  it('tiered: 112% falls in the 100–120% band; 6% × 1.5 = 9% on every order', () => {
    const e = run(terms());
    expect(e.attainment).toBe(1.12);
    expect(commissions(e)).toEqual([36_000, 27_000, 37_800]); // 400,000 × 9%, 300,000 × 9%, 420,000 × 9%
    expect(e.orders).toBe(100_800);
    expect(e.lines[0]!.rule).toContain('tiered: attainment 112% → band 100–120% rate 6% × accelerator 1.5 = 9%');
  });

  it('marginal: each slice at its band’s rate, the accelerator only above 100%; orders share the total pro rata', () => {
    const e = run(terms({ mode: 'marginal' }));
    // 800,000 × 4% = 32,000; 200,000 × 5% = 10,000; 120,000 × 6% × 1.5 = 10,800; nothing above 120%
    expect(e.slices!.map((s) => [s.amount, s.commission])).toEqual([[800_000, 32_000], [200_000, 10_000], [120_000, 10_800], [0, 0]]);
    expect(e.orders).toBe(52_800);
    // 52,800 × 400/1120 = 18,857.14; × 300/1120 = 14,142.86; × 420/1120 = 19,800 → the leftover unit to the largest remainder
    expect(commissions(e)).toEqual([18_857, 14_143, 19_800]);
    expect(e.lines[1]!.rule).toMatch(/^marginal: slices \[0–80%: 800,000 × 4% = 32,000; 80–100%: 200,000 × 5% = 10,000; 100–120%: 120,000 × 6% × 1.5 = 10,800\] total 52,800; this order is 300,000 of 1,120,000 revenue \(26.7857%\)/);
  });

  it('a band across 100% is cut at 100% so only the part above it is accelerated', () => {
    const two = [{ fromAttainment: 0, toAttainment: 0.9, rate: 0.04 }, { fromAttainment: 0.9, toAttainment: null, rate: 0.06 }];
    const marginal = run(terms({ mode: 'marginal', bands: two, accelerator: 2 }));
    // 900,000 × 4% = 36,000; 100,000 × 6% = 6,000; 120,000 × 6% × 2 = 14,400
    expect(marginal.slices!.map((s) => [s.fromAttainment, s.toAttainment, s.amount, s.accelerator, s.commission])).toEqual([
      [0, 0.9, 900_000, 1, 36_000],
      [0.9, 1, 100_000, 1, 6_000],
      [1, null, 120_000, 2, 14_400],
    ]);
    expect(marginal.orders).toBe(56_400);
    expect(run(terms({ bands: two, accelerator: 2 })).orders).toBe(134_400); // tiered: 1,120,000 × 6% × 2
  });

  it('exactly 100% is not above it: no accelerator; below target the lower band applies', () => {
    expect(run(terms(), target, [order('a', 1_000_000)]).lines[0]!.commission).toBe(60_000);
    const half = run(terms(), target, [order('a', 500_000)]);
    expect(half.attainment).toBe(0.5);
    expect(half.lines[0]!.commission).toBe(20_000);
    expect(run(terms({ mode: 'marginal' }), target, [order('a', 500_000)]).orders).toBe(20_000);
  });
});

describe('no target, other currencies, cap', () => {
  it('without a target attainment is null and only the base rate applies, in either mode, and the rule says so', () => {
    for (const mode of ['tiered', 'marginal'] as const) {
      const e = run(terms({ mode }), null);
      expect(e.attainment).toBeNull();
      expect(commissions(e)).toEqual([12_000, 9_000, 12_600]);
      expect(e.lines[0]!.rule).toBe('base rate (no target for this period): 400,000 × 3% = 12,000');
    }
    expect(run(terms(), { ...target, currency: 'USD' }).attainmentRule).toContain('the target is in USD, not CNY');
  });

  it('an order in another currency earns nothing and does not count towards attainment', () => {
    const e = run(terms(), target, [...orders, order('d', 999_999, 'USD')]);
    expect(e.revenue).toBe(1_120_000);
    expect(commissions(e)).toEqual([36_000, 27_000, 37_800, 0]);
    expect(e.lines[3]!.rule).toContain('not commissioned');
  });

  it('the cap comes last as one negative line; what each order paid is scaled down pro rata', () => {
    const e = run(terms({ cap: 80_000 }));
    expect(e.lines.at(-1)).toMatchObject({ kind: 'cap', commission: -20_800, date: '2026-03-31' });
    expect(e.orders + e.cap).toBe(80_000);
    expect(paidFor(e, 'a')).toBe(28_571); // 36,000 × 80,000 / 100,800
    expect(paidFor(run(terms()), 'a')).toBe(36_000);
    expect(run(terms({ cap: 200_000 })).cap).toBe(0);
  });

  it('largest remainder shares add up exactly', () => {
    expect(shareByLargestRemainder(10n, [1n, 1n, 1n], 3n)).toEqual([4n, 3n, 3n]);
  });
});

describe('clawbacks', () => {
  const march = parseCommissionPeriod('2026-03');
  const feb = parseCommissionPeriod('2026-02');
  const refunded: ClawbackOrder = { id: 'x', date: '2026-02-20', customerId: 'cx', amount: 300_000, currency: 'CNY', refund: { date: '2026-03-05', reason: 'returned' } };
  const origin = (clawbackDays: number) => () => ({ period: '2026-02', clawbackDays, paid: 27_000 });

  it('a refund within clawbackDays is one negative line in the statement of the refund’s period', () => {
    const candidates = clawbackCandidates(march, [refunded], [], '2026-03-31');
    const lines = clawbackLines(march, candidates, origin(30), 'CNY');
    expect(lines).toEqual([expect.objectContaining({ kind: 'clawback', orderId: 'x', commission: -27_000, date: '2026-03-05', originPeriod: '2026-02', event: { type: 'refund', date: '2026-03-05', reason: 'returned' } })]);
    expect(lines[0]!.rule).toContain('refunded on 2026-03-05, 13 days after the order, within the 30 clawback days');
    expect(clawbackLines(march, candidates, origin(12), 'CNY')).toEqual([]); // 13 days > 12
    expect(clawbackCandidates(feb, [refunded], [], '2026-03-31')).toEqual([]);
  });

  it('only the earliest qualifying event claws back: a customer lost in February, refunded in March, is clawed once', () => {
    const lost = [{ alertId: 'al', customerId: 'cx', date: '2026-02-25', reason: 'competitor' }];
    expect(clawbackLines(feb, clawbackCandidates(feb, [refunded], lost, '2026-03-31'), origin(30), 'CNY')).toMatchObject([{ commission: -27_000, event: { type: 'churn', alertId: 'al' } }]);
    expect(clawbackLines(march, clawbackCandidates(march, [refunded], lost, '2026-03-31'), origin(30), 'CNY')).toEqual([]);
    // a customer lost before the order was placed is no reason to claw it back
    const before = [{ alertId: 'old', customerId: 'cx', date: '2026-02-01' }];
    expect(clawbackCandidates(feb, [{ ...refunded, refund: undefined }], before, '2026-03-31')).toEqual([]);
  });

  it('reads far enough back for the longest clawback and the whole period the order earned in', () => {
    expect(lookbackStart(march)).toBe('2025-01-01'); // 2026-03-01 − 365 days = 2025-03-01, in Q1 2025
    expect(parseCommissionPeriod('2026-Q4')).toMatchObject({ start: '2026-10-01', end: '2026-12-31', lookup: 'Q4', months: ['2026-10', '2026-11', '2026-12'] });
  });
});

describe('plan validation names the field', () => {
  const base = { name: 'P', period: '2026-03', baseRate: 0.03, bands, mode: 'tiered', clawbackDays: 30 };
  const fields = (body: unknown) => {
    const r = createPlan.safeParse(body);
    return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  };
  it('bands start at 0, are contiguous, ascend, and only the last is open-ended', () => {
    expect(fields(base)).toEqual([]);
    expect(fields({ ...base, bands: [{ fromAttainment: 0.1, toAttainment: null, rate: 0.05 }] })).toEqual(['bands.0.fromAttainment']);
    expect(fields({ ...base, bands: [bands[0], { fromAttainment: 0.7, toAttainment: null, rate: 0.05 }] })).toEqual(['bands.1.fromAttainment']);
    expect(fields({ ...base, bands: [{ fromAttainment: 0, toAttainment: 1, rate: 0.05 }] })).toEqual(['bands.0.toAttainment']);
    expect(fields({ ...base, bands: [{ fromAttainment: 0, toAttainment: 0, rate: 0.05 }, { fromAttainment: 0, rate: 0.05 }] })).toContain('bands.0.toAttainment');
    expect(fields({ ...base, period: '2026-13' })).toEqual(['period']);
    expect(fields({ ...base, baseRate: 5 })).toEqual(['baseRate']);
    expect(fields({ ...base, clawbackDays: 400 })).toEqual(['clawbackDays']);
  });
});
