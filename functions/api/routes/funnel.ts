import { OpenAPIHono } from '@hono/zod-openapi';
import { createReportService } from '#shared/process/reports';
import { stageTimesWithBottleneck } from '#shared/process/report-figures';
import * as s from '#shared/process/schemas';
import { route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { currencyColumns, reportResponse, type CsvColumn } from '../csv.ts';
import type { AppDeps, AppEnv } from '../types.ts';

type FunnelRow = { stage: string; name: string; entered: number; amount: Record<string, number>; exitsToNext: number; conversion: number | null };
type StageTimeRow = { stage: string; name: string; count: number; medianSeconds: number | null; p90Seconds: number | null };
type Bottleneck = { slowestStage: { stage: string } | null; lowestConversion: { stage: string } | null };

/** Funnel reports, read from counters kept in the moves' own transactions (cost independent of deal count). */
export function funnelRoutes(deps: AppDeps) {
  const reports = createReportService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Reports';
  const scoped = { 403: 'A team or region outside your scope' };

  app.openapi(
    route({
      csv: true,
      method: 'get',
      path: '/reports/funnel',
      summary: 'Per stage: deals entered in the months, their amount, conversion to the next stage; win rate (default scope: your team, region or everyone). CSV with Accept: text/csv',
      tag,
      query: s.reportQuery,
      response: s.funnelView,
      extraResponses: scoped,
    }),
    async (c) =>
      reportResponse(c, await reports.funnel(c.get('session'), c.req.valid('query')), {
        filename: 'funnel.csv',
        rows: (body) => body.stages as FunnelRow[],
        columns: (body) => [
          { header: 'stage', value: (r) => r.stage },
          { header: 'name', value: (r) => r.name },
          { header: 'entered', value: (r) => r.entered },
          ...currencyColumns(body.stages as FunnelRow[], (r) => r.amount),
          { header: 'exitsToNext', value: (r) => r.exitsToNext },
          { header: 'conversion', value: (r) => r.conversion },
          // The win rate (won ÷ won + lost) rides on the won row, as in the win-loss CSV.
          { header: 'winRate', value: (r) => (r.stage === 'won' ? body.winRate : null) },
        ] satisfies CsvColumn<FunnelRow>[],
      }),
  );
  app.openapi(
    route({
      csv: true,
      method: 'get',
      path: '/reports/stage-times',
      summary: 'Time in stage per stage: count, median and p90 (bucket upper bounds of a log-scale histogram); the bottleneck: slowest stage and lowest conversion. CSV with Accept: text/csv',
      tag,
      query: s.reportQuery,
      response: stageTimesWithBottleneck,
      extraResponses: scoped,
    }),
    async (c) => {
      const body = await reports.stageTimes(c.get('session'), c.req.valid('query'));
      const worst: Bottleneck = body.bottleneck;
      // The bottleneck rides on each stage's row as a flag, so the CSV keeps one row per stage.
      const flag = (stage: string) => [worst.slowestStage?.stage === stage ? 'slowest' : '', worst.lowestConversion?.stage === stage ? 'lowest_conversion' : ''].filter(Boolean).join('+');
      return reportResponse(c, body, {
        filename: 'stage-times.csv',
        rows: (b) => b.stages as StageTimeRow[],
        columns: [
          { header: 'stage', value: (r) => r.stage },
          { header: 'name', value: (r) => r.name },
          { header: 'count', value: (r) => r.count },
          { header: 'medianSeconds', value: (r) => r.medianSeconds },
          { header: 'p90Seconds', value: (r) => r.p90Seconds },
          { header: 'bottleneck', value: (r) => flag(r.stage) },
        ] satisfies CsvColumn<StageTimeRow>[],
      });
    },
  );
  return app;
}
