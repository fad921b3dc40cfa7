import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { createRevisionService } from '#shared/goals/revision-service';
import { REVISION_REASONS, REVISION_STATUSES, requestRevision } from '#shared/goals/revision-schemas';
import { approvalView } from '#shared/approvals/schemas';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const tiers = z.object({ base: z.number(), sprint: z.number(), challenge: z.number() });
const revisionView = z
  .object({
    id: z.string(),
    targetId: z.string(),
    status: z.enum(REVISION_STATUSES),
    reason: z.enum([...REVISION_REASONS, 'pace_deviation', 'performance_review']),
    oldAmount: z.number(),
    newAmount: z.number(),
    currency: z.string(),
    evidence: z.string(),
    effectiveFrom: z.string(),
    requesterId: z.string().optional(),
    approvalId: z.string().optional(),
    resultingVersion: z.number().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    decidedAt: z.string().optional(),
  })
  .passthrough();
const versionView = z.object({
  targetId: z.string(),
  version: z.number(),
  amount: z.number(),
  tiers,
  currency: z.string(),
  effectiveFrom: z.string(),
  revisionId: z.string().optional(),
  supersededBy: z.string().optional(),
  createdAt: z.string(),
  current: z.boolean().optional(),
});

/** Goals: revising a target with a recorded reason, through approval; pace suggestions; every version kept. */
export function targetRevisionRoutes(deps: AppDeps) {
  const revisions = createRevisionService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Goals';

  app.openapi(
    route({
      method: 'post',
      path: '/targets/{id}/revisions',
      summary: 'Ask to change a target, with a reason and evidence (202): the parent target’s owner approves, then the vp over the threshold; approved → a new version, children re-allocated from effectiveFrom',
      tag,
      params: idParam,
      body: requestRevision,
      response: z.object({ revision: revisionView, approval: approvalView }),
      status: 202,
      extraResponses: { 409: 'A revision of this target or one above or below it is pending, the suggestion is closed, or nobody can approve' },
    }),
    async (c) => c.json((await revisions.request(c.get('session'), c.req.valid('param').id, c.req.valid('json'))) as never, 202),
  );
  app.openapi(
    route({ method: 'get', path: '/targets/{id}/revisions', summary: 'Revision requests and pace suggestions (status suggested), newest first', tag, params: idParam, query: listQuery({ status: z.enum(REVISION_STATUSES).optional() }), response: pageOf(revisionView) }),
    async (c) => c.json((await revisions.list(c.get('session'), c.req.valid('param').id, c.req.valid('query'))) as never, 200),
  );
  app.openapi(
    route({ method: 'get', path: '/targets/{id}/versions', summary: 'Every version of a target, oldest first; the last is current', tag, params: idParam, response: z.object({ targetId: z.string(), items: z.array(versionView) }) }),
    async (c) => c.json((await revisions.versions(c.get('session'), c.req.valid('param').id)) as never, 200),
  );
  return app;
}
