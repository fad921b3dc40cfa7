import { OpenAPIHono, z } from '@hono/zod-openapi';
import { createDashboardService } from '#shared/goals/dashboard-service';
import { dashboardQuery } from '#shared/goals/dashboard';
import { route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const tiers = z.object({ base: z.number(), sprint: z.number(), challenge: z.number() });

/** Goals: the dashboard — one scope × period from aggregates and indexes in at most two DynamoDB round trips. */
export function dashboardRoutes(deps: AppDeps) {
  const dashboard = createDashboardService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    route({
      method: 'get',
      path: '/dashboard',
      summary: 'Attainment per tier, pace, monthly trend, top reps, funnel summary, my pending approvals and open churn alerts for a scope and period (≤ 2 round trips)',
      tag: 'Goals',
      query: dashboardQuery,
      response: z
        .object({
          period: z.object({ id: z.string(), from: z.string(), to: z.string() }),
          scope: z.object({ kind: z.enum(['me', 'team', 'region', 'company']), id: z.string().optional() }),
          currency: z.string(),
          target: z.object({ id: z.string(), dimension: z.string(), key: z.string(), amount: z.number(), tiers }).nullable(),
          actual: z.number(),
          attainment: tiers.nullable(),
          expectedToDate: z.number().nullable(),
          pace: z.number().nullable(),
          trend: z.array(z.object({ month: z.string(), amount: z.number(), orders: z.number() })),
          topReps: z.array(z.object({ repId: z.string(), amount: z.number() })),
          funnel: z.object({ entered: z.number(), won: z.number(), lost: z.number(), winRate: z.number().nullable() }),
          approvals: z.object({ pending: z.number(), first: z.array(z.object({}).passthrough()) }),
          churn: z.object({ openAlerts: z.number() }),
        })
        .passthrough(),
    }),
    async (c) => c.json((await dashboard.dashboard(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  return app;
}
