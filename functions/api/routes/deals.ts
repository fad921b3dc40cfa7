import { OpenAPIHono } from '@hono/zod-openapi';
import { etag, versionFromIfMatch } from '#shared/core/etag';
import { createDealService } from '#shared/process/service';
import { createPipelineService } from '#shared/process/pipeline-service';
import { createReportService } from '#shared/process/reports';
import * as s from '#shared/process/schemas';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { idempotencyKey } from './customers.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/** Deals and their stages, the pipeline they move through, and the orders won deals book. */
export function dealRoutes(deps: AppDeps) {
  const deals = createDealService(deps);
  const pipeline = createPipelineService(deps);
  const reports = createReportService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Deals and pipeline';
  const locked = { 409: 'Stale version, closed deal, or `deal_locked` while an approval is pending', 412: 'If-Match missing' };

  app.openapi(
    route({ method: 'post', path: '/deals', summary: 'Open a deal in the first stage (honours Idempotency-Key)', tag, body: s.createDeal, response: s.dealView, status: 201, extraResponses: { 409: 'Archived customer', 422: 'Idempotency-Key reused with another body' } }),
    async (c) => {
      const result = await deals.create(c.get('session'), c.req.valid('json'), idempotencyKey(c.req.header('idempotency-key')));
      c.header('ETag', etag((result.body as { version: number }).version));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body as never, 201);
    },
  );
  app.openapi(
    route({ method: 'get', path: '/deals', summary: 'Deals within your scope (stage is a key prefix)', tag, query: listQuery(s.listDealsQuery), response: pageOf(s.dealView) }),
    async (c) => c.json((await deals.list(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(route({ method: 'get', path: '/deals/{id}', summary: 'A deal with its stage history (ETag = version)', tag, params: idParam, response: s.dealWithHistoryView }), async (c) => {
    const deal = await deals.get(c.get('session'), c.req.valid('param').id);
    c.header('ETag', etag(deal.version));
    return c.json(deal as never, 200);
  });
  app.openapi(
    route({ method: 'patch', path: '/deals/{id}', summary: 'Change or reassign a deal, or set its forecast category (If-Match)', tag, params: idParam, body: s.patchDeal, response: s.dealView, extraResponses: locked }),
    async (c) => {
      const deal = await deals.patch(c.get('session'), c.req.valid('param').id, c.req.valid('json'), versionFromIfMatch(c.req.header('if-match')));
      c.header('ETag', etag(deal.version));
      return c.json(deal as never, 200);
    },
  );
  app.openapi(
    route({
      method: 'post',
      path: '/deals/{id}/stage',
      summary: 'Move a deal to another stage (If-Match optional); won books an order, lost needs a reason',
      tag,
      params: idParam,
      body: s.moveStage,
      response: s.dealView,
      extraResponses: { 409: 'Closed deal, same stage, unmet stage requirements, `approval_required`, `deal_locked` or stale version' },
    }),
    async (c) => {
      const ifMatch = c.req.header('if-match');
      const deal = await deals.moveStage(c.get('session'), c.req.valid('param').id, c.req.valid('json'), ifMatch ? versionFromIfMatch(ifMatch) : undefined);
      c.header('ETag', etag(deal.version));
      return c.json(deal as never, 200);
    },
  );

  app.openapi(route({ method: 'get', path: '/pipeline', summary: 'The stages deals move through (ETag = version)', tag, response: s.pipelineView }), async (c) => {
    const current = await pipeline.get(c.get('session'));
    c.header('ETag', etag(current.version));
    return c.json(current as never, 200);
  });
  app.openapi(
    route({ method: 'put', path: '/pipeline', summary: 'Replace the stages (admin, If-Match; stages with open deals stay)', tag, body: s.pipelineInput, response: s.pipelineView, extraResponses: { 409: 'Stale version or `stage_in_use`', 412: 'If-Match missing' } }),
    async (c) => {
      const saved = await pipeline.put(c.get('session'), c.req.valid('json'), versionFromIfMatch(c.req.header('if-match')));
      c.header('ETag', etag(saved.version));
      return c.json(saved as never, 200);
    },
  );

  app.openapi(
    route({ method: 'get', path: '/customers/{id}/orders', summary: 'A customer’s orders (revenue booked by won deals), newest first', tag, params: idParam, query: listQuery(), response: pageOf(s.orderView) }),
    async (c) => c.json((await reports.orders(c.get('session'), c.req.valid('param').id, c.req.valid('query'))) as never, 200),
  );
  return app;
}
