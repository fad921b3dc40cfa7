import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { createTargetService } from '#shared/goals/service';
import { createProgressService } from '#shared/goals/progress-service';
import * as s from '#shared/goals/schemas';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/** Goals: the target tree — a company target, its allocations along regions, teams, reps, product lines and periods. */
export function targetRoutes(deps: AppDeps) {
  const targets = createTargetService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Goals';
  const progress = createProgressService(deps);

  app.openapi(
    route({ method: 'post', path: '/targets', summary: 'Set the company target of a fiscal year with its tiers (vp, admin)', tag, body: s.createTarget, response: s.targetView, status: 201, extraResponses: { 409: 'A company target for that fiscal year exists' } }),
    async (c) => c.json((await targets.create(c.get('session'), c.req.valid('json'))) as never, 201),
  );
  app.openapi(
    route({ method: 'get', path: '/targets', summary: 'Target nodes within your scope, by fiscal year, dimension and key', tag, query: listQuery(s.listTargetsQuery), response: pageOf(s.targetView) }),
    async (c) => c.json((await targets.list(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(
    route({ method: 'get', path: '/targets/{id}', summary: 'A target with its children and its path to the root (two round trips)', tag, params: idParam, response: s.targetTreeView }),
    async (c) => c.json((await targets.get(c.get('session'), c.req.valid('param').id)) as never, 200),
  );
  app.openapi(
    route({
      method: 'post',
      path: '/targets/{id}/allocations',
      summary: 'Split a target along one dimension (even, weights or explicit amounts); children sum exactly, tier by tier',
      tag,
      params: idParam,
      body: s.allocate,
      response: s.allocationView,
      status: 201,
      extraResponses: { 409: 'Already allocated along this dimension' },
    }),
    async (c) => c.json((await targets.allocate(c.get('session'), c.req.valid('param').id, c.req.valid('json'))) as never, 201),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/targets/{id}/progress',
      summary: 'Actual vs target: attainment per tier, expected to date (elapsed share or last year’s seasonality), gap, pace, run-rate projection, weighted pipeline, coverage, forecast categories',
      tag,
      params: idParam,
      response: z.object({
        targetId: z.string(),
        dimension: z.string(),
        key: z.string(),
        currency: z.string(),
        tiers: z.object({ base: z.number(), sprint: z.number(), challenge: z.number() }),
        period: z.object({ from: z.string(), to: z.string() }),
        actual: z.number(),
        attainment: z.object({ base: z.number(), sprint: z.number(), challenge: z.number() }),
        expectedToDate: z.number(),
        expectedBasis: z.enum(['elapsed_share', 'last_year_seasonality']),
        gap: z.number(),
        pace: z.number().nullable(),
        runRateProjection: z.number().nullable(),
        elapsedShare: z.number(),
        openDeals: z.number().int().describe('Open deals expected to close in the period'),
        openPipeline: z.number().int().describe('Their amount, unweighted (minor units)'),
        weightedPipeline: z.number().int().describe('Σ amount × stage probability'),
        remaining: z.number().int().describe('max(0, base − actual)'),
        coverage: z.number().nullable().describe('openPipeline ÷ remaining; null when nothing remains'),
        forecast: z.object({ closed: z.number(), commit: z.number(), bestCase: z.number(), pipeline: z.number() }).describe('closed = actual; open deals by forecast category (omitted in none)'),
      }),
    }),
    async (c) => c.json((await progress.progress(c.get('session'), c.req.valid('param').id)) as never, 200),
  );
  return app;
}
