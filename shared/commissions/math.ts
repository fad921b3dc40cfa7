import type { PlanTerms, Slice, StatementLine } from './schemas.ts';

/**
 * The commission math, pure and exact. Decimals (rates, attainment bounds, accelerator) become integer micro-units
 * and amounts stay integer minor units, so every product is an exact BigInt; each figure is rounded once, half up,
 * to minor units.
 *
 * - No target (or one in another currency, or zero): attainment is unknown and every order earns the base rate.
 * - tiered: attainment = revenue ÷ target picks ONE band; every order earns amount × that band's rate
 *   (× accelerator when attainment is above 100%), rounded per line.
 * - marginal: the revenue is cut into slices at target × each band's bounds (and at 100% of target); each slice earns
 *   its band's rate (× accelerator for the slices above 100%), rounded per slice; the total is shared among the
 *   orders pro rata to their amounts (largest remainder, so the lines add up exactly to the slices' total).
 * - cap: when the orders earned more than the cap, one negative line brings them down to it.
 */
const S = 1_000_000n;
const micro = (x: number) => BigInt(Math.round(x * 1e6));

/** n ÷ d rounded half away from zero (d > 0). */
export function divRound(n: bigint, d: bigint): bigint {
  const q = (2n * (n < 0n ? -n : n) + d) / (2n * d);
  return n < 0n ? -q : q;
}

const money = (n: number | bigint) => Number(n).toLocaleString('en-US');
const pct = (x: number) => `${+(x * 100).toFixed(4)}%`;
const bandLabel = (from: number, to: number | null) => (to === null ? `${+(from * 100).toFixed(4)}%+` : `${+(from * 100).toFixed(4)}–${+(to * 100).toFixed(4)}%`);

export interface OrderFigure {
  id: string;
  date: string;
  customerId: string;
  amount: number;
  currency: string;
}

export interface TargetFigure {
  amount: number;
  currency: string;
  lookup: string;
}

export interface Earnings {
  revenue: number;
  attainment: number | null;
  attainmentRule: string;
  slices?: Slice[];
  /** One line per order, then the cap line if the cap bit. */
  lines: StatementLine[];
  /** Σ order lines, and the cap line (≤ 0). */
  orders: number;
  cap: number;
}

export function computeEarnings(input: { terms: PlanTerms; target: TargetFigure | null; orders: OrderFigure[]; periodEnd: string }): Earnings {
  const { terms, periodEnd } = input;
  const counted = input.orders.filter((o) => o.currency === terms.currency);
  const R = counted.reduce((sum, o) => sum + BigInt(o.amount), 0n);
  const usable = input.target && input.target.currency === terms.currency && input.target.amount > 0 ? input.target : null;
  const foreign = (o: OrderFigure): StatementLine => ({ ...orderFields(o), commission: 0, rule: `not commissioned: a ${o.currency} order does not count under a ${terms.currency} plan` });

  let earned: { lines: StatementLine[]; slices?: Slice[] };
  let attainment: number | null = null;
  let attainmentRule: string;
  if (!usable) {
    const why = !input.target ? 'no target for this period' : input.target.currency !== terms.currency ? `the target is in ${input.target.currency}, not ${terms.currency}` : 'the target is 0';
    attainmentRule = `attainment unknown: ${why} (lookup ${input.target?.lookup ?? 'none'}); only the base rate applies`;
    const rate = micro(terms.baseRate);
    earned = {
      lines: input.orders.map((o) => {
        if (o.currency !== terms.currency) return foreign(o);
        const commission = divRound(BigInt(o.amount) * rate, S);
        return { ...orderFields(o), commission: Number(commission), rule: `base rate (${why}): ${money(o.amount)} × ${pct(terms.baseRate)} = ${money(commission)}` };
      }),
    };
  } else {
    const T = BigInt(usable.amount);
    const basisPoints = divRound(R * 10_000n, T);
    attainment = Number(basisPoints) / 10_000;
    attainmentRule = `attainment ${pct(attainment)} = revenue ${money(R)} ÷ target ${money(T)} (${usable.lookup})`;
    earned = terms.mode === 'tiered' ? tiered(terms, R, T, attainment, input.orders, foreign) : marginal(terms, R, T, input.orders, foreign);
  }

  const orders = earned.lines.reduce((sum, l) => sum + l.commission, 0);
  const lines = [...earned.lines];
  let cap = 0;
  if (terms.cap !== null && orders > terms.cap) {
    cap = terms.cap - orders;
    lines.push({ kind: 'cap', date: periodEnd, currency: terms.currency, commission: cap, rule: `cap: the orders earned ${money(orders)}, above the plan’s cap of ${money(terms.cap)} → ${money(cap)}` });
  }
  return { revenue: Number(R), attainment, attainmentRule, ...(earned.slices ? { slices: earned.slices } : {}), lines, orders, cap };
}

/** What an order's line actually paid: its commission, scaled down pro rata when the statement was capped. */
export function paidFor(figures: { lines: StatementLine[]; orders: number; cap: number }, orderId: string): number {
  const line = figures.lines.find((l) => l.kind === 'order' && l.orderId === orderId);
  if (!line || line.commission === 0) return 0;
  if (figures.cap === 0) return line.commission;
  return Number(divRound(BigInt(line.commission) * BigInt(figures.orders + figures.cap), BigInt(figures.orders)));
}

const orderFields = (o: OrderFigure) => ({ kind: 'order' as const, date: o.date, orderId: o.id, customerId: o.customerId, amount: o.amount, currency: o.currency });

function tiered(terms: PlanTerms, R: bigint, T: bigint, attainment: number, orders: OrderFigure[], foreign: (o: OrderFigure) => StatementLine) {
  // The band holding the attainment: from ≤ R/T < to, compared exactly as R·10⁶ against T·bound·10⁶.
  const band = terms.bands.find((b) => micro(b.fromAttainment) * T <= R * S && (b.toAttainment === null || R * S < micro(b.toAttainment) * T))!;
  const accelerated = R > T && terms.accelerator !== 1;
  const acc = accelerated ? micro(terms.accelerator) : S;
  const effective = (Number(micro(band.rate) * acc) / 1e12);
  const how = `tiered: attainment ${pct(attainment)} → band ${bandLabel(band.fromAttainment, band.toAttainment)} rate ${pct(band.rate)}${accelerated ? ` × accelerator ${terms.accelerator} = ${pct(effective)}` : ''}`;
  return {
    lines: orders.map((o): StatementLine => {
      if (o.currency !== terms.currency) return foreign(o);
      const commission = divRound(BigInt(o.amount) * micro(band.rate) * acc, S * S);
      return { ...orderFields(o), commission: Number(commission), rule: `${how}: ${money(o.amount)} × ${pct(effective)} = ${money(commission)}` };
    }),
  };
}

function marginal(terms: PlanTerms, R: bigint, T: bigint, orders: OrderFigure[], foreign: (o: OrderFigure) => StatementLine) {
  // Slice bounds in revenue (rounded to minor units), each band cut once more at 100% so the accelerator is exact.
  const pieces: { from: number; to: number | null; lo: bigint; hi: bigint | null; rate: number }[] = [];
  for (const b of terms.bands) {
    const lo = divRound(micro(b.fromAttainment) * T, S);
    const hi = b.toAttainment === null ? null : divRound(micro(b.toAttainment) * T, S);
    if (lo < T && (hi === null || hi > T)) {
      pieces.push({ from: b.fromAttainment, to: 1, lo, hi: T, rate: b.rate });
      pieces.push({ from: 1, to: b.toAttainment, lo: T, hi, rate: b.rate });
    } else pieces.push({ from: b.fromAttainment, to: b.toAttainment, lo, hi, rate: b.rate });
  }
  const slices: Slice[] = pieces.map((p) => {
    const top = p.hi === null || R < p.hi ? R : p.hi;
    const amount = top > p.lo ? top - p.lo : 0n;
    const accelerator = p.lo >= T ? terms.accelerator : 1;
    const commission = divRound(amount * micro(p.rate) * micro(accelerator), S * S);
    return { fromAttainment: p.from, toAttainment: p.to, revenueFrom: Number(p.lo), revenueTo: p.hi === null ? null : Number(p.hi), amount: Number(amount), rate: p.rate, accelerator, commission: Number(commission) };
  });
  const C = slices.reduce((sum, s) => sum + BigInt(s.commission), 0n);
  const explained = slices
    .filter((s) => s.amount > 0)
    .map((s) => `${bandLabel(s.fromAttainment, s.toAttainment)}: ${money(s.amount)} × ${pct(s.rate)}${s.accelerator !== 1 ? ` × ${s.accelerator}` : ''} = ${money(s.commission)}`)
    .join('; ');
  const shares = shareByLargestRemainder(C, orders.map((o) => (o.currency === terms.currency ? BigInt(o.amount) : 0n)), R);
  return {
    slices,
    lines: orders.map((o, i): StatementLine => {
      if (o.currency !== terms.currency) return foreign(o);
      const share = Number(divRound(BigInt(o.amount) * 1_000_000n, R)) / 10_000;
      return {
        ...orderFields(o),
        commission: Number(shares[i]),
        rule: `marginal: slices [${explained}] total ${money(C)}; this order is ${money(o.amount)} of ${money(R)} revenue (${share}%) → ${money(shares[i]!)}`,
      };
    }),
  };
}

/** total × weight ÷ Σweights for each weight, floored, then +1 to the largest remainders (earliest first on ties). */
export function shareByLargestRemainder(total: bigint, weights: bigint[], sum: bigint): bigint[] {
  if (sum === 0n) return weights.map(() => 0n);
  const base = weights.map((w) => (total * w) / sum);
  const rest = weights.map((w, i) => ({ i, r: (total * w) % sum }));
  let left = total - base.reduce((a, b) => a + b, 0n);
  for (const { i } of rest.sort((a, b) => (b.r > a.r ? 1 : b.r < a.r ? -1 : a.i - b.i))) {
    if (left <= 0n) break;
    if (weights[i] === 0n) continue;
    base[i]! += 1n;
    left -= 1n;
  }
  return base;
}
