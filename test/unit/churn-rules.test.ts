import { describe, expect, it } from 'vitest';
import { computeHealth } from '#shared/churn/health';
import { DEFAULT_CHURN_POLICY, churnPolicy } from '#shared/churn/policy';
import { riskLevel } from '#shared/churn/risk';
import { likelyReasons, winBackPlan } from '#shared/churn/recovery';
import type { Customer } from '#shared/customers/schemas';

const today = new Date('2026-11-27T00:00:00Z');
const base = { id: 'c1', name: 'Acme', tier: 'C', creditRating: 'B' } as Customer;
const steadyThenStopped: Customer = {
  ...base,
  stats: {
    spend12m: 900_000,
    spendPrior12m: 1_200_000,
    orders12m: 9,
    orderCount: 12,
    currency: 'CNY',
    otherCurrencyOrders: 0,
    windowMonth: '2026-11',
    spendByMonth: {},
    lastOrderDate: '2026-08-19',
    avgIntervalDays: 30,
    // one order a month from 2025-08 to 2026-07, nothing since
    monthlyOrders: Object.fromEntries(['2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07'].map((m) => [m, 1])),
  },
  care: { openTickets: 2, complaintDates: ['2026-11-01', '2026-11-20'], lastNps: 4, lastNpsAt: '2026-10-01', lastNpsComment: 'Support is slow and the price went up' },
};

describe('churn health', () => {
  it('is 100 with no warning signs, and the deductions always add up to 100 − score', () => {
    expect(computeHealth(base, DEFAULT_CHURN_POLICY, today)).toMatchObject({ score: 100, band: 'green' });
    const h = computeHealth(steadyThenStopped, DEFAULT_CHURN_POLICY, today);
    expect(100 - h.components.reduce((s, c) => s + c.deduction, 0)).toBe(h.score);
    expect(Object.fromEntries(h.components.map((c) => [c.component, c.deduction]))).toEqual({
      frequencyDrop: 25, // 1/month over the 12-month baseline, none in the last 3
      recencyOverdue: 25, // 100 days since the last order against a 30-day rhythm
      complaints: 20, // two complaints in 90 days
      npsDetractor: 10, // NPS 4 within 180 days
      silence: 0,
      spendFall: 3, // 25 % less than the 12 months before: round(10 × 0.25)
    });
    expect(h).toMatchObject({ score: 17, band: 'red' });
  });

  it('bands by the policy thresholds', () => {
    const oneComplaint = { ...base, care: { openTickets: 1, complaintDates: ['2026-11-20'] } } as Customer;
    expect(computeHealth(oneComplaint, DEFAULT_CHURN_POLICY, today)).toMatchObject({ score: 90, band: 'green' });
    expect(computeHealth(oneComplaint, { ...DEFAULT_CHURN_POLICY, thresholds: { green: 95, yellow: 40 } }, today).band).toBe('yellow');
  });

  it('validates policies: weights add up to 100, yellow below green', () => {
    expect(churnPolicy.safeParse(DEFAULT_CHURN_POLICY).success).toBe(true);
    expect(churnPolicy.safeParse({ ...DEFAULT_CHURN_POLICY, weights: { ...DEFAULT_CHURN_POLICY.weights, silence: 50 } }).success).toBe(false);
    expect(churnPolicy.safeParse({ ...DEFAULT_CHURN_POLICY, thresholds: { green: 40, yellow: 60 } }).success).toBe(false);
  });
});

describe('risk level', () => {
  const low = { industryRisk: 'low', financialRisk: 'low', supplyChainRisk: 'low' } as const;
  it('takes the worst assessed risk and raises it on two derived signals; credit E is high', () => {
    expect(riskLevel({ ...low, financialRisk: 'medium' }, base, today)).toEqual({ level: 'medium', signals: [] });
    const signals = riskLevel(low, { creditRating: 'D', care: { openTickets: 1, complaintDates: ['2026-11-01'] } }, today);
    expect(signals).toEqual({ level: 'medium', signals: ['credit rating D', 'open complaints'] });
    expect(riskLevel(low, { creditRating: 'E' }, today).level).toBe('high');
  });
});

describe('recovery', () => {
  it('finds likely reasons with their evidence and plans by reason (tier A adds an executive visit)', () => {
    const health = computeHealth(steadyThenStopped, DEFAULT_CHURN_POLICY, today);
    const reasons = likelyReasons(steadyThenStopped, health, ['competitor']);
    expect(reasons.map((r) => r.reason)).toEqual(['service', 'competitor', 'price']);
    expect(winBackPlan(reasons, 'C').map((t) => t.type)).toEqual(['service_review', 'competitive_review', 'offer']);
    expect(winBackPlan(reasons, 'A').map((t) => t.type)).toContain('executive_visit');
    expect(likelyReasons(base, computeHealth(base, DEFAULT_CHURN_POLICY, today), [])).toEqual([{ reason: 'unknown', evidence: expect.any(String) }]);
  });
});
