import { OpenAPIHono } from '@hono/zod-openapi';
import { createCollabService } from '#shared/team/collab-service';
import * as s from '#shared/team/collab-schemas';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { idempotencyKey } from './customers.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/** Cross-department requests: sales asks another department; its team manager is assigned; SLA and feedback. */
export function collabRoutes(deps: AppDeps) {
  const collab = createCollabService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Cross-department requests';

  app.openapi(
    route({
      method: 'post',
      path: '/collab-requests',
      summary: 'Ask another department (sales users); assigned to the manager of that department’s team; Idempotency-Key',
      tag,
      body: s.createCollabRequest,
      response: s.collabView,
      status: 201,
      extraResponses: { 409: 'No team or no manager for that department', 422: 'Idempotency-Key reused with another body' },
    }),
    async (c) => {
      const result = await collab.create(c.get('session'), c.req.valid('json'), idempotencyKey(c.req.header('idempotency-key')));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body as never, 201);
    },
  );
  app.openapi(
    route({ method: 'get', path: '/collab-requests', summary: 'Requests I made (mine=true) or for a department I belong to (department=; any for vp/admin), newest first', tag, query: listQuery(s.listCollabQuery), response: pageOf(s.collabView) }),
    async (c) => c.json((await collab.list(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(
    route({ method: 'get', path: '/collab-requests/{id}', summary: 'A request with its first 100 comments (requester, assignee, the department’s team, vp/admin)', tag, params: idParam, response: s.collabWithCommentsView }),
    async (c) => c.json((await collab.get(c.get('session'), c.req.valid('param').id)) as never, 200),
  );
  app.openapi(
    route({
      method: 'post',
      path: '/collab-requests/{id}/status',
      summary: 'Accept (open only), resolve (accepted only) or reject (open or accepted) with a note — the assignee or the department’s team',
      tag,
      params: idParam,
      body: s.changeStatus,
      response: s.collabView,
      extraResponses: { 409: 'Not allowed from the current status, or changed meanwhile' },
    }),
    async (c) => c.json((await collab.changeStatus(c.get('session'), c.req.valid('param').id, c.req.valid('json'))) as never, 200),
  );
  app.openapi(
    route({ method: 'get', path: '/collab-requests/{id}/comments', summary: 'A request’s comments, oldest first', tag, params: idParam, query: listQuery(), response: pageOf(s.commentView) }),
    async (c) => c.json((await collab.comments(c.get('session'), c.req.valid('param').id, c.req.valid('query'))) as never, 200),
  );
  app.openapi(
    route({ method: 'post', path: '/collab-requests/{id}/comments', summary: 'Comment on a request (anyone who sees it); the other side is notified', tag, params: idParam, body: s.addComment, response: s.commentView, status: 201 }),
    async (c) => c.json((await collab.comment(c.get('session'), c.req.valid('param').id, c.req.valid('json').text)) as never, 201),
  );
  app.openapi(
    route({
      method: 'post',
      path: '/collab-requests/{id}/feedback',
      summary: 'The requester rates a resolved or rejected request 1–5, once',
      tag,
      params: idParam,
      body: s.feedback,
      response: s.collabView,
      extraResponses: { 409: 'Not closed yet, or already rated' },
    }),
    async (c) => c.json((await collab.feedback(c.get('session'), c.req.valid('param').id, c.req.valid('json'))) as never, 200),
  );
  app.openapi(
    route({ method: 'get', path: '/reports/collab-resolution', summary: 'Per department: requests, resolved, rejected, median and p90 resolution time, breaches, overdue open, average rating', tag: 'Reports', response: s.collabReportView }),
    async (c) => c.json((await collab.report(c.get('session'))) as never, 200),
  );
  return app;
}
