import { OpenAPIHono } from '@hono/zod-openapi';
import { createReportService } from '#shared/process/reports';
import * as s from '#shared/process/schemas';
import { route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/** Funnel reports, read from counters kept in the moves' own transactions (cost independent of deal count). */
export function funnelRoutes(deps: AppDeps) {
  const reports = createReportService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Reports';
  const scoped = { 403: 'A team or region outside your scope' };

  app.openapi(
    route({
      method: 'get',
      path: '/reports/funnel',
      summary: 'Per stage: deals entered in the months, their amount, conversion to the next stage; win rate (default scope: your team, region or everyone)',
      tag,
      query: s.reportQuery,
      response: s.funnelView,
      extraResponses: scoped,
    }),
    async (c) => c.json((await reports.funnel(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/reports/stage-times',
      summary: 'Time in stage per stage: count, median and p90 (bucket upper bounds of a log-scale histogram)',
      tag,
      query: s.reportQuery,
      response: s.stageTimesView,
      extraResponses: scoped,
    }),
    async (c) => c.json((await reports.stageTimes(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  return app;
}
