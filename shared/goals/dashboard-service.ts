import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { keys, targetKeys, type Key } from '#shared/core/keys';
import { fromItem, type Item } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { DEFAULT_PIPELINE, LOST, WON } from '#shared/process/pipeline';
import { attainment, authorize, funnelSummary, parsePeriod, parseScope, scopeNames, toMonthActuals, topReps, type DashboardQuery, type TargetLookup } from './dashboard.ts';

/** Deals enter the funnel in the pipeline's first stage (a renamed first stage would need its id here). */
const FIRST_STAGE = DEFAULT_PIPELINE.stages[0]!.id;
const FIRST_APPROVALS = 5;

/**
 * GET /dashboard: two round trips, in parallel, whatever the data volume —
 * 1. one BatchGet of fixed keys: the principal, the team or region asked for, the scope's actuals for the period's
 *    months and last year's (seasonality), its top-reps items, its funnel counters (first stage, won, lost × months),
 *    its open-churn counter and the target lookup for the scope × period;
 * 2. one Query of the caller's approval inbox (GSI1 INBOX#<userId>, keyed by the token's user id).
 * The scope is authorized once the principal is read; out of scope answers 403 and nothing else.
 */
export function createDashboardService({ db, clock }: { db: Db; clock: Clock }) {
  async function inbox(userId: string): Promise<Item[]> {
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.inboxPartition(userId) },
        ScanIndexForward: false,
      }),
    );
    return out.Items ?? [];
  }

  return {
    async dashboard(session: Session, query: DashboardQuery) {
      const period = parsePeriod(query.period);
      const scope = parseScope(query.scope, session.identity.userId);
      const names = scopeNames(scope);
      const lastYear = period.months.map((m) => `${Number(m.slice(0, 4)) - 1}${m.slice(4)}`);
      const groups: Record<string, Key[]> = {
        place: scope.kind === 'team' ? [keys.team(scope.id)] : scope.kind === 'region' ? [keys.region(scope.id)] : [],
        actuals: period.months.map((m) => keys.actuals(names.place, m)),
        lastYear: lastYear.map((m) => keys.actuals(names.place, m)),
        topReps: names.topReps ? period.months.map((m) => keys.topReps(names.topReps!, m)) : [],
        entered: period.months.map((m) => keys.funnelCounter(names.funnel, m, FIRST_STAGE)),
        won: period.months.map((m) => keys.funnelCounter(names.funnel, m, WON)),
        lost: period.months.map((m) => keys.funnelCounter(names.funnel, m, LOST)),
        churn: [keys.churnOpen(names.churn)],
        target: [targetKeys.lookup(period.fiscalYear, names.place, period.lookup)],
      };
      const order = Object.keys(groups);
      const [{ principal, items }, entries] = await Promise.all([session.load(order.flatMap((g) => groups[g]!)), inbox(session.identity.userId)]);
      const got: Record<string, (Item | undefined)[]> = {};
      let at = 0;
      for (const g of order) {
        got[g] = items.slice(at, at + groups[g]!.length);
        at += groups[g]!.length;
      }
      const place = got.place![0];
      authorize(principal, scope, { team: scope.kind === 'team' && place ? { regionId: String(place.regionId) } : undefined, region: scope.kind === 'region' ? place : undefined });

      const target = got.target![0] && fromItem<TargetLookup>(got.target![0]);
      const currency = target?.currency ?? 'CNY';
      const current = period.months.map((m, i) => toMonthActuals(m, got.actuals![i]));
      const previous = lastYear.map((m, i) => toMonthActuals(m, got.lastYear![i]));
      const now = clock.now();
      const nowIso = now.toISOString();
      const pending = entries.filter((e) => !e.until || String(e.until) >= nowIso).map((e) => fromItem<Item>(e));
      const figures = attainment(period, target, current, previous, currency, now);
      return {
        period: { id: period.id, from: period.months[0]!, to: period.months.at(-1)! },
        scope: scope.kind === 'company' ? { kind: scope.kind } : { kind: scope.kind, id: scope.id },
        currency,
        target: target ? { id: target.id, dimension: target.dimension, key: target.key, amount: target.amount, tiers: target.tiers } : null,
        ...figures,
        trend: current.map((m) => ({ month: m.month, amount: m.amount[currency] ?? 0, orders: m.orders })),
        topReps: names.topReps ? topReps(got.topReps!, currency) : [{ repId: principal.userId, amount: figures.actual }],
        funnel: funnelSummary(got.entered!, got.won!, got.lost!),
        approvals: { pending: pending.length, first: pending.slice(0, FIRST_APPROVALS) },
        churn: { openAlerts: Math.max(0, Number(got.churn![0]?.open ?? 0)) },
      };
    },
  };
}
