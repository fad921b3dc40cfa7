import { z } from '@hono/zod-openapi';
import { forbidden, notFound } from '#shared/core/errors';
import { hasRole, isOrgWide, type Principal } from '#shared/core/principal';
import type { Item } from '#shared/core/query';
import { monthsOf } from './allocation.ts';
import { repAttribute, type MonthActuals } from './actuals.ts';
import { computeProgress } from './progress.ts';
import type { Tiers } from './allocation.ts';

/**
 * The dashboard, pure: which fixed keys a period × scope needs, who may ask, and the figures from what came back.
 * Every figure comes from an aggregate maintained in its event's transaction (actuals, top reps, funnel counters,
 * open churn alerts) or from a deterministic target lookup, so the read is one BatchGet whatever the data volume.
 */
export const PERIOD = /^(\d{4})(?:-(Q[1-4])|-(0[1-9]|1[0-2]))?$/;
export const SCOPE = /^(me|company|team:[^:\s]+|region:[^:\s]+)$/;

export const dashboardQuery = z.strictObject({
  period: z.string().regex(PERIOD, 'YYYY, YYYY-Qn or YYYY-MM').openapi({ example: '2026-Q3' }),
  scope: z.string().regex(SCOPE, 'me, company, team:<id> or region:<id>').default('me').openapi({ example: 'team:east-enterprise' }),
});
export type DashboardQuery = z.infer<typeof dashboardQuery>;

export interface Period {
  id: string;
  fiscalYear: number;
  quarter?: string;
  month?: string;
  months: string[];
  /** The target lookup's period: YEAR, Qn or YYYY-MM. */
  lookup: string;
}

export function parsePeriod(period: string): Period {
  const m = PERIOD.exec(period)!;
  const fiscalYear = Number(m[1]);
  if (m[2]) return { id: period, fiscalYear, quarter: m[2], months: monthsOf(fiscalYear, m[2]), lookup: m[2] };
  if (m[3]) return { id: period, fiscalYear, month: period, months: [period], lookup: period };
  return { id: period, fiscalYear, months: monthsOf(fiscalYear), lookup: 'YEAR' };
}

export type DashboardScope = { kind: 'me'; id: string } | { kind: 'team'; id: string } | { kind: 'region'; id: string } | { kind: 'company' };

export function parseScope(scope: string, userId: string): DashboardScope {
  if (scope === 'me') return { kind: 'me', id: userId };
  if (scope === 'company') return { kind: 'company' };
  const [kind, id] = scope.split(':') as ['team' | 'region', string];
  return { kind, id };
}

/** The partition names of a scope: actuals and the target's place, the funnel and churn scopes, top reps (none for me). */
export function scopeNames(scope: DashboardScope) {
  switch (scope.kind) {
    case 'me':
      return { place: `REP#${scope.id}`, funnel: `OWNER#${scope.id}`, churn: `OWNER#${scope.id}`, topReps: undefined };
    case 'team':
      return { place: `TEAM#${scope.id}`, funnel: `TEAM#${scope.id}`, churn: `TEAM#${scope.id}`, topReps: `TEAM#${scope.id}` };
    case 'region':
      return { place: `REGION#${scope.id}`, funnel: `REGION#${scope.id}`, churn: `REGION#${scope.id}`, topReps: `REGION#${scope.id}` };
    case 'company':
      return { place: 'ALL', funnel: 'ALL', churn: 'ALL', topReps: 'ALL' };
  }
}

/** Own dashboard: anyone. A team: its manager, its region's director, org-wide roles. A region: its director, org-wide. The company: org-wide. */
export function authorize(principal: Principal, scope: DashboardScope, found: { team?: { regionId: string }; region?: object }): void {
  if (scope.kind === 'me') return;
  const orgWide = isOrgWide(principal);
  if (scope.kind === 'company') {
    if (!orgWide) throw forbidden('The company dashboard is for org-wide roles');
    return;
  }
  if (scope.kind === 'team') {
    const team = found.team;
    const allowed = orgWide || (team && ((hasRole(principal, 'manager') && principal.teamId === scope.id) || (hasRole(principal, 'director') && !!principal.regionId && principal.regionId === team.regionId)));
    if (!allowed) throw forbidden('You may read the dashboard of your own team (manager) or your region’s teams (director) only');
    if (!team) throw notFound(`Team ${scope.id}`);
    return;
  }
  const allowed = orgWide || (hasRole(principal, 'director') && principal.regionId === scope.id);
  if (!allowed) throw forbidden('Region dashboards are for that region’s director and org-wide roles');
  if (!found.region) throw notFound(`Region ${scope.id}`);
}

export interface TargetLookup {
  id: string;
  dimension: string;
  key: string;
  amount: number;
  currency: string;
  tiers: Tiers;
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

export function toMonthActuals(month: string, item: Item | undefined): MonthActuals {
  const amount = Object.fromEntries(Object.entries(item ?? {}).filter(([k]) => k.startsWith('amount_')).map(([k, v]) => [k.slice('amount_'.length), num(v)]));
  return { month, amount, orders: num(item?.orders) };
}

/** Reps ranked by their amount in `currency` over the months' top-reps items (first 5). */
export function topReps(items: (Item | undefined)[], currency: string, limit = 5) {
  const prefix = repAttribute(currency, '');
  const sums = new Map<string, number>();
  for (const item of items) for (const [k, v] of Object.entries(item ?? {})) if (k.startsWith(prefix)) sums.set(k.slice(prefix.length), (sums.get(k.slice(prefix.length)) ?? 0) + num(v));
  return [...sums]
    .map(([repId, amount]) => ({ repId, amount }))
    .sort((a, b) => b.amount - a.amount || (a.repId < b.repId ? -1 : 1))
    .slice(0, limit);
}

/** entered = deals entering the first stage (created), won / lost = deals entering those stages, in the period's months. */
export function funnelSummary(entered: (Item | undefined)[], won: (Item | undefined)[], lost: (Item | undefined)[]) {
  const sum = (items: (Item | undefined)[]) => items.reduce((s, i) => s + num(i?.entered), 0);
  const w = sum(won);
  const l = sum(lost);
  return { entered: sum(entered), won: w, lost: l, winRate: w + l === 0 ? null : Math.round((w / (w + l)) * 10_000) / 10_000 };
}

/** Attainment and pace against the target node (same rules as GET /targets/{id}/progress), or nulls without one. */
export function attainment(period: Period, target: TargetLookup | undefined, current: MonthActuals[], lastYear: MonthActuals[], currency: string, now: Date) {
  const actual = current.reduce((s, m) => s + (m.amount[currency] ?? 0), 0);
  if (!target) return { actual, attainment: null, expectedToDate: null, pace: null };
  const p = computeProgress({ fiscalYear: period.fiscalYear, quarter: period.quarter, month: period.month, currency, tiers: target.tiers }, current, lastYear, now);
  return { actual: p.actual, attainment: p.attainment, expectedToDate: p.expectedToDate, pace: p.pace };
}
