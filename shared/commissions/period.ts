/** Commission periods, pure: a month (YYYY-MM) or a quarter (YYYY-Qn) of the calendar year (= the fiscal year). */
export const COMMISSION_PERIOD = /^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$/;

export interface CommissionPeriod {
  id: string;
  fiscalYear: number;
  /** YYYY-MM of every month covered. */
  months: string[];
  /** First and last day, YYYY-MM-DD (UTC). */
  start: string;
  end: string;
  /** The target lookup's period for this span: YYYY-MM or Qn (shared/goals target lookups). */
  lookup: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

export function parseCommissionPeriod(id: string): CommissionPeriod {
  const m = COMMISSION_PERIOD.exec(id);
  if (!m) throw new Error(`Not a commission period: ${id}`);
  const year = Number(m[1]);
  const first = m[2] ? Number(m[2]) : (Number(m[3]) - 1) * 3 + 1;
  const count = m[2] ? 1 : 3;
  const months = Array.from({ length: count }, (_, i) => `${year}-${pad(first + i)}`);
  const lastMonth = first + count - 1;
  return {
    id,
    fiscalYear: year,
    months,
    start: `${year}-${pad(first)}-01`,
    end: `${year}-${pad(lastMonth)}-${pad(lastDay(year, lastMonth))}`,
    lookup: m[2] ? id : `Q${m[3]}`,
  };
}

/** The month and the quarter a month belongs to: the two periods a plan covering that month can have. */
export function periodsOfMonth(month: string): [string, string] {
  const quarter = Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1;
  return [month, `${month.slice(0, 4)}-Q${quarter}`];
}

export const DAY_MS = 86_400_000;

/** Whole days from one YYYY-MM-DD to another. */
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** Clawbacks reach back at most this far (plans cap clawbackDays at it), which bounds every statement's reads. */
export const MAX_CLAWBACK_DAYS = 365;

/**
 * The first day whose orders a statement may need: an order clawed back in this period is at most MAX_CLAWBACK_DAYS
 * old, and computing what it earned needs every order of its own period (a quarter at most), so: the start of the
 * quarter holding (period start − MAX_CLAWBACK_DAYS).
 */
export function lookbackStart(period: CommissionPeriod): string {
  const back = new Date(Date.parse(`${period.start}T00:00:00Z`) - MAX_CLAWBACK_DAYS * DAY_MS);
  const quarterFirstMonth = Math.floor(back.getUTCMonth() / 3) * 3 + 1;
  return `${back.getUTCFullYear()}-${pad(quarterFirstMonth)}-01`;
}
