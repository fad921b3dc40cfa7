import type { CustomerStats } from './schemas.ts';

/**
 * Rolling purchase figures, pure. The customer item keeps orders and spend per calendar month for 24 months, so
 * the 12-month windows can be recomputed for any later day without reading a single order (the daily regrade).
 * Months are UTC calendar months: "the last 12 months" is the current month and the 11 before it.
 */
export const WINDOW_MONTHS = 24;

/** What folding needs from an order (the order item itself lives in the customer's partition). */
export interface OrderFact {
  amount: number;
  currency: string;
  /** YYYY-MM-DD */
  date: string;
}

export const monthOf = (date: string) => date.slice(0, 7);

/** The month `n` months before `month` (both YYYY-MM). */
export function monthsBefore(month: string, n: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const total = year * 12 + (m - 1) - n;
  return `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}`;
}

const DAY_MS = 86_400_000;
/** Whole days from one YYYY-MM-DD to another. */
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

const sumMonths = (buckets: Record<string, number>, end: string, fromBack: number, toBack: number) => {
  let sum = 0;
  for (let back = fromBack; back < toBack; back++) sum += buckets[monthsBefore(end, back)] ?? 0;
  return sum;
};

/** Only the 24 months ending with `end`: older buckets have left every window. */
const within = (buckets: Record<string, number>, end: string) => {
  const oldest = monthsBefore(end, WINDOW_MONTHS - 1);
  return Object.fromEntries(Object.entries(buckets).filter(([month]) => month >= oldest && month <= end));
};

/** The figures a window month implies: the buckets trimmed to 24 months and the three window sums. */
function windowed(stats: CustomerStats, end: string): CustomerStats {
  const monthlyOrders = within(stats.monthlyOrders, end);
  const spendByMonth = within(stats.spendByMonth, end);
  return {
    ...stats,
    monthlyOrders,
    spendByMonth,
    spend12m: sumMonths(spendByMonth, end, 0, 12),
    spendPrior12m: sumMonths(spendByMonth, end, 12, 24),
    orders12m: sumMonths(monthlyOrders, end, 0, 12),
    windowMonth: end,
  };
}

/**
 * The windows as of `today` (YYYY-MM-DD): months that aged out are dropped and the sums recomputed. The window
 * never moves backwards (a clock behind the last write changes nothing).
 */
export function rollStats(stats: CustomerStats, today: string): CustomerStats {
  const month = monthOf(today);
  return windowed(stats, month > stats.windowMonth ? month : stats.windowMonth);
}

export const emptyStats = (currency: string, today: string): CustomerStats => ({
  spend12m: 0,
  spendPrior12m: 0,
  orders12m: 0,
  orderCount: 0,
  avgIntervalDays: null,
  monthlyOrders: {},
  spendByMonth: {},
  currency,
  otherCurrencyOrders: 0,
  windowMonth: monthOf(today),
});

/**
 * The stats after one more order, as of `today`. An order older than the 24 months counts as an order (count,
 * first date, interval) but in no month; spend in another currency than the first order's is not added.
 */
export function foldOrder(stats: CustomerStats | undefined, order: OrderFact, today: string): CustomerStats {
  const rolled = rollStats(stats ?? emptyStats(order.currency, today), today);
  const month = monthOf(order.date);
  const inWindow = month <= rolled.windowMonth && month >= monthsBefore(rolled.windowMonth, WINDOW_MONTHS - 1);
  const sameCurrency = order.currency === rolled.currency;
  const monthlyOrders = { ...rolled.monthlyOrders };
  const spendByMonth = { ...rolled.spendByMonth };
  if (inWindow) monthlyOrders[month] = (monthlyOrders[month] ?? 0) + 1;
  if (inWindow && sameCurrency) spendByMonth[month] = (spendByMonth[month] ?? 0) + order.amount;
  const orderCount = rolled.orderCount + 1;
  const firstOrderDate = rolled.firstOrderDate && rolled.firstOrderDate < order.date ? rolled.firstOrderDate : order.date;
  const lastOrderDate = rolled.lastOrderDate && rolled.lastOrderDate > order.date ? rolled.lastOrderDate : order.date;
  return windowed(
    {
      ...rolled,
      monthlyOrders,
      spendByMonth,
      orderCount,
      firstOrderDate,
      lastOrderDate,
      // The mean of consecutive gaps telescopes to (last − first) / (n − 1), whatever order they arrived in.
      avgIntervalDays: orderCount < 2 ? null : Math.round((daysBetween(firstOrderDate, lastOrderDate) / (orderCount - 1)) * 10) / 10,
      otherCurrencyOrders: rolled.otherCurrencyOrders + (sameCurrency ? 0 : 1),
    },
    rolled.windowMonth,
  );
}
