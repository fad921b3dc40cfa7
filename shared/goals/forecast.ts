import { z } from '@hono/zod-openapi';
import { forbidden, notFound } from '#shared/core/errors';
import { canWriteSalesRecords, hasRole, isOrgWide, type Principal, type ScopeFields } from '#shared/core/principal';
import { keys, type Key } from '#shared/core/keys';
import type { Item } from '#shared/core/query';
import { currency } from '#shared/process/schemas';
import { PERIOD, toMonthActuals } from './dashboard.ts';
import { pipelineFigures } from './open-pipeline.ts';

/**
 * Forecast adjustments, pure: the period × scope a forecast is for, who may read and adjust it, and the
 * unadjusted figures from the aggregates (closed = actuals, open deals by forecast category).
 */
const ID = '[A-Za-z0-9][A-Za-z0-9-]{0,63}';
const SCOPE = new RegExp(`^(me|company|(rep|team|region):${ID})$`);

export const forecastParams = z.strictObject({
  period: z
    .string()
    .regex(PERIOD, 'YYYY, YYYY-Qn or YYYY-MM')
    .refine((p) => Number(p.slice(0, 4)) >= 2000 && Number(p.slice(0, 4)) <= 2100, 'A year from 2000 to 2100')
    .openapi({ example: '2026-Q3' }),
  scope: z
    .string()
    .regex(SCOPE, 'rep:<userId>, team:<teamId>, region:<regionId>, company or me')
    .openapi({ example: 'team:east-enterprise' }),
});

export const forecastQuery = z.strictObject({ currency: currency.optional().describe('Default: the adjustment’s currency, else CNY') });

export const adjustForecast = z.strictObject({
  amount: z.number().int('Use integer minor units (e.g. fen)').min(0).max(1e15).describe('The adjusted forecast for the period (minor units)'),
  currency: currency.default('CNY'),
  note: z.string().trim().min(1, 'Say why you adjust the forecast').max(2000),
});
export type AdjustForecast = z.infer<typeof adjustForecast>;

export type ForecastScope = { kind: 'rep' | 'team' | 'region'; id: string } | { kind: 'company' };

export function parseForecastScope(scope: string, userId: string): ForecastScope {
  if (scope === 'me') return { kind: 'rep', id: userId };
  if (scope === 'company') return { kind: 'company' };
  const [kind, id] = scope.split(':') as ['rep' | 'team' | 'region', string];
  return { kind, id };
}

export const scopeName = (scope: ForecastScope) => (scope.kind === 'company' ? 'company' : `${scope.kind}:${scope.id}`);

/** The roll-up scope of the actuals and open-pipeline aggregates (shared/goals/actuals.ts scopeOf). */
export const aggregateScope = (scope: ForecastScope) =>
  scope.kind === 'company' ? 'ALL' : `${({ rep: 'REP', team: 'TEAM', region: 'REGION' } as const)[scope.kind]}#${scope.id}`;

/** The record that says where the scope sits (the rep's user, the team, the region); none for the company. */
export const placeKey = (scope: ForecastScope): Key | undefined =>
  scope.kind === 'rep' ? keys.user(scope.id) : scope.kind === 'team' ? keys.team(scope.id) : scope.kind === 'region' ? keys.region(scope.id) : undefined;

/** Where the scope sits, for authorization and the audit entry; undefined when its record does not exist. */
export function placeOf(scope: ForecastScope, place: Item | undefined): ScopeFields | undefined {
  if (scope.kind === 'company') return {};
  if (!place) return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  if (scope.kind === 'rep') return { ownerId: scope.id, teamId: str(place.teamId), regionId: str(place.regionId) };
  if (scope.kind === 'team') return { teamId: scope.id, regionId: str(place.regionId) };
  return { regionId: scope.id };
}

/**
 * Adjust: the rep their own scope; a manager their team and its reps; a director their region, its teams and
 * reps; vp and admin anything (the company only them). Read: the same, plus finance anything. Out of scope is a
 * 403 (as for the dashboard); a scope you may reach that does not exist is a 404.
 */
export function authorizeForecast(principal: Principal, scope: ForecastScope, place: ScopeFields | undefined, action: 'read' | 'adjust'): void {
  if (action === 'adjust' && !canWriteSalesRecords(principal)) throw forbidden('Your role reads forecasts but does not adjust them');
  const everything = hasRole(principal, 'vp', 'admin') || (action === 'read' && isOrgWide(principal));
  if (scope.kind === 'company') {
    if (!everything) throw forbidden('The company forecast is for vp and admin (finance reads it)');
    return;
  }
  const manager = hasRole(principal, 'manager') && !!principal.teamId;
  const director = hasRole(principal, 'director') && !!principal.regionId;
  const allowed =
    everything ||
    (scope.kind === 'rep' && (scope.id === principal.userId || (manager && place?.teamId === principal.teamId) || (director && place?.regionId === principal.regionId))) ||
    (scope.kind === 'team' && ((manager && scope.id === principal.teamId) || (director && !!place && place.regionId === principal.regionId))) ||
    (scope.kind === 'region' && director && scope.id === principal.regionId);
  if (!allowed) throw forbidden(`You may ${action} forecasts for your own scope only (your deals, your team, your region)`);
  if (!place) throw notFound(`${scope.kind} ${scope.id}`);
}

export interface Unadjusted {
  closed: number;
  commit: number;
  bestCase: number;
  pipeline: number;
  weightedPipeline: number;
  /** closed + commit: the figure an adjustment stands in for. */
  forecast: number;
}

/** The live figures of one currency from the period's actuals and open-pipeline items (never the deals). */
export function unadjusted(months: string[], actuals: (Item | undefined)[], pipeline: (Item | undefined)[], currencyCode: string): Unadjusted {
  const closed = months.reduce((sum, month, i) => sum + (toMonthActuals(month, actuals[i]).amount[currencyCode] ?? 0), 0);
  const open = pipelineFigures(pipeline, currencyCode);
  return { closed, commit: open.commit, bestCase: open.bestCase, pipeline: open.pipeline, weightedPipeline: open.weightedPipeline, forecast: closed + open.commit };
}

/** One save: what was entered, by whom, and the unadjusted forecast (closed + commit) at that moment. */
export interface ForecastSave {
  version: number;
  amount: number;
  currency: string;
  note: string;
  by: string;
  at: string;
  unadjustedAtSave: number;
}

export const saveOf = (item: Item): ForecastSave => ({
  version: Number(item.version),
  amount: Number(item.amount),
  currency: String(item.currency),
  note: String(item.note),
  by: String(item.by),
  at: String(item.at),
  unadjustedAtSave: Number(item.unadjustedAtSave),
});

const unadjustedView = z.object({ closed: z.number(), commit: z.number(), bestCase: z.number(), pipeline: z.number(), weightedPipeline: z.number(), forecast: z.number().describe('closed + commit') });
const saveView = z.object({
  version: z.number().int(),
  amount: z.number().int(),
  currency: z.string(),
  note: z.string(),
  by: z.string(),
  at: z.string(),
  unadjustedAtSave: z.number().int().describe('closed + commit when this was saved, in its currency'),
});

export const forecastView = z.object({
  period: z.object({ id: z.string(), from: z.string(), to: z.string() }),
  scope: z.string(),
  currency: z.string(),
  unadjusted: unadjustedView.describe('Live, from the aggregates'),
  adjusted: saveView.nullable().describe('The latest adjustment, or null'),
  history: z.array(saveView).describe('Every save, newest first (the latest 100)'),
});
