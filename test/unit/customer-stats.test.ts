import { describe, expect, it } from 'vitest';
import { daysBetween, foldOrder, monthsBefore, rollStats, type OrderFact } from '#shared/customers/stats';
import type { CustomerStats } from '#shared/customers/schemas';

const order = (date: string, amount: number, currency = 'CNY'): OrderFact => ({ date, amount, currency });
const foldAll = (orders: OrderFact[], today: string) => orders.reduce<CustomerStats | undefined>((stats, o) => foldOrder(stats, o, today), undefined)!;

describe('months and days', () => {
  it('steps back across year ends and counts whole days', () => {
    expect(monthsBefore('2026-03', 0)).toBe('2026-03');
    expect(monthsBefore('2026-03', 3)).toBe('2025-12');
    expect(monthsBefore('2026-03', 23)).toBe('2024-04');
    expect(monthsBefore('2026-01', 12)).toBe('2025-01');
    expect(daysBetween('2026-02-27', '2026-03-01')).toBe(2);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2); // leap year
  });
});

describe('folding an order into the stats', () => {
  it('the first order starts the figures in its currency', () => {
    const stats = foldOrder(undefined, order('2026-03-10', 500_000), '2026-03-15');
    expect(stats).toEqual({
      spend12m: 500_000,
      spendPrior12m: 0,
      orders12m: 1,
      orderCount: 1,
      firstOrderDate: '2026-03-10',
      lastOrderDate: '2026-03-10',
      avgIntervalDays: null,
      monthlyOrders: { '2026-03': 1 },
      spendByMonth: { '2026-03': 500_000 },
      currency: 'CNY',
      otherCurrencyOrders: 0,
      windowMonth: '2026-03',
    });
  });

  it('splits spend into the last 12 months and the 12 before, by calendar month', () => {
    const stats = foldAll([order('2026-03-01', 100), order('2025-04-30', 200), order('2025-03-31', 400), order('2024-04-01', 800), order('2024-03-31', 1600)], '2026-03-15');
    // 2025-04 … 2026-03 is the last 12 months; 2024-04 … 2025-03 the 12 before; 2024-03 is in neither.
    expect(stats).toMatchObject({ spend12m: 300, spendPrior12m: 1200, orders12m: 2, orderCount: 5 });
    expect(stats.monthlyOrders).toEqual({ '2026-03': 1, '2025-04': 1, '2025-03': 1, '2024-04': 1 });
    expect(stats.firstOrderDate).toBe('2024-03-31');
    expect(stats.lastOrderDate).toBe('2026-03-01');
  });

  it('averages the interval between orders whatever order they arrive in', () => {
    const dates = ['2026-01-31', '2026-01-01', '2026-03-02'];
    const stats = foldAll(dates.map((d) => order(d, 1)), '2026-03-10');
    expect(stats.avgIntervalDays).toBe(30); // (Jan 1 → Mar 2 = 60 days) / 2 gaps
    expect(foldAll(['2026-01-01', '2026-01-08', '2026-01-11'].map((d) => order(d, 1)), '2026-03-10').avgIntervalDays).toBe(5);
    expect(foldAll([order('2026-03-01', 1), order('2026-03-01', 1)], '2026-03-10').avgIntervalDays).toBe(0);
  });

  it('counts an order in another currency as an order but not as spend', () => {
    const stats = foldAll([order('2026-03-01', 1000), order('2026-03-02', 999, 'USD')], '2026-03-10');
    expect(stats).toMatchObject({ currency: 'CNY', spend12m: 1000, orders12m: 2, orderCount: 2, otherCurrencyOrders: 1 });
  });

  it('rolls the windows to the day of the order before adding it', () => {
    const march = foldOrder(undefined, order('2024-03-10', 7), '2024-03-10');
    const later = foldOrder(march, order('2026-03-01', 5), '2026-03-01');
    expect(later).toMatchObject({ spend12m: 5, spendPrior12m: 0, orderCount: 2, windowMonth: '2026-03' });
    expect(later.spendByMonth).toEqual({ '2026-03': 5 });
  });
});

describe('recomputing the windows for a later day', () => {
  const history = foldAll([order('2025-03-15', 100), order('2025-06-15', 200), order('2026-02-15', 400)], '2026-02-20');

  it('moves spend from the last 12 months to the 12 before as months age, then drops it', () => {
    expect(history).toMatchObject({ spend12m: 700, spendPrior12m: 0 });
    expect(rollStats(history, '2026-02-28')).toEqual(history); // same month: nothing moves
    expect(rollStats(history, '2026-03-01')).toMatchObject({ spend12m: 600, spendPrior12m: 100, orders12m: 2, windowMonth: '2026-03' });
    expect(rollStats(history, '2027-01-01')).toMatchObject({ spend12m: 400, spendPrior12m: 300, orders12m: 1 });
    const late = rollStats(history, '2028-03-01');
    expect(late).toMatchObject({ spend12m: 0, spendPrior12m: 0, orders12m: 0, orderCount: 3, lastOrderDate: '2026-02-15' });
    expect(late.monthlyOrders).toEqual({});
  });

  it('never moves the window backwards', () => {
    expect(rollStats(history, '2025-12-31')).toEqual(history);
  });

  it('agrees with a count from the orders themselves, for any history and day', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let run = 0; run < 50; run++) {
      const orders = Array.from({ length: 1 + Math.floor(random() * 30) }, () => {
        const day = new Date(Date.UTC(2023, 0, 1) + Math.floor(random() * 1100) * 86_400_000).toISOString().slice(0, 10);
        return order(day, 1 + Math.floor(random() * 10_000));
      });
      const lastDay = orders.map((o) => o.date).sort().at(-1)!;
      const today = new Date(Date.parse(lastDay) + Math.floor(random() * 800) * 86_400_000).toISOString().slice(0, 10);
      const stats = rollStats(foldAll(orders, lastDay), today);
      const month = today.slice(0, 7);
      const inMonths = (from: number, to: number) => orders.filter((o) => o.date.slice(0, 7) <= monthsBefore(month, from) && o.date.slice(0, 7) >= monthsBefore(month, to - 1));
      expect(stats.spend12m).toBe(inMonths(0, 12).reduce((sum, o) => sum + o.amount, 0));
      expect(stats.spendPrior12m).toBe(inMonths(12, 24).reduce((sum, o) => sum + o.amount, 0));
      expect(stats.orders12m).toBe(inMonths(0, 12).length);
      expect(stats.orderCount).toBe(orders.length);
    }
  });
});
