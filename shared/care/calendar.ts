/**
 * Month-day arithmetic for birthdays and anniversaries, pure and in UTC.
 *
 * Reminders are indexed by `MM-DD`. A window of N ≤ 60 days that runs past Dec 31 would need two key ranges
 * (Dec… and Jan…), i.e. two Queries. Instead every month-day up to `03-01` (the furthest a 60-day window that
 * starts on Dec 31 reaches) also has a twin keyed with its month + 12 (`01-05` → `13-05`), so any window is one
 * BETWEEN: `12-28` … `13-04` picks Dec 28–31 from the originals and Jan 1–4 from the twins.
 */
export const MAX_WINDOW_DAYS = 60;
const LAST_TWINNED = '03-01';

const DAY_MS = 86_400_000;
export const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** `YYYY-MM-DD` or `--MM-DD` (year unknown) → `MM-DD`. */
export const monthDayOf = (date: string) => date.slice(-5);

/** The year of a `YYYY-MM-DD` date, undefined for `--MM-DD`. */
export const yearOf = (date: string) => (date.startsWith('--') ? undefined : Number(date.slice(0, 4)));

export const needsTwin = (monthDay: string) => monthDay <= LAST_TWINNED;
export const twinKey = (monthDay: string) => `${Number(monthDay.slice(0, 2)) + 12}-${monthDay.slice(3)}`;

const plusDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00.000Z`) - Date.parse(`${from}T00:00:00.000Z`)) / DAY_MS);

/**
 * The sort-key bounds for today … today + days (both included). A Feb 29 month-day is celebrated on Mar 1 in a
 * common year, so a window that starts on Mar 1 of a common year starts its keys at `02-29`.
 */
export function monthDayWindow(today: string, days: number): { from: string; to: string; last: string } {
  if (!Number.isInteger(days) || days < 0 || days > MAX_WINDOW_DAYS) throw new RangeError(`days must be 0…${MAX_WINDOW_DAYS}`);
  const last = plusDays(today, days);
  let from = monthDayOf(today);
  if (from === '03-01' && !isLeap(Number(today.slice(0, 4)))) from = '02-29';
  const wraps = last.slice(0, 4) !== today.slice(0, 4);
  return { from, to: wraps ? twinKey(monthDayOf(last)) : monthDayOf(last), last };
}

/** The first date on or after `today` that falls on `monthDay` (Feb 29 → Mar 1 in common years). */
export function nextOccurrence(monthDay: string, today: string): string {
  const onOrAfter = (year: number) => (monthDay === '02-29' && !isLeap(year) ? `${year}-03-01` : `${year}-${monthDay}`);
  const year = Number(today.slice(0, 4));
  const thisYear = onOrAfter(year);
  return thisYear >= today ? thisYear : onOrAfter(year + 1);
}

export interface Occurrence {
  date: string;
  inDays: number;
  /** Age or years since, when the original year is known. */
  years?: number;
}

/** When a month-day next comes round within the window (undefined when it falls outside, e.g. the Mar 1 edge). */
export function occurrenceWithin(monthDay: string, today: string, last: string, sinceYear?: number): Occurrence | undefined {
  const date = nextOccurrence(monthDay, today);
  if (date > last) return undefined;
  const years = sinceYear === undefined ? undefined : Number(date.slice(0, 4)) - sinceYear;
  return { date, inDays: daysBetween(today, date), ...(years === undefined ? {} : { years }) };
}
