import { OpenAPIHono, z } from '@hono/zod-openapi';
import { etag, versionFromIfMatch } from '#shared/core/etag';
import { createInteractionService } from '#shared/care/interactions';
import { createTicketService } from '#shared/care/tickets';
import { createSurveyService } from '#shared/care/surveys';
import { createFollowUpService } from '#shared/care/follow-ups';
import { createCarePolicyService } from '#shared/care/policy-service';
import { carePolicy } from '#shared/care/policy';
import * as s from '#shared/care/schemas';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { idempotencyKey } from './customers.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const storedPolicyView = z.object({ version: z.number(), policy: z.unknown(), updatedAt: z.string().optional(), updatedBy: z.string().optional() });
const created = { 409: 'Archived customer', 422: 'Idempotency-Key reused with another body' };

/** The care routine: interactions and intent, follow-ups, tickets, reminders, surveys and NPS, and their policy. */
export function careRoutes(deps: AppDeps) {
  const interactions = createInteractionService(deps);
  const tickets = createTicketService(deps);
  const surveys = createSurveyService(deps);
  const followUps = createFollowUpService(deps);
  const policy = createCarePolicyService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Care';

  app.openapi(route({ method: 'get', path: '/care-policy', summary: 'Intent weights and half-life, contact cadence per tier, ticket SLAs (ETag = version)', tag, response: storedPolicyView }), async (c) => {
    const stored = await policy.get(c.get('session'));
    c.header('ETag', etag(stored.version));
    return c.json(stored as never, 200);
  });
  app.openapi(
    route({ method: 'put', path: '/care-policy', summary: 'Save a new care policy version (admin, If-Match)', tag, body: carePolicy, response: storedPolicyView, extraResponses: { 409: 'Stale version', 412: 'If-Match missing' } }),
    async (c) => {
      const stored = await policy.put(c.get('session'), c.req.valid('json'), versionFromIfMatch(c.req.header('if-match')));
      c.header('ETag', etag(stored.version));
      return c.json(stored as never, 200);
    },
  );

  app.openapi(
    route({ method: 'post', path: '/customers/{id}/interactions', summary: 'Log an interaction: re-scores intent; a visit or call restarts the follow-up cadence', tag, params: idParam, body: s.createInteraction, response: s.interactionView, status: 201, extraResponses: created }),
    async (c) => {
      const result = await interactions.log(c.get('session'), c.req.valid('param').id, c.req.valid('json'), idempotencyKey(c.req.header('idempotency-key')));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body as never, 201);
    },
  );
  app.openapi(route({ method: 'get', path: '/customers/{id}/interactions', summary: 'A customer’s interactions, newest first', tag, params: idParam, query: listQuery(), response: pageOf(s.interactionView) }), async (c) =>
    c.json((await interactions.list(c.get('session'), c.req.valid('param').id, c.req.valid('query'))) as never, 200),
  );

  app.openapi(
    route({ method: 'get', path: '/follow-ups', summary: 'Customers due for contact: overdue (past due) or due (within 7 days), mine or my team’s', tag, query: listQuery(s.followUpsQuery), response: pageOf(s.followUpView) }),
    async (c) => c.json((await followUps.followUps(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(
    route({ method: 'get', path: '/care/reminders', summary: 'Contact birthdays and customer anniversaries from today to today + days (≤ 60, UTC)', tag, query: listQuery(s.remindersQuery), response: pageOf(s.reminderView) }),
    async (c) => c.json((await followUps.reminders(c.get('session'), c.req.valid('query'))) as never, 200),
  );

  app.openapi(
    route({ method: 'post', path: '/customers/{id}/tickets', summary: 'Open a service ticket (SLA by severity); a complaint counts as a churn signal', tag, params: idParam, body: s.createTicket, response: s.ticketView, status: 201, extraResponses: created }),
    async (c) => {
      const result = await tickets.create(c.get('session'), c.req.valid('param').id, c.req.valid('json'), idempotencyKey(c.req.header('idempotency-key')));
      c.header('ETag', etag((result.body as { version: number }).version));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body as never, 201);
    },
  );
  app.openapi(route({ method: 'get', path: '/customers/{id}/tickets', summary: 'A customer’s tickets, newest first', tag, params: idParam, query: listQuery(), response: pageOf(s.ticketView) }), async (c) =>
    c.json((await tickets.list(c.get('session'), c.req.valid('param').id, c.req.valid('query'))) as never, 200),
  );
  app.openapi(route({ method: 'get', path: '/tickets/{id}', summary: 'A ticket with its history (ETag = version)', tag, params: idParam, response: s.ticketView }), async (c) => {
    const ticket = await tickets.get(c.get('session'), c.req.valid('param').id);
    c.header('ETag', etag(ticket.version));
    return c.json(ticket as never, 200);
  });
  app.openapi(
    route({ method: 'patch', path: '/tickets/{id}', summary: 'Move a ticket forward: open → in_progress → resolved (If-Match)', tag, params: idParam, body: s.patchTicket, response: s.ticketView, extraResponses: { 409: 'Stale version or not a forward move', 412: 'If-Match missing' } }),
    async (c) => {
      const ticket = await tickets.patch(c.get('session'), c.req.valid('param').id, c.req.valid('json'), versionFromIfMatch(c.req.header('if-match')));
      c.header('ETag', etag(ticket.version));
      return c.json(ticket as never, 200);
    },
  );

  app.openapi(
    route({ method: 'post', path: '/customers/{id}/surveys', summary: 'Record a survey answer: NPS (0–10) or CSAT (1–5)', tag, params: idParam, body: s.createSurvey, response: s.surveyView, status: 201, extraResponses: created }),
    async (c) => {
      const result = await surveys.create(c.get('session'), c.req.valid('param').id, c.req.valid('json'), idempotencyKey(c.req.header('idempotency-key')));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body as never, 201);
    },
  );
  app.openapi(
    route({ method: 'get', path: '/reports/nps', summary: 'NPS (% promoters − % detractors) and mean CSAT of a customer, team, region or your default scope', tag: 'Reports', query: s.npsQuery, response: s.npsView, extraResponses: { 403: 'A team or region outside your scope' } }),
    async (c) => c.json((await surveys.report(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  return app;
}
