import { OpenAPIHono } from '@hono/zod-openapi';
import { createIncentiveService } from '#shared/team/incentive-service';
import { createIncentive, incentivesQuery, incentiveView } from '#shared/team/incentives';
import { listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { idempotencyKey } from './customers.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/** Team: personal incentive goals, with progress tracked against the actuals. */
export function incentiveRoutes(deps: AppDeps) {
  const incentives = createIncentiveService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Team';
  app.openapi(
    route({
      method: 'post',
      path: '/incentives',
      summary: 'Set a personal incentive (won_amount, orders, new_customers or attainment ≥ goal in a period, with a reward) for someone in your scope (managers and above)',
      tag,
      body: createIncentive,
      response: incentiveView,
      status: 201,
      extraResponses: { 422: 'Idempotency-Key reused with another body' },
    }),
    async (c) => {
      const result = await incentives.create(c.get('session'), c.req.valid('json'), idempotencyKey(c.req.header('idempotency-key')));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body as never, 201);
    },
  );
  app.openapi(
    route({ method: 'get', path: '/incentives', summary: 'A person’s incentives (default: mine), newest first, each with progress: current vs goal, achieved, achievedAt', tag, query: listQuery(incentivesQuery), response: pageOf(incentiveView) }),
    async (c) => c.json((await incentives.list(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  return app;
}
