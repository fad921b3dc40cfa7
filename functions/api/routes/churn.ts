import { OpenAPIHono, z } from '@hono/zod-openapi';
import { etag, versionFromIfMatch } from '#shared/core/etag';
import { createChurnService } from '#shared/churn/service';
import { churnPolicy } from '#shared/churn/policy';
import { alertAction, alertOutcome, alertsQuery, churnReportQuery, riskAssessment } from '#shared/churn/schemas';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { reportResponse } from '../csv.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const storedPolicyView = z.object({ version: z.number(), policy: z.unknown(), updatedAt: z.string().optional(), updatedBy: z.string().optional() });
const healthView = z.object({
  customerId: z.string(),
  score: z.number().describe('100 − the sum of the deductions'),
  band: z.enum(['green', 'yellow', 'red']),
  components: z.array(z.object({ component: z.string(), value: z.number().nullable(), measure: z.string(), severity: z.number(), weight: z.number(), deduction: z.number() })),
  thresholds: z.object({ green: z.number(), yellow: z.number() }),
  policyVersion: z.number(),
  openAlertId: z.string().nullable(),
  evaluatedAt: z.string(),
});
const alertView = z.object({ id: z.string(), customerId: z.string(), status: z.enum(['open', 'closed']), stage: z.string(), assigneeIds: z.array(z.string()), plan: z.array(z.unknown()), actions: z.array(z.unknown()), escalations: z.array(z.unknown()), outcome: z.unknown().optional() }).passthrough();

/** Risk, churn health, alerts and their recovery, and the churn report. */
export function churnRoutes(deps: AppDeps) {
  const churn = createChurnService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Churn';

  app.openapi(route({ method: 'put', path: '/customers/{id}/risk', summary: 'Assess industry, financial and supply-chain risk; the level adds derived signals', tag, params: idParam, body: riskAssessment, response: z.unknown() }), async (c) =>
    c.json((await churn.setRisk(c.get('session'), c.req.valid('param').id, c.req.valid('json'))) as never, 200),
  );
  app.openapi(route({ method: 'get', path: '/customers/{id}/health', summary: 'Churn health now, explained component by component', tag, params: idParam, response: healthView }), async (c) =>
    c.json((await churn.health(c.get('session'), c.req.valid('param').id)) as never, 200),
  );
  app.openapi(route({ method: 'get', path: '/churn-policy', summary: 'Weights, thresholds, recovery SLA and escalations (ETag = version)', tag, response: storedPolicyView }), async (c) => {
    const stored = await churn.getPolicy(c.get('session'));
    c.header('ETag', etag(stored.version));
    return c.json(stored as never, 200);
  });
  app.openapi(
    route({ method: 'put', path: '/churn-policy', summary: 'Save a new churn policy version (admin, If-Match)', tag, body: churnPolicy, response: storedPolicyView, extraResponses: { 409: 'Stale version', 412: 'If-Match missing' } }),
    async (c) => {
      const stored = await churn.putPolicy(c.get('session'), c.req.valid('json'), versionFromIfMatch(c.req.header('if-match')));
      c.header('ETag', etag(stored.version));
      return c.json(stored as never, 200);
    },
  );
  app.openapi(route({ method: 'get', path: '/churn/alerts', summary: 'Churn alerts within your scope, newest first', tag, query: listQuery(alertsQuery), response: pageOf(alertView) }), async (c) =>
    c.json((await churn.listAlerts(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(route({ method: 'get', path: '/churn/alerts/{id}', summary: 'An alert: snapshot, reasons, assignees, plan, actions, escalations, outcome', tag, params: idParam, response: alertView }), async (c) =>
    c.json((await churn.getAlert(c.get('session'), c.req.valid('param').id)) as never, 200),
  );
  app.openapi(route({ method: 'post', path: '/churn/alerts/{id}/actions', summary: 'Log win-back work', tag, params: idParam, body: alertAction, response: alertView, extraResponses: { 409: 'Closed' } }), async (c) =>
    c.json((await churn.logAction(c.get('session'), c.req.valid('param').id, c.req.valid('json'))) as never, 200),
  );
  app.openapi(
    route({ method: 'post', path: '/churn/alerts/{id}/outcome', summary: 'recovered | lost (with reason) | still_at_risk: resumes the workflow, which closes the alert', tag, params: idParam, body: alertOutcome, response: alertView, extraResponses: { 409: 'Closed or not ready' } }),
    async (c) => c.json((await churn.postOutcome(c.get('session'), c.req.valid('param').id, c.req.valid('json'))) as never, 200),
  );
  app.openapi(
    route({
      csv: true,
      method: 'get',
      path: '/reports/churn',
      summary: 'Closed alerts: outcomes, recovery rate and likely reasons, per month range and scope. CSV with Accept: text/csv',
      tag: 'Reports',
      query: churnReportQuery,
      response: z.object({ scope: z.unknown(), from: z.string(), to: z.string(), closed: z.number(), outcomes: z.record(z.string(), z.number()), recoveryRate: z.number().nullable(), reasons: z.record(z.string(), z.number()) }),
    }),
    async (c) =>
      reportResponse(c, await churn.report(c.get('session'), c.req.valid('query')), {
        filename: 'churn.csv',
        // One row per figure: the closed count, each outcome, each likely reason, the recovery rate.
        rows: (b) => [
          { figure: 'closed', key: '', value: b.closed },
          ...Object.entries(b.outcomes).map(([key, value]) => ({ figure: 'outcome', key, value })),
          ...Object.entries(b.reasons).map(([key, value]) => ({ figure: 'reason', key, value })),
          { figure: 'recoveryRate', key: '', value: b.recoveryRate },
        ],
        columns: [
          { header: 'figure', value: (r) => r.figure },
          { header: 'key', value: (r) => r.key },
          { header: 'value', value: (r) => r.value },
        ],
      }),
  );
  return app;
}
