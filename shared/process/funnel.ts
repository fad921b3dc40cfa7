import { forbidden, invalid, notFound } from '#shared/core/errors';
import { hasRole, isOrgWide, type Principal } from '#shared/core/principal';
import { BUCKET_UPPER_SECONDS, bucketOf, countOf, percentile, type Histogram } from '#shared/core/histogram';
import { kindOf, nextStage } from './pipeline.ts';
import type { Pipeline } from './schemas.ts';

/**
 * Funnel bookkeeping, pure. Every move adds to a few counters (scope × month × stage) in the move's own
 * transaction, so reports read a handful of items however many deals exist:
 * - the stage entered: `entered` +1 and `amount_<CUR>` + the deal's amount, in the month of the move;
 * - the stage left: `exits` +1, `exitsToNext` +1 when it left for the next stage in pipeline order, and one
 *   time-in-stage bucket +1 (shared/core/histogram: fixed log-scale buckets, b00…b13) — all in the month the
 *   deal ENTERED that stage (a cohort), so conversion = exitsToNext ÷ entered is about the same deals.
 */

export const monthOf = (iso: string) => iso.slice(0, 7);

export interface Placement {
  /** Absent on deals entered before owner counters existed: they count for team, region and all only. */
  ownerId?: string;
  teamId?: string;
  regionId: string;
}

export interface ScopeRef {
  kind: 'owner' | 'team' | 'region' | 'all';
  id?: string;
}

/** The scopes a deal counts in: its owner (a rep's own funnel), team, region and everyone. */
export const scopesOf = (place: Placement): ScopeRef[] => [
  ...(place.ownerId ? [{ kind: 'owner' as const, id: place.ownerId }] : []),
  ...(place.teamId ? [{ kind: 'team' as const, id: place.teamId }] : []),
  { kind: 'region', id: place.regionId },
  { kind: 'all' },
];

export interface CounterDelta {
  scope: ScopeRef;
  month: string;
  stage: string;
  add: Record<string, number>;
}

export interface MoveFacts {
  /** The stage left (absent when the deal is created), when the deal entered it and where it was counted then. */
  from?: { stage: string; enteredAt: string; place: Placement };
  to: string;
  at: string;
  amount?: number;
  currency: string;
  /** A lost move's reason: counted as `reason_<reason>` on the lost stage's counter (GET /reports/win-loss). */
  reason?: string;
  /** Where the deal sits now (its owner's team and region). */
  place: Placement;
}

export const secondsBetween = (from: string, to: string) => Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / 1000));

/** The counter increments one move makes (3 entered + 3 exited items with a team; the caller writes each as one ADD). */
export function moveCounters(pipeline: Pipeline, move: MoveFacts): CounterDelta[] {
  const entered = scopesOf(move.place).map((scope) => ({
    scope,
    month: monthOf(move.at),
    stage: move.to,
    add: { entered: 1, [`amount_${move.currency}`]: move.amount ?? 0, ...(kindOf(move.to) === 'lost' && move.reason ? { [`reason_${move.reason}`]: 1 } : {}) },
  }));
  const from = move.from;
  if (!from) return entered;
  const toNext = nextStage(pipeline, from.stage) === move.to;
  const bucket = bucketOf(secondsBetween(from.enteredAt, move.at));
  const exited = scopesOf(from.place).map((scope) => ({
    scope,
    month: monthOf(from.enteredAt),
    stage: from.stage,
    add: { exits: 1, exitsToNext: toNext ? 1 : 0, [bucket]: 1 },
  }));
  return [...entered, ...exited];
}

/** A counter item as read back (numbers by attribute name). */
export type CounterItem = { stage: string } & Record<string, unknown>;

const num = (value: unknown) => (typeof value === 'number' ? value : 0);

/** Sums the counters of the months per stage, in pipeline order; won/lost have no next stage (conversion null). */
export function funnelReport(pipeline: Pipeline, counters: CounterItem[]) {
  const stages = pipeline.stages.map((stage) => {
    const mine = counters.filter((c) => c.stage === stage.id);
    const amount: Record<string, number> = {};
    for (const c of mine) for (const [name, value] of Object.entries(c)) if (name.startsWith('amount_')) amount[name.slice(7)] = (amount[name.slice(7)] ?? 0) + num(value);
    const entered = mine.reduce((sum, c) => sum + num(c.entered), 0);
    const exitsToNext = mine.reduce((sum, c) => sum + num(c.exitsToNext), 0);
    const terminal = kindOf(stage.id) !== 'open';
    return { stage: stage.id, name: stage.name, entered, amount, exitsToNext, conversion: terminal || entered === 0 ? null : exitsToNext / entered };
  });
  const won = stages.find((s) => s.stage === 'won')?.entered ?? 0;
  const lost = stages.find((s) => s.stage === 'lost')?.entered ?? 0;
  return { stages, won, lost, winRate: won + lost === 0 ? null : won / (won + lost) };
}

/** Time in stage per stage (open stages only: won and lost are never left). */
export function stageTimesReport(pipeline: Pipeline, counters: CounterItem[]) {
  return pipeline.stages
    .filter((stage) => kindOf(stage.id) === 'open')
    .map((stage) => {
      const histogram: Histogram = {};
      for (const c of counters.filter((row) => row.stage === stage.id)) {
        for (const [name, value] of Object.entries(c)) if (/^b\d{2}$/.test(name)) histogram[name] = (histogram[name] ?? 0) + num(value);
      }
      return {
        stage: stage.id,
        name: stage.name,
        count: countOf(histogram),
        medianSeconds: percentile(histogram, 50),
        p90Seconds: percentile(histogram, 90),
        buckets: BUCKET_UPPER_SECONDS.map((upper, i) => ({
          upToSeconds: Number.isFinite(upper) ? upper : null,
          count: histogram[`b${String(i).padStart(2, '0')}`] ?? 0,
        })),
      };
    });
}

/**
 * Whose funnel the caller may read: a rep their own deals only, a manager their team (the default), a director
 * their region or one of its teams (default: the region), vp/finance/admin anything (default: everyone).
 * Out of scope is a 403 naming the report refused (`report`: funnel, win-loss, stale-deals, churn…).
 */
export function reportScope(
  principal: Principal,
  asked: { teamId?: string; regionId?: string },
  found: { team?: { id: string; regionId: string }; region?: { id: string } },
  report: string,
): ScopeRef {
  if (asked.teamId) {
    if (!found.team) throw notFound(`Team ${asked.teamId}`);
    const director = hasRole(principal, 'director') && principal.regionId === found.team.regionId;
    const manager = hasRole(principal, 'manager') && principal.teamId === asked.teamId;
    if (isOrgWide(principal) || director || manager) return { kind: 'team', id: asked.teamId };
    throw forbidden(`You may read the ${report} report of your own team only`);
  }
  if (asked.regionId) {
    if (!found.region) throw notFound(`Region ${asked.regionId}`);
    if (isOrgWide(principal) || (hasRole(principal, 'director') && principal.regionId === asked.regionId)) return { kind: 'region', id: asked.regionId };
    throw forbidden(`The ${report} report of a region is for that region’s director and org-wide roles`);
  }
  if (isOrgWide(principal)) return { kind: 'all' };
  if (hasRole(principal, 'director') && principal.regionId) return { kind: 'region', id: principal.regionId };
  if (hasRole(principal, 'manager') && principal.teamId) return { kind: 'team', id: principal.teamId };
  return { kind: 'owner', id: principal.userId };
}

/** from/to months: `to` defaults to the current month and `from` to `to`; at most 36 months. */
export function reportMonths(query: { from?: string; to?: string }, now: Date): { from: string; to: string } {
  const to = query.to ?? now.toISOString().slice(0, 7);
  const from = query.from ?? to;
  if (from > to) throw invalid('from comes after to', { from: `On or before ${to}` });
  const span = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5)) - Number(from.slice(5)) + 1;
  if (span > 36) throw invalid('Ask for at most 36 months at a time', { from: 'At most 36 months before to' });
  return { from, to };
}
