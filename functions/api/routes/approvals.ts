import { OpenAPIHono, z } from '@hono/zod-openapi';
import { etag, versionFromIfMatch } from '#shared/core/etag';
import { entityId } from '#shared/core/schemas';
import { createApprovalService } from '#shared/approvals/service';
import { createPolicyService } from '#shared/approvals/policy-service';
import { approvalPolicy } from '#shared/approvals/policy';
import { approvalView, approvalsQuery, decide, delegation, previewRequest, requestApproval } from '#shared/approvals/schemas';
import { createDelegationService } from '#shared/org/delegation';
import { userView } from '#shared/org/schemas';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { reportResponse } from '../csv.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const storedPolicyView = z.object({ version: z.number(), policy: z.unknown(), updatedAt: z.string().optional(), updatedBy: z.string().optional() });
const previewView = z.object({
  dealId: z.string(),
  policyVersion: z.number(),
  required: z.boolean(),
  steps: z.array(z.object({ id: z.string(), name: z.string(), mode: z.string(), slaSeconds: z.number(), because: z.array(z.string()), approvers: z.array(z.object({ id: z.string(), name: z.string() })) })),
});

/** Tiered approvals: the policy, requests, the inbox, decisions, recalls, delegation and turnaround. */
export function approvalRoutes(deps: AppDeps) {
  const approvals = createApprovalService(deps);
  const policies = createPolicyService(deps);
  const delegations = createDelegationService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Approvals';

  app.openapi(route({ method: 'get', path: '/approval-policy', summary: 'The approval policy in force (ETag = version)', tag, response: storedPolicyView }), async (c) => {
    const stored = await policies.get(c.get('session'));
    c.header('ETag', etag(stored.version));
    return c.json(stored as never, 200);
  });
  app.openapi(
    route({ method: 'put', path: '/approval-policy', summary: 'Save a new policy version (admin, If-Match)', tag, body: approvalPolicy, response: storedPolicyView, extraResponses: { 409: 'Stale version', 412: 'If-Match missing' } }),
    async (c) => {
      const stored = await policies.put(c.get('session'), c.req.valid('json'), versionFromIfMatch(c.req.header('if-match')));
      c.header('ETag', etag(stored.version));
      return c.json(stored as never, 200);
    },
  );
  app.openapi(route({ method: 'post', path: '/approval-policy/preview', summary: 'The steps and named approvers a deal would need', tag, body: previewRequest, response: previewView }), async (c) =>
    c.json((await approvals.preview(c.get('session'), c.req.valid('json').dealId)) as never, 200),
  );

  app.openapi(
    route({ method: 'post', path: '/deals/{id}/approvals', summary: 'Request approval: locks the deal and starts the workflow (202)', tag, params: idParam, body: requestApproval, response: approvalView, status: 202, extraResponses: { 409: 'Locked, closed, not required or no approver' } }),
    async (c) => c.json((await approvals.request(c.get('session'), c.req.valid('param').id, c.req.valid('json').reason)) as never, 202),
  );
  app.openapi(route({ method: 'get', path: '/approvals', summary: 'inbox=mine (waiting on me or my delegators) or requestedBy=me', tag, query: listQuery(approvalsQuery), response: pageOf(z.unknown()) }), async (c) =>
    c.json((await approvals.list(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(route({ method: 'get', path: '/approvals/{id}', summary: 'An approval with its steps, assignees and every decision', tag, params: idParam, response: approvalView }), async (c) =>
    c.json((await approvals.get(c.get('session'), c.req.valid('param').id)) as never, 200),
  );
  app.openapi(
    route({ method: 'post', path: '/approvals/{id}/decisions', summary: 'Approve or reject the pending step (assignee or active delegate)', tag, params: idParam, body: decide, response: approvalView, extraResponses: { 409: 'Closed step or already decided' } }),
    async (c) => c.json((await approvals.decide(c.get('session'), c.req.valid('param').id, c.req.valid('json'))) as never, 200),
  );
  app.openapi(route({ method: 'post', path: '/approvals/{id}/recall', summary: 'The requester withdraws a pending approval', tag, params: idParam, response: approvalView, extraResponses: { 409: 'Not pending' } }), async (c) =>
    c.json((await approvals.recall(c.get('session'), c.req.valid('param').id)) as never, 200),
  );
  app.openapi(
    route({ method: 'put', path: '/users/{id}/delegation', summary: 'Let someone decide approvals for this user (self or admin); delegateId null clears it', tag, params: z.strictObject({ id: entityId }), body: delegation, response: userView }),
    async (c) => c.json((await delegations.set(c.get('session'), c.req.valid('param').id, c.req.valid('json'))) as never, 200),
  );
  app.openapi(
    route({
      csv: true,
      method: 'get',
      path: '/reports/approval-times',
      summary: 'Median and p90 decision time per step (upper bound of a log-scale bucket, seconds) and escalations. CSV with Accept: text/csv',
      tag: 'Reports',
      query: z.strictObject({}),
      response: z.object({ items: z.array(z.object({ stepId: z.string(), stepName: z.string(), decisions: z.number(), medianSeconds: z.number().nullable(), p90Seconds: z.number().nullable(), escalations: z.number() })) }),
    }),
    async (c) =>
      reportResponse(c, await policies.approvalTimes(c.get('session')), {
        filename: 'approval-times.csv',
        rows: (b) => b.items,
        columns: [
          { header: 'stepId', value: (r) => r.stepId },
          { header: 'stepName', value: (r) => r.stepName },
          { header: 'decisions', value: (r) => r.decisions },
          { header: 'medianSeconds', value: (r) => r.medianSeconds },
          { header: 'p90Seconds', value: (r) => r.p90Seconds },
          { header: 'escalations', value: (r) => r.escalations },
        ],
      }),
  );
  return app;
}
