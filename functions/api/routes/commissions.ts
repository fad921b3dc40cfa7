import { OpenAPIHono } from '@hono/zod-openapi';
import { createCommissionService } from '#shared/commissions/service';
import { createRefundService } from '#shared/customers/refund';
import { assignPlan, assigneeView, createPlan, listPlansQuery, planView, planWithAssigneesView, refundOrder, refundParams, refundView, statementQuery, statementView } from '#shared/commissions/schemas';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { idempotencyKey } from './customers.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/** Commission plans, their assignment, statements, and order refunds (which claw commission back). */
export function commissionRoutes(deps: AppDeps) {
  const commissions = createCommissionService(deps);
  const refunds = createRefundService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Commissions';

  app.openapi(
    route({
      method: 'post',
      path: '/commission-plans',
      summary: 'Create a commission plan: period, base rate, contiguous bands from 0 (rates and attainments as decimals), tiered or marginal, accelerator above 100%, cap, clawback days (admin, finance, vp; Idempotency-Key)',
      tag,
      body: createPlan,
      response: planView,
      status: 201,
      extraResponses: { 422: 'Idempotency-Key reused with another body' },
    }),
    async (c) => {
      const result = await commissions.createPlan(c.get('session'), c.req.valid('json'), idempotencyKey(c.req.header('idempotency-key')));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body as never, 201);
    },
  );
  app.openapi(route({ method: 'get', path: '/commission-plans', summary: 'Commission plans, latest period first; optionally one period', tag, query: listQuery(listPlansQuery), response: pageOf(planView) }), async (c) =>
    c.json((await commissions.listPlans(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(route({ method: 'get', path: '/commission-plans/{id}', summary: 'A plan with the assignees you may see', tag, params: idParam, response: planWithAssigneesView }), async (c) =>
    c.json((await commissions.getPlan(c.get('session'), c.req.valid('param').id)) as never, 200),
  );
  app.openapi(
    route({
      method: 'post',
      path: '/commission-plans/{id}/assignments',
      summary: 'Put a user on the plan (admin, finance, vp); one plan per user per period and month',
      tag,
      params: idParam,
      body: assignPlan,
      response: assigneeView,
      status: 201,
      extraResponses: { 409: 'Already on this plan, or another plan covers the period' },
    }),
    async (c) => c.json((await commissions.assign(c.get('session'), c.req.valid('param').id, c.req.valid('json').userId)) as never, 201),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/users/{id}/commission',
      summary: 'The user’s commission statement for a period, line by line with the rule behind each line (draft until a review cycle finalises it)',
      tag,
      params: idParam,
      query: statementQuery,
      response: statementView,
    }),
    async (c) => c.json((await commissions.statement(c.get('session'), c.req.valid('param').id, c.req.valid('query').period)) as never, 200),
  );
  app.openapi(
    route({
      method: 'post',
      path: '/customers/{id}/orders/{orderId}/refund',
      summary: 'Refund an order (finance, admin; once): taken out of the revenue actuals in the same write; commission on it is clawed back within the plan’s clawback days',
      tag,
      params: refundParams,
      body: refundOrder,
      response: refundView,
      extraResponses: { 409: 'Already refunded' },
    }),
    async (c) => {
      const { id, orderId } = c.req.valid('param');
      return c.json((await refunds.refund(c.get('session'), id, orderId, c.req.valid('json'))) as never, 200);
    },
  );
  return app;
}
