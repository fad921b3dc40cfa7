import { OpenAPIHono, z } from '@hono/zod-openapi';
import { createLeaderboardService } from '#shared/team/leaderboard-service';
import { leaderboardQuery, METRICS } from '#shared/team/leaderboard';
import { route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const entry = z
  .object({ rank: z.number().nullable(), userId: z.string(), name: z.string(), teamId: z.string().nullable(), value: z.number().nullable() })
  .passthrough()
  .openapi({ description: 'won_amount: value + currency; attainment: value (actual ÷ base target), actual, target, currency; nps: value, responses, promoters, passives, detractors' });

/** Team: reps ranked by attainment, revenue or NPS for a period, from aggregates only. */
export function leaderboardRoutes(deps: AppDeps) {
  const leaderboard = createLeaderboardService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    route({
      method: 'get',
      path: '/leaderboard',
      summary: 'Reps ranked by attainment, won amount or NPS for a period (YYYY, YYYY-Qn, YYYY-MM) in a scope (me, team:<id>, region:<id>, company), with your own position (≤ 2 round trips)',
      tag: 'Team',
      query: leaderboardQuery,
      response: z.object({
        period: z.object({ id: z.string(), from: z.string(), to: z.string() }),
        metric: z.enum(METRICS),
        scope: z.object({ kind: z.enum(['me', 'team', 'region', 'company']), id: z.string().optional() }),
        entries: z.array(entry),
        me: entry.nullable(),
      }),
      extraResponses: { 403: 'A board outside your scope' },
    }),
    async (c) => c.json((await leaderboard.leaderboard(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  return app;
}
