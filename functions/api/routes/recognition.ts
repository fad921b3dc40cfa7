import { OpenAPIHono } from '@hono/zod-openapi';
import { createRecognitionService } from '#shared/team/recognition';
import { createRecognition, recognitionView } from '#shared/team/badges';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { idempotencyKey } from './customers.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/** Team: badges given by managers (and awarded by review cycles), listed per person. */
export function recognitionRoutes(deps: AppDeps) {
  const recognitions = createRecognitionService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Team';
  app.openapi(
    route({
      method: 'post',
      path: '/recognitions',
      summary: 'Give a badge (top_attainment, most_improved, best_nps, team_player, customer_hero, fast_closer, mentor) to someone in your scope (managers and above); the recipient is notified',
      tag,
      body: createRecognition,
      response: recognitionView,
      status: 201,
      extraResponses: { 422: 'Idempotency-Key reused with another body' },
    }),
    async (c) => {
      const result = await recognitions.give(c.get('session'), c.req.valid('json'), idempotencyKey(c.req.header('idempotency-key')));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body as never, 201);
    },
  );
  app.openapi(
    route({ method: 'get', path: '/users/{id}/recognitions', summary: 'A person’s badges, newest first, with en and zh-CN labels (the person, their manager and director, org-wide roles)', tag, params: idParam, query: listQuery(), response: pageOf(recognitionView) }),
    async (c) => c.json((await recognitions.list(c.get('session'), c.req.valid('param').id, c.req.valid('query'))) as never, 200),
  );
  return app;
}
