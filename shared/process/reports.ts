import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { keys } from '#shared/core/keys';
import { notFound } from '#shared/core/errors';
import { canSee } from '#shared/core/principal';
import { fromItem, queryTable } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { customerScope } from '#shared/customers/rules';
import type { Customer } from '#shared/customers/schemas';
import { fromPipelineItem } from './pipeline.ts';
import { funnelReport, reportMonths, reportScope, stageTimesReport } from './funnel.ts';
import { readCounters } from './store.ts';
import { bottleneck, winLossReport } from './report-figures.ts';
import type { Order, ReportQuery } from './schemas.ts';

/**
 * Reports read counters, never deals: principal + pipeline (+ the team or region asked for) in one BatchGet,
 * then one Query on one funnel partition for the months — the same cost for ten deals or a million.
 */
export function createReportService({ db, clock }: { db: Db; clock: Clock }) {
  async function counters(session: Session, query: ReportQuery, report: string) {
    const { principal, items } = await session.load([
      keys.pipeline(),
      ...(query.teamId ? [keys.team(query.teamId)] : []),
      ...(query.regionId ? [keys.region(query.regionId)] : []),
    ]);
    const found = items[1] && fromItem<{ id: string; regionId: string }>(items[1]);
    const scope = reportScope(principal, query, { team: query.teamId ? found : undefined, region: query.regionId ? found : undefined }, report);
    const months = reportMonths(query, clock.now());
    const rows = await readCounters(db, keys.funnelScope(scope.kind, scope.id), months.from, months.to);
    return { pipeline: fromPipelineItem(items[0]), scope, ...months, rows };
  }

  return {
    async funnel(session: Session, query: ReportQuery) {
      const { pipeline, scope, from, to, rows } = await counters(session, query, 'funnel');
      return { scope, from, to, ...funnelReport(pipeline, rows) };
    },

    async stageTimes(session: Session, query: ReportQuery) {
      const { pipeline, scope, from, to, rows } = await counters(session, query, 'stage-times');
      const stages = stageTimesReport(pipeline, rows);
      // Conversion comes from the same counters (the funnel's), so both halves describe the same cohort.
      const conversions = funnelReport(pipeline, rows).stages.filter((s) => stages.some((t) => t.stage === s.stage));
      return { scope, from, to, stages, bottleneck: bottleneck(stages, conversions) };
    },

    /** Won/lost counts, amounts and lost reasons of the months, from the won and lost stages' counters. */
    async winLoss(session: Session, query: ReportQuery) {
      const { scope, from, to, rows } = await counters(session, query, 'win-loss');
      return { scope, from, to, ...winLossReport(rows) };
    },

    /** A customer's orders, newest first: principal + customer in one BatchGet, then one Query on its partition. */
    async orders(session: Session, customerId: string, page: { limit: number; cursor?: string }) {
      const { principal, items } = await session.load([keys.customer(customerId)]);
      const customer = items[0] && fromItem<Customer>(items[0]);
      if (!customer || !canSee(principal, customerScope(customer))) throw notFound(`Customer ${customerId}`);
      return queryTable<Order>(db, { partition: keys.orderPartition(customerId), sortPrefix: keys.orderSortPrefix, descending: true, ...page });
    },
  };
}
