import type { GoalPolicy } from './policy.ts';
import type { Progress } from './progress.ts';
import { periodMonths } from './progress.ts';
import type { PaceFinding, TargetRevision } from './revision-schemas.ts';
import type { TargetNode } from './schemas.ts';

/**
 * The daily pace check, pure: whether a node is due for a check, what it finds, and the suggestion it makes.
 * Periods are whole calendar months (fiscal = calendar year), compared as YYYY-MM strings in UTC.
 */
type Period = Pick<TargetNode, 'fiscalYear' | 'quarter' | 'month'>;

/** The node's period as people say it: YYYY, YYYY-Qn or YYYY-MM (the guard and the finding name it). */
export const paceLabel = (n: Period) => n.month ?? (n.quarter ? `${n.fiscalYear}-${n.quarter}` : String(n.fiscalYear));

/** Whole calendar months of the node's period that lie before `now`'s month. */
export function wholeMonthsPassed(n: Period, now: Date): number {
  const current = now.toISOString().slice(0, 7);
  return periodMonths(n).filter((m) => m < current).length;
}

/**
 * Checked only while the period runs (started, not ended) and after the grace: a year target from February,
 * a quarter target from its second month, a month target never with a grace of 1 or more.
 */
export function paceCheckDue(n: Period, policy: Pick<GoalPolicy, 'paceGraceMonths'>, now: Date): boolean {
  const months = periodMonths(n);
  const current = now.toISOString().slice(0, 7);
  if (current < months[0]! || current > months.at(-1)!) return false;
  return wholeMonthsPassed(n, now) >= policy.paceGraceMonths;
}

/** Behind (below lowerPct of expected-to-date) or ahead (above upperPct), or null when on pace or not due. */
export function paceFinding(node: Period, progress: Pick<Progress, 'actual' | 'expectedToDate'>, policy: GoalPolicy, now: Date): PaceFinding | null {
  if (!paceCheckDue(node, policy, now)) return null;
  const { actual, expectedToDate } = progress;
  if (!(expectedToDate > 0)) return null;
  // Compared in integers (minor units × percent), so exactly 80 % is on pace, not behind.
  const direction = actual * 100 < policy.paceLowerPct * expectedToDate ? 'behind' : actual * 100 > policy.paceUpperPct * expectedToDate ? 'ahead' : null;
  if (!direction) return null;
  return {
    period: paceLabel(node),
    checkedAt: now.toISOString(),
    actual,
    expectedToDate,
    pace: Math.round((actual / expectedToDate) * 10_000) / 10_000,
    direction,
    lowerPct: policy.paceLowerPct,
    upperPct: policy.paceUpperPct,
  };
}

const money = (minor: number, currency: string) => `${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
const pct = (ratio: number) => `${Math.round(ratio * 100)}%`;

/** What the finding says, in words (the suggestion's evidence and the owner's notification). */
export function describeFinding(node: Pick<TargetNode, 'currency'>, finding: PaceFinding, projection: number): string {
  const bound = finding.direction === 'behind' ? `below ${finding.lowerPct}%` : `above ${finding.upperPct}%`;
  return (
    `Actual ${money(finding.actual, node.currency)} is ${pct(finding.pace)} of the ${money(finding.expectedToDate, node.currency)} expected by ` +
    `${finding.checkedAt.slice(0, 10)} (${bound}); at this rate ${finding.period} ends at ${money(projection, node.currency)}.`
  );
}

/** The suggestion: the run-rate projection as the new amount, from the check date; no requester (nobody asked). */
export function paceSuggestion(
  node: Pick<TargetNode, 'id' | 'amount' | 'currency'>,
  progress: Pick<Progress, 'runRateProjection'>,
  finding: PaceFinding,
  id: string,
  now: Date,
): TargetRevision {
  const at = now.toISOString();
  const newAmount = Math.max(0, progress.runRateProjection ?? node.amount);
  return {
    id,
    targetId: node.id,
    status: 'suggested',
    reason: 'pace_deviation',
    oldAmount: node.amount,
    newAmount,
    currency: node.currency,
    evidence: describeFinding(node, finding, newAmount),
    effectiveFrom: finding.checkedAt.slice(0, 10),
    finding,
    createdAt: at,
    updatedAt: at,
  };
}
