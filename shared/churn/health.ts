import type { Customer } from '#shared/customers/schemas';
import type { ChurnPolicy, Component } from './policy.ts';

/**
 * Churn health, 0–100 (100 = no warning sign). Each component measures one documented sign as a severity
 * 0–1; it takes `round(weight × severity)` points off, so the deductions always add up to 100 − score.
 */
export interface HealthComponent {
  component: Component;
  /** The measured value, in the unit `measure` names. */
  value: number | null;
  measure: string;
  severity: number;
  weight: number;
  deduction: number;
}

export interface Health {
  score: number;
  band: 'green' | 'yellow' | 'red';
  components: HealthComponent[];
}

const DAY = 86_400_000;
const clamp01 = (x: number) => Math.max(0, Math.min(1, x));
const days = (from: string, to: Date) => Math.floor((to.getTime() - Date.parse(from)) / DAY);
const monthKey = (d: Date, back: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1)).toISOString().slice(0, 7);

/** Orders per month: recent = last 3 full-or-current months, baseline = the 12 months before them. */
function frequency(customer: Customer, today: Date) {
  const monthly = customer.stats?.monthlyOrders ?? {};
  const sum = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => monthly[monthKey(today, from + i)] ?? 0).reduce((a, b) => a + b, 0);
  return { recent: sum(0, 3) / 3, baseline: sum(3, 15) / 12 };
}

export function measure(customer: Customer, today: Date): Record<Component, { value: number | null; measure: string; severity: number }> {
  const { recent, baseline } = frequency(customer, today);
  const stats = customer.stats;
  const care = customer.care;
  const since = stats?.lastOrderDate ? days(stats.lastOrderDate, today) : null;
  const interval = stats?.avgIntervalDays ?? null;
  const complaints = (care?.complaintDates ?? []).filter((d) => days(d, today) <= 90).length;
  const detractor = care?.lastNps !== undefined && care.lastNpsAt !== undefined && days(care.lastNpsAt, today) <= 180 && care.lastNps <= 6;
  const silentDays = care?.nextFollowUpAt ? Math.max(0, days(care.nextFollowUpAt, today)) : 0;
  const prior = stats?.spendPrior12m ?? 0;
  return {
    frequencyDrop: { value: baseline > 0 ? +(1 - recent / baseline).toFixed(3) : null, measure: 'drop in orders/month, last 3 months vs the 12 before', severity: baseline > 0 ? clamp01((baseline - recent) / baseline) : 0 },
    recencyOverdue: {
      value: since,
      measure: `days since the last order (usual interval ${interval === null ? 'unknown' : `${Math.round(interval)} days`})`,
      severity: since !== null && interval ? clamp01((since - interval) / interval) : 0,
    },
    complaints: { value: complaints, measure: 'complaints in the last 90 days', severity: clamp01(complaints / 2) },
    npsDetractor: { value: care?.lastNps ?? null, measure: 'latest NPS score (0–6 is a detractor) within 180 days', severity: detractor ? 1 : 0 },
    silence: { value: silentDays, measure: 'days past the follow-up due date with no contact', severity: clamp01(silentDays / 30) },
    spendFall: { value: prior > 0 ? +(1 - (stats?.spend12m ?? 0) / prior).toFixed(3) : null, measure: 'fall in 12-month spend vs the 12 months before', severity: prior > 0 ? clamp01((prior - (stats?.spend12m ?? 0)) / prior) : 0 },
  };
}

export function computeHealth(customer: Customer, policy: ChurnPolicy, today: Date): Health {
  const measured = measure(customer, today);
  const components = (Object.keys(policy.weights) as Component[]).map((component) => {
    const m = measured[component];
    const weight = policy.weights[component];
    return { component, ...m, severity: +m.severity.toFixed(3), weight, deduction: Math.round(weight * m.severity) };
  });
  const score = 100 - components.reduce((sum, c) => sum + c.deduction, 0);
  const band = score >= policy.thresholds.green ? 'green' : score >= policy.thresholds.yellow ? 'yellow' : 'red';
  return { score, band, components };
}
