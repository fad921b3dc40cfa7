import { OpenAPIHono } from '@hono/zod-openapi';
import { etag, versionFromIfMatch } from '#shared/core/etag';
import { createForecastService } from '#shared/goals/forecast-service';
import { adjustForecast, forecastParams, forecastQuery, forecastView } from '#shared/goals/forecast';
import { route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/** Goals: the forecast of a scope × period — unadjusted from the aggregates, and the manager's adjustment with its history. */
export function forecastRoutes(deps: AppDeps) {
  const forecasts = createForecastService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Goals';

  app.openapi(
    route({
      method: 'get',
      path: '/forecasts/{period}/{scope}',
      summary: 'Unadjusted forecast (closed, commit, best case, pipeline, weighted) and the latest adjustment with its history (ETag = adjustment version, 0 when none)',
      tag,
      params: forecastParams,
      query: forecastQuery,
      response: forecastView,
      extraResponses: { 403: 'Outside your scope' },
    }),
    async (c) => {
      const { version, body } = await forecasts.get(c.get('session'), c.req.valid('param'), c.req.valid('query'));
      c.header('ETag', etag(version));
      return c.json(body as never, 200);
    },
  );
  app.openapi(
    route({
      method: 'put',
      path: '/forecasts/{period}/{scope}',
      summary: 'Adjust the forecast with a note (the rep, the manager of the team, the director of the region, vp/admin); If-Match needed once an adjustment exists',
      tag,
      params: forecastParams,
      body: adjustForecast,
      response: forecastView,
      extraResponses: { 403: 'Outside your scope, or a read-only role', 409: 'Stale version', 412: 'If-Match missing while an adjustment exists' },
    }),
    async (c) => {
      const ifMatch = c.req.header('if-match');
      const { version, body } = await forecasts.put(c.get('session'), c.req.valid('param'), c.req.valid('json'), ifMatch ? versionFromIfMatch(ifMatch) : undefined);
      c.header('ETag', etag(version));
      return c.json(body as never, 200);
    },
  );
  return app;
}
