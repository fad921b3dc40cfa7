import { z } from '@hono/zod-openapi';
import { forbidden, notFound } from '#shared/core/errors';
import { hasRole, isOrgWide, type Principal } from '#shared/core/principal';
import type { Item } from '#shared/core/query';
import { repAttribute } from '#shared/goals/actuals';
import { PERIOD, SCOPE, type DashboardScope, type TargetLookup } from '#shared/goals/dashboard';
import { npsOf, repCounts } from './rep-stats.ts';
import type { Person } from './badges.ts';

/**
 * The leaderboard, pure: who may read which board, each rep's figure from the aggregates read for the period,
 * and the ranking. Figures come from items maintained in their events' transactions (top reps per month, target
 * lookups, NPS answers per owner × month), never from the orders or surveys themselves.
 */
export const METRICS = ['attainment', 'won_amount', 'nps'] as const;
export type Metric = (typeof METRICS)[number];

export const leaderboardQuery = z.strictObject({
  period: z.string().regex(PERIOD, 'YYYY, YYYY-Qn or YYYY-MM').openapi({ example: '2026-Q3' }),
  metric: z.enum(METRICS).openapi({ example: 'won_amount' }),
  scope: z.string().regex(SCOPE, 'me, company, team:<id> or region:<id>').default('me').openapi({ example: 'team:east-enterprise' }),
  /** won_amount (and attainment without a target) read this currency; amounts are never converted. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'A 3-letter currency code').default('CNY'),
});
export type LeaderboardQuery = z.infer<typeof leaderboardQuery>;

/**
 * Own board (me): anyone. A team: its members (a rep sees their team), its region's director, org-wide roles.
 * A region: its director and org-wide roles. The company: org-wide roles (vp, finance, admin).
 */
export function authorizeBoard(principal: Principal, scope: DashboardScope, found: { team?: Item; region?: Item }): void {
  if (scope.kind === 'me') return;
  const orgWide = isOrgWide(principal);
  if (scope.kind === 'company') {
    if (!orgWide) throw forbidden('The company leaderboard is for org-wide roles');
    return;
  }
  if (scope.kind === 'team') {
    const ownRegion = hasRole(principal, 'director') && !!principal.regionId && principal.regionId === found.team?.regionId;
    if (!orgWide && principal.teamId !== scope.id && !ownRegion) throw forbidden('You may read the leaderboard of your own team, or of your region’s teams as its director');
    if (!found.team) throw notFound(`Team ${scope.id}`);
    return;
  }
  if (!orgWide && !(hasRole(principal, 'director') && principal.regionId === scope.id)) throw forbidden('Region leaderboards are for that region’s director and org-wide roles');
  if (!found.region) throw notFound(`Region ${scope.id}`);
}

/** The people a board ranks: active users holding the rep role, from the scope's index partition. */
export function repsOf(items: Item[]): Person[] {
  return items
    .filter((item) => item.type === 'user' && item.active !== false && Array.isArray(item.roles) && item.roles.includes('rep'))
    .map((item) => ({ id: String(item.id), name: String(item.name), teamId: (item.teamId as string | undefined) ?? null, regionId: (item.regionId as string | undefined) ?? null }));
}

export interface PeriodFigures {
  /** Top-reps items of the company (TOPREPS#ALL) for the period's months: every rep's revenue, one attribute each. */
  topReps: (Item | undefined)[];
  /** NPS answers per owner for the period's months. */
  stats: (Item | undefined)[];
  /** Each rep's target lookup for the period (attainment only). */
  targets: Map<string, TargetLookup | undefined>;
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** A rep's revenue over the months in one currency (minor units). */
export function wonAmount(topReps: (Item | undefined)[], repId: string, currency: string): number {
  return topReps.reduce((sum, item) => sum + Number(item?.[repAttribute(currency, repId)] ?? 0), 0);
}

/** Attainment = the rep's actual in the period ÷ their base target for that period (null without a target). */
export function attainmentOf(actual: number, target: TargetLookup | undefined): number | null {
  return target && target.tiers.base > 0 ? round4(actual / target.tiers.base) : null;
}

/** One rep's figure for the metric, with what it was computed from. */
export function figureOf(metric: Metric, repId: string, figures: PeriodFigures, currency: string): { value: number | null } & Record<string, unknown> {
  if (metric === 'won_amount') return { value: wonAmount(figures.topReps, repId, currency), currency };
  if (metric === 'nps') {
    const { nps, ...answers } = npsOf(repCounts(figures.stats, repId));
    return { value: nps, ...answers };
  }
  const target = figures.targets.get(repId);
  const inCurrency = target?.currency ?? currency;
  const actual = wonAmount(figures.topReps, repId, inCurrency);
  return { value: attainmentOf(actual, target), actual, target: target ? target.tiers.base : null, currency: inCurrency };
}

export interface Row {
  userId: string;
  name: string;
  teamId: string | null;
  value: number | null;
  [detail: string]: unknown;
}
export type Ranked = Row & { rank: number | null };

/**
 * Highest value first; equal values share a rank and the next rank skips (1, 2, 2, 4); ties are listed by name.
 * People without a value (no target, no survey answers) follow the ranked ones with rank null.
 */
export function rank(rows: Row[]): Ranked[] {
  const sorted = [...rows].sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === b.value ? byName(a, b) : a.value === null ? 1 : -1;
    return b.value - a.value || byName(a, b);
  });
  let previous: { value: number; rank: number } | undefined;
  return sorted.map((row, i): Ranked => {
    const value = row.value;
    if (value === null) return { ...row, rank: null };
    const place = previous && previous.value === value ? previous.rank : i + 1;
    previous = { value, rank: place };
    return { ...row, rank: place };
  });
}

const byName = (a: { name: string; userId: string }, b: { name: string; userId: string }) => a.name.localeCompare(b.name) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
