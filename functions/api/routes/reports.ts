import { OpenAPIHono } from '@hono/zod-openapi';
import * as s from '#shared/process/schemas';
import { createReportService } from '#shared/process/reports';
import { winLossView } from '#shared/process/report-figures';
import { createStaleDealService, STALE_EXPORT_CAP, staleDealsQuery, staleDealsView } from '#shared/process/stale-deals';
import { attainmentQuery, attainmentView, createAttainmentReport } from '#shared/goals/attainment-report';
import { createFollowUpReport, followUpQuery, followUpView } from '#shared/team/follow-up-report';
import { route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { currencyColumns, reportResponse, wantsCsv, type CsvForm } from '../csv.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/**
 * Reports added with issue 7, each JSON by default and CSV with `Accept: text/csv` (the same figures, one row per
 * figure line). All read counters or index ranges; none reads deals, orders or interactions one by one.
 */
export function reportRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Reports';
  const scoped = { 403: 'A team or region outside your scope' };
  const funnel = createReportService(deps);
  const stale = createStaleDealService(deps);
  const attainment = createAttainmentReport(deps);
  const followUps = createFollowUpReport(deps);

  app.openapi(
    route({ csv: true, method: 'get', path: '/reports/attainment', summary: 'Actual vs target (base, sprint, challenge) per region, team, rep or product line for a period, within your scope. CSV with Accept: text/csv', tag, query: attainmentQuery, response: attainmentView }),
    async (c) =>
      reportResponse(c, await attainment.attainment(c.get('session'), c.req.valid('query')), {
        filename: 'attainment.csv',
        rows: (b) => b.rows.map((r) => ({ ...r, dimension: b.dimension, period: b.period.id })),
        columns: [
          { header: 'period', value: (r) => r.period },
          { header: 'dimension', value: (r) => r.dimension },
          { header: 'key', value: (r) => r.key },
          { header: 'regionId', value: (r) => r.regionId },
          { header: 'teamId', value: (r) => r.teamId },
          { header: 'repId', value: (r) => r.repId },
          { header: 'currency', value: (r) => r.currency },
          { header: 'actual', value: (r) => r.actual },
          { header: 'base', value: (r) => r.base },
          { header: 'sprint', value: (r) => r.sprint },
          { header: 'challenge', value: (r) => r.challenge },
          { header: 'attainmentBase', value: (r) => r.attainmentBase },
          { header: 'attainmentSprint', value: (r) => r.attainmentSprint },
          { header: 'attainmentChallenge', value: (r) => r.attainmentChallenge },
        ],
      }),
  );

  app.openapi(
    route({ csv: true, method: 'get', path: '/reports/win-loss', summary: 'Deals won and lost in the months (counts, amounts per currency), win rate and lost reasons; default scope as the funnel. CSV with Accept: text/csv', tag, query: s.reportQuery, response: winLossView, extraResponses: scoped }),
    async (c) =>
      reportResponse(c, await funnel.winLoss(c.get('session'), c.req.valid('query')), {
        filename: 'win-loss.csv',
        // Rows: won (with the win rate), lost, then one per lost reason; amounts only on the won and lost rows.
        rows: (b) => [
          { figure: 'won', reason: '', count: b.won.count as number | null, amount: b.won.amount, rate: b.winRate },
          { figure: 'lost', reason: '', count: b.lost.count, amount: b.lost.amount, rate: null },
          ...b.reasons.map((r) => ({ figure: 'lost_reason', reason: r.reason as string, count: r.count, amount: {} as Record<string, number>, rate: null as number | null })),
        ],
        columns: (b) => {
          const rows = [{ amount: b.won.amount }, { amount: b.lost.amount }];
          return [
            { header: 'figure', value: (r) => r.figure },
            { header: 'reason', value: (r) => r.reason },
            { header: 'count', value: (r) => r.count },
            ...currencyColumns(rows, (r) => r.amount).map((col) => ({ header: col.header, value: (r: { figure: string; amount: Record<string, number> }) => (r.figure === 'lost_reason' ? null : col.value(r)) })),
            { header: 'winRate', value: (r) => r.rate },
          ];
        },
      }),
  );

  type StaleRow = Awaited<ReturnType<typeof stale.staleDeals>>['items'][number];
  const staleCsv = {
    filename: 'stale-deals.csv',
    rows: (b: { items: StaleRow[] }) => b.items,
    columns: [
      { header: 'dealId', value: (r) => r.dealId },
      { header: 'title', value: (r) => r.title },
      { header: 'customerId', value: (r) => r.customerId },
      { header: 'stage', value: (r) => r.stage },
      { header: 'stageEnteredAt', value: (r) => r.stageEnteredAt },
      { header: 'daysInStage', value: (r) => r.daysInStage },
      { header: 'ownerId', value: (r) => r.ownerId },
      { header: 'teamId', value: (r) => r.teamId },
      { header: 'regionId', value: (r) => r.regionId },
      { header: 'amount', value: (r) => r.amount },
      { header: 'currency', value: (r) => r.currency },
    ],
  } satisfies CsvForm<{ items: StaleRow[] }, StaleRow>;
  app.openapi(
    route({ csv: true, method: 'get', path: '/reports/stale-deals', summary: `Open deals with no stage change for at least \`days\` days, oldest first, within your scope (or a team/region in it). JSON pages with limit/cursor; CSV (Accept: text/csv) holds every matching deal up to ${STALE_EXPORT_CAP} rows (limit and cursor ignored), with X-Truncated: true when more matched`, tag, query: staleDealsQuery, response: staleDealsView, extraResponses: scoped }),
    async (c) => {
      const query = c.req.valid('query');
      if (!wantsCsv(c)) return reportResponse(c, await stale.staleDeals(c.get('session'), query), staleCsv);
      const all = await stale.allStaleDeals(c.get('session'), query);
      return reportResponse(c, all, { ...staleCsv, headers: (b): Record<string, string> => (b.truncated ? { 'X-Truncated': 'true', 'X-Row-Cap': String(b.cap) } : {}) });
    },
  );

  app.openapi(
    route({ csv: true, method: 'get', path: '/reports/follow-up-compliance', summary: 'Per team: follow-ups met by its reps in the period, on time, compliance (on time ÷ met); a rep sees their own. CSV with Accept: text/csv', tag, query: followUpQuery, response: followUpView }),
    async (c) =>
      reportResponse(c, await followUps.compliance(c.get('session'), c.req.valid('query')), {
        filename: 'follow-up-compliance.csv',
        rows: (b) => b.teams,
        columns: [
          { header: 'teamId', value: (r) => r.teamId },
          { header: 'reps', value: (r) => r.reps },
          { header: 'met', value: (r) => r.met },
          { header: 'onTime', value: (r) => r.onTime },
          { header: 'compliance', value: (r) => r.compliance },
        ],
      }),
  );
  return app;
}
