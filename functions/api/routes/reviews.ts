import { OpenAPIHono, z } from '@hono/zod-openapi';
import { createPolicyService } from '#shared/core/policy-service';
import { entityId } from '#shared/core/schemas';
import { createReviewService } from '#shared/reviews/service';
import { reviewPolicy, reviewPolicyStore } from '#shared/reviews/policy';
import * as s from '#shared/reviews/schemas';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { policyRoutes } from '../policy-routes.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const cycleParam = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,100}$/, 'Not a cycle id') });
const cycleView = z.object({ id: z.string(), period: z.string(), teamId: z.string().optional(), status: z.enum(['open', 'closed', 'failed']), progress: z.object({ reps: z.number(), scored: z.number(), assessed: z.number(), acknowledged: z.number(), escalated: z.number() }) }).passthrough();
const scorecardView = z.object({ id: z.string(), cycleId: z.string(), period: z.string(), userId: z.string(), score: z.number(), rating: z.number(), finalRating: z.number(), status: z.enum(['scored', 'assessed', 'acknowledged']), assessorIds: z.array(z.string()) }).passthrough();
const planView = z.object({ id: z.string(), userId: z.string(), cycleId: z.string(), rating: z.number(), actions: z.array(z.string()), dueAt: z.string(), status: z.enum(['open', 'done']) }).passthrough();

/** The performance loop: review cycles (Step Functions), scorecards, assessments, acknowledgements, improvement plans. */
export function reviewRoutes(deps: AppDeps) {
  const reviews = createReviewService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Performance';

  app.route('/', policyRoutes({ path: '/review-policy', tag, what: 'Assessment and acknowledgement SLAs, score weights, rating floors, improvement-plan threshold', schema: reviewPolicy, service: createPolicyService(reviewPolicyStore, 'review', deps) }));
  app.openapi(
    route({ method: 'post', path: '/review-cycles', summary: 'Start a review cycle for a period (and team) now (admin, 202); the same cycle twice → 409', tag, body: s.createCycle, response: cycleView.partial().passthrough(), status: 202, extraResponses: { 409: 'That cycle exists' } }),
    async (c) => c.json((await reviews.start(c.get('session'), c.req.valid('json'))) as never, 202),
  );
  app.openapi(route({ method: 'get', path: '/review-cycles/{id}', summary: 'A cycle: progress (scored, assessed, acknowledged), badges, next-period target suggestions', tag, params: cycleParam, response: cycleView }), async (c) =>
    c.json((await reviews.get(c.get('session'), c.req.valid('param').id)) as never, 200),
  );
  app.openapi(route({ method: 'get', path: '/scorecards', summary: 'Scorecards of a cycle or of a user within your scope, or those waiting for your assessment (assessor=me); send exactly one', tag, query: listQuery(s.scorecardsQuery), response: pageOf(scorecardView) }), async (c) =>
    c.json((await reviews.list(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(
    route({ method: 'post', path: '/scorecards/{id}/assessment', summary: 'The assessor’s comment, rating adjustment (±1) and goals for next period; resumes the cycle', tag, params: idParam, body: s.assessmentInput, response: scorecardView, extraResponses: { 409: 'Already assessed' } }),
    async (c) => c.json((await reviews.assess(c.get('session'), c.req.valid('param').id, c.req.valid('json'))) as never, 200),
  );
  app.openapi(
    route({ method: 'post', path: '/scorecards/{id}/acknowledgement', summary: 'The rep acknowledges their assessed scorecard', tag, params: idParam, body: s.acknowledgementInput, response: scorecardView, extraResponses: { 409: 'Not assessed yet, or already acknowledged' } }),
    async (c) => c.json((await reviews.acknowledge(c.get('session'), c.req.valid('param').id, c.req.valid('json'))) as never, 200),
  );
  app.openapi(route({ method: 'get', path: '/improvement-plans', summary: 'A user’s improvement plans, newest first', tag, query: listQuery({ userId: entityId }), response: pageOf(planView) }), async (c) =>
    c.json((await reviews.plans(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(
    route({ method: 'post', path: '/improvement-plans/{id}/checkpoints', summary: 'Record progress on a plan (on_track, at_risk, done)', tag, params: idParam, body: s.checkpointInput, response: planView, extraResponses: { 409: 'Done already' } }),
    async (c) => c.json((await reviews.checkpoint(c.get('session'), c.req.valid('param').id, c.req.valid('json'))) as never, 200),
  );
  return app;
}
