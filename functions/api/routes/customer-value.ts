import { OpenAPIHono } from '@hono/zod-openapi';
import { etag, versionFromIfMatch } from '#shared/core/etag';
import { createCustomerValueService } from '#shared/customers/value-service';
import { gradingPolicy } from '#shared/customers/grading-policy';
import { gradeView, pinTier, recordOrder, storedGradingPolicyView } from '#shared/customers/value-schemas';
import { orderView } from '#shared/process/schemas';
import { idParam, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { idempotencyKey } from './customers.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/** Customer value: orders recorded directly, the value grade and its explanation, pinned tiers, the grading policy. */
export function customerValueRoutes(deps: AppDeps) {
  const value = createCustomerValueService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Customer value';
  const optionalVersion = (header: string | undefined) => (header ? versionFromIfMatch(header) : undefined);

  app.openapi(
    route({
      method: 'post',
      path: '/customers/{id}/orders',
      summary: 'Record an order (repeat business); updates the customer’s stats and grade in the same write (honours Idempotency-Key)',
      tag,
      params: idParam,
      body: recordOrder,
      response: orderView,
      status: 201,
      extraResponses: { 409: 'Archived customer', 422: 'Idempotency-Key reused with another body' },
    }),
    async (c) => {
      const result = await value.recordOrder(c.get('session'), c.req.valid('param').id, c.req.valid('json'), idempotencyKey(c.req.header('idempotency-key')));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body as never, 201);
    },
  );
  app.openapi(
    route({ method: 'get', path: '/customers/{id}/grade', summary: 'The value score component by component, the tier thresholds and any pin (ETag = customer version)', tag, params: idParam, response: gradeView }),
    async (c) => {
      const { grade, version } = await value.grade(c.get('session'), c.req.valid('param').id);
      c.header('ETag', etag(version));
      return c.json(grade as never, 200);
    },
  );
  app.openapi(
    route({ method: 'put', path: '/customers/{id}/tier', summary: 'Pin a tier with a reason (admin; If-Match optional); it wins over the score until unpinned', tag, params: idParam, body: pinTier, response: gradeView, extraResponses: { 409: 'Stale version or archived customer' } }),
    async (c) => {
      const { grade, version } = await value.pin(c.get('session'), c.req.valid('param').id, c.req.valid('json'), optionalVersion(c.req.header('if-match')));
      c.header('ETag', etag(version));
      return c.json(grade as never, 200);
    },
  );
  app.openapi(
    route({ method: 'delete', path: '/customers/{id}/tier', summary: 'Unpin: back to the computed tier (admin; If-Match optional)', tag, params: idParam, response: gradeView, extraResponses: { 409: 'Stale version or archived customer' } }),
    async (c) => {
      const { grade, version } = await value.unpin(c.get('session'), c.req.valid('param').id, optionalVersion(c.req.header('if-match')));
      c.header('ETag', etag(version));
      return c.json(grade as never, 200);
    },
  );

  app.openapi(route({ method: 'get', path: '/grading-policy', summary: 'How customers are graded: scales, weights, tier thresholds (ETag = version)', tag, response: storedGradingPolicyView }), async (c) => {
    const stored = await value.getPolicy(c.get('session'));
    c.header('ETag', etag(stored.version));
    return c.json(stored as never, 200);
  });
  app.openapi(
    route({ method: 'put', path: '/grading-policy', summary: 'Save a new grading policy version (admin, If-Match)', tag, body: gradingPolicy, response: storedGradingPolicyView, extraResponses: { 409: 'Stale version', 412: 'If-Match missing' } }),
    async (c) => {
      const stored = await value.putPolicy(c.get('session'), c.req.valid('json'), versionFromIfMatch(c.req.header('if-match')));
      c.header('ETag', etag(stored.version));
      return c.json(stored as never, 200);
    },
  );
  return app;
}
