import { OpenAPIHono, z } from '@hono/zod-openapi';
import { slugId } from '#shared/core/schemas';
import { createJobService } from '#shared/jobs/service';
import { route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const jobView = z.object({ name: z.string(), workflow: z.string(), cron: z.string(), timezone: z.string(), description: z.string(), nextRunAt: z.string().nullable(), lastRun: z.unknown().nullable() });

export function jobRoutes(deps: AppDeps) {
  const jobs = createJobService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(route({ method: 'get', path: '/jobs', summary: 'Every scheduled job: cron, next run, last run', tag: 'Jobs', query: z.strictObject({}), response: z.object({ items: z.array(jobView) }) }), async (c) =>
    c.json((await jobs.list(c.get('session'))) as never, 200),
  );
  app.openapi(
    route({ method: 'post', path: '/jobs/{name}/run', summary: 'Run a job now (admin)', tag: 'Jobs', params: z.strictObject({ name: slugId }), response: z.object({ name: z.string(), executionId: z.string(), startedAt: z.string(), startedBy: z.string() }), status: 202 }),
    async (c) => c.json((await jobs.runNow(c.get('session'), c.req.valid('param').name)) as never, 202),
  );
  return app;
}
