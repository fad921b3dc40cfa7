/**
 * Pure mapping of a registry schedule (five-field UTC cron, as croner runs it locally) to an EventBridge
 * `cron(...)` expression. EventBridge wants six fields (a year), `?` in day-of-month or day-of-week, numbers
 * day-of-week from 1 (SUN) instead of 0, and has no `*` start on steps (`0/15`, not `* /15`).
 */
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

export function toEventBridgeCron(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`Schedule cron "${cron}" must have five fields (minute hour day-of-month month day-of-week)`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  const anyDom = dayOfMonth === '*' || dayOfMonth === '?';
  const anyDow = dayOfWeek === '*' || dayOfWeek === '?';
  // Classic cron ORs a restricted day-of-month with a restricted day-of-week; EventBridge cannot say that.
  if (!anyDom && !anyDow) throw new Error(`Schedule cron "${cron}" restricts both day-of-month and day-of-week; EventBridge allows only one`);
  const dom = anyDom ? (anyDow ? '*' : '?') : startSteps(dayOfMonth, '1');
  const dow = anyDow ? '?' : eventBridgeDays(dayOfWeek, cron);
  return `cron(${startSteps(minute, '0')} ${startSteps(hour, '0')} ${dom} ${startSteps(month, '1')} ${dow} *)`;
}

/** `*` + step means "from the first value": EventBridge spells it with that value. */
function startSteps(field: string, first: string): string {
  return field.replace(/(^|,)\*\//g, `$1${first}/`);
}

/** Parses a cron day-of-week field (0-7 or SUN-SAT, lists, ranges, steps) into EventBridge names, ranges compressed. */
function eventBridgeDays(field: string, cron: string): string {
  const days = new Set<number>();
  for (const item of field.split(',')) {
    const [range, stepText] = item.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [0, 6];
    else if (range.includes('-')) [from, to] = range.split('-').map((d) => dayNumber(d, cron)) as [number, number];
    else [from, to] = [dayNumber(range, cron), stepText === undefined ? dayNumber(range, cron) : 6];
    if (!Number.isInteger(step) || step < 1 || from > to) throw new Error(`Schedule cron "${cron}" has an unsupported day-of-week "${item}"`);
    for (let d = from; d <= to; d += step) days.add(d % 7);
  }
  const sorted = [...days].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const first = DAY_NAMES[sorted[i]!];
    const last = DAY_NAMES[sorted[j]!];
    parts.push(j === i ? first : j === i + 1 ? `${first},${last}` : `${first}-${last}`);
    i = j + 1;
  }
  return parts.join(',');
}

function dayNumber(text: string, cron: string): number {
  const upper = text.toUpperCase();
  const named = DAY_NAMES.indexOf(upper as (typeof DAY_NAMES)[number]);
  if (named >= 0) return named;
  // 7 is Sunday too; kept as 7 so ranges like 5-7 stay ascending, folded to 0 by the caller.
  if (/^[0-7]$/.test(text)) return Number(text);
  throw new Error(`Schedule cron "${cron}" has an unsupported day-of-week value "${text}" (L and # are not mapped)`);
}
