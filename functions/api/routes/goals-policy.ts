import { OpenAPIHono, z } from '@hono/zod-openapi';
import { etag, versionFromIfMatch } from '#shared/core/etag';
import { createGoalPolicyService } from '#shared/goals/policy-service';
import { goalPolicy } from '#shared/goals/policy';
import { route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const storedPolicyView = z.object({ version: z.number(), policy: z.unknown(), updatedAt: z.string().optional(), updatedBy: z.string().optional() });

/** The goals policy: revision approval threshold and SLA, pace-check thresholds and grace. */
export function goalPolicyRoutes(deps: AppDeps) {
  const policy = createGoalPolicyService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Goals';

  app.openapi(route({ method: 'get', path: '/goal-policy', summary: 'Revision vp threshold and SLA, pace bounds and grace months (ETag = version)', tag, response: storedPolicyView }), async (c) => {
    const stored = await policy.get(c.get('session'));
    c.header('ETag', etag(stored.version));
    return c.json(stored as never, 200);
  });
  app.openapi(
    route({ method: 'put', path: '/goal-policy', summary: 'Save a new goals policy version (admin, If-Match)', tag, body: goalPolicy, response: storedPolicyView, extraResponses: { 409: 'Stale version', 412: 'If-Match missing' } }),
    async (c) => {
      const stored = await policy.put(c.get('session'), c.req.valid('json'), versionFromIfMatch(c.req.header('if-match')));
      c.header('ETag', etag(stored.version));
      return c.json(stored as never, 200);
    },
  );
  return app;
}
