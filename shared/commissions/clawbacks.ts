import { daysBetween, type CommissionPeriod } from './period.ts';
import type { OrderFigure } from './math.ts';
import type { StatementLine } from './schemas.ts';

/**
 * Clawbacks, pure. An order is clawed back when it was refunded, or its customer was lost (a churn alert closed
 * with outcome `lost`), within the clawbackDays of the plan it earned under, counted from the order's date. The
 * clawback is a negative line in the statement of the period holding that event — the order's earliest qualifying
 * event only, so it is clawed back once however many events follow — for what the order's line paid.
 */
export interface ClawbackOrder extends OrderFigure {
  refund?: { date: string; reason: string };
}

export interface LostCustomer {
  alertId: string;
  customerId: string;
  /** YYYY-MM-DD the alert closed as lost. */
  date: string;
  reason?: string;
}

export interface ClawbackEvent {
  type: 'refund' | 'churn';
  date: string;
  alertId?: string;
  reason?: string;
}

export interface Candidate {
  order: ClawbackOrder;
  /** Every event on or after the order's date, up to `today`, earliest first (refund before churn on one day). */
  events: ClawbackEvent[];
}

/** What the order earned under its own period's plan (the caller finds it: this statement, a final one, or live). */
export interface Origin {
  period: string;
  clawbackDays: number;
  paid: number;
}

/** Orders with at least one event inside this period: the only ones that may be clawed back here. */
export function clawbackCandidates(period: CommissionPeriod, orders: ClawbackOrder[], lost: LostCustomer[], today: string): Candidate[] {
  const candidates: Candidate[] = [];
  for (const order of orders) {
    const events: ClawbackEvent[] = [
      ...(order.refund ? [{ type: 'refund' as const, date: order.refund.date, reason: order.refund.reason }] : []),
      ...lost.filter((l) => l.customerId === order.customerId).map((l) => ({ type: 'churn' as const, date: l.date, alertId: l.alertId, ...(l.reason ? { reason: l.reason } : {}) })),
    ]
      .filter((e) => e.date >= order.date && e.date <= today)
      .sort((a, b) => (a.date === b.date ? (a.type === 'refund' ? -1 : 1) : a.date < b.date ? -1 : 1));
    if (events.some((e) => e.date >= period.start && e.date <= period.end)) candidates.push({ order, events });
  }
  return candidates;
}

const money = (n: number) => n.toLocaleString('en-US');

/** The clawback lines of this period, given each candidate's origin (none: it earned under no plan). */
export function clawbackLines(period: CommissionPeriod, candidates: Candidate[], originOf: (order: ClawbackOrder) => Origin | undefined, currency: string): StatementLine[] {
  const lines: StatementLine[] = [];
  for (const { order, events } of candidates) {
    const origin = originOf(order);
    if (!origin || origin.paid === 0) continue;
    const first = events.find((e) => daysBetween(order.date, e.date) <= origin.clawbackDays);
    if (!first || first.date < period.start || first.date > period.end) continue;
    const days = daysBetween(order.date, first.date);
    const what = first.type === 'refund' ? 'refunded' : `customer lost (churn alert ${first.alertId} closed lost)`;
    lines.push({
      kind: 'clawback',
      date: first.date,
      orderId: order.id,
      customerId: order.customerId,
      amount: order.amount,
      currency,
      commission: -origin.paid,
      rule: `clawback: order of ${order.date} (${money(order.amount)} ${order.currency}) ${what} on ${first.date}, ${days} day${days === 1 ? '' : 's'} after the order, within the ${origin.clawbackDays} clawback days → −${money(origin.paid)} it was paid in the ${origin.period} statement`,
      event: { type: first.type, date: first.date, ...(first.alertId ? { alertId: first.alertId } : {}), ...(first.reason ? { reason: first.reason } : {}) },
      originPeriod: origin.period,
    });
  }
  return lines.sort((a, b) => (a.date === b.date ? 0 : a.date < b.date ? -1 : 1));
}
