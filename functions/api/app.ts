import { OpenAPIHono } from '@hono/zod-openapi';
import { identify, limitBody, notFoundHandler, onError, requireJson, serverTiming } from './middleware.ts';
import { renderDocsPage } from './docs-page.ts';
import { rateLimit } from './rate-limit.ts';
import { HEALTH_SIGNAL_ROUTES, reevaluateHealth } from './health-signals.ts';
import { systemRoutes } from './routes/system.ts';
import { devRoutes } from './routes/dev.ts';
import { orgRoutes } from './routes/org.ts';
import { customerRoutes } from './routes/customers.ts';
import { auditRoutes } from './routes/audit.ts';
import { dealRoutes } from './routes/deals.ts';
import { funnelRoutes } from './routes/funnel.ts';
import { approvalRoutes } from './routes/approvals.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { churnRoutes } from './routes/churn.ts';
import { jobRoutes } from './routes/jobs.ts';
import { customerValueRoutes } from './routes/customer-value.ts';
import { careRoutes } from './routes/care.ts';
import { partnerRoutes } from './routes/partners.ts';
import { targetRoutes } from './routes/targets.ts';
import { targetRevisionRoutes } from './routes/target-revisions.ts';
import { forecastRoutes } from './routes/forecasts.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { goalPolicyRoutes } from './routes/goals-policy.ts';
import { trainingRoutes } from './routes/training.ts';
import { collabRoutes } from './routes/collab.ts';
import { recognitionRoutes } from './routes/recognition.ts';
import { leaderboardRoutes } from './routes/leaderboard.ts';
import { incentiveRoutes } from './routes/incentives.ts';
import { commissionRoutes } from './routes/commissions.ts';
import { reviewRoutes } from './routes/reviews.ts';
import { reportRoutes } from './routes/reports.ts';
import { importRoutes } from './routes/imports.ts';
import { importUploadRoutes } from './routes/import-uploads.ts';
import { dataQualityRoutes } from './routes/data-quality.ts';
import type { AppDeps, AppEnv } from './types.ts';

export type { AppDeps } from './types.ts';

const DOC = { openapi: '3.1.0', info: { title: 'Pentad', version: '0.1.0', description: 'Sales management: goals, customers, team, process, data.' } };

/** The whole HTTP API; Lambda (handler.ts) and the local stack (infra/local) both serve exactly this. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.onError(onError);
  app.notFound(notFoundHandler);
  app.use('*', serverTiming);
  app.use('*', limitBody(deps.maxBodyBytes));
  app.use('*', requireJson);
  app.use('*', identify(deps));
  if (deps.rateLimit) app.use('*', rateLimit(deps.rateLimit));

  app.route('/', systemRoutes(deps));
  if (deps.stage === 'local' && deps.devTokens) app.route('/', devRoutes(deps, deps.devTokens));

  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.doc31('/openapi.json', DOC);
  app.get('/docs', (c) => c.html(renderDocsPage(app.getOpenAPI31Document(DOC) as never)));

  for (const path of HEALTH_SIGNAL_ROUTES) app.use(path, reevaluateHealth(deps));

  // Every route below requires a session (route() adds requireSession unless a route is public).
  app.route('/', orgRoutes(deps));
  app.route('/', customerRoutes(deps));
  app.route('/', auditRoutes(deps));
  app.route('/', dealRoutes(deps));
  app.route('/', funnelRoutes(deps));
  app.route('/', approvalRoutes(deps));
  app.route('/', notificationRoutes(deps));
  app.route('/', churnRoutes(deps));
  app.route('/', jobRoutes(deps));
  app.route('/', customerValueRoutes(deps));
  app.route('/', careRoutes(deps));
  app.route('/', partnerRoutes(deps));
  app.route('/', targetRoutes(deps));
  app.route('/', targetRevisionRoutes(deps));
  app.route('/', forecastRoutes(deps));
  app.route('/', dashboardRoutes(deps));
  app.route('/', goalPolicyRoutes(deps));
  app.route('/', trainingRoutes(deps));
  app.route('/', collabRoutes(deps));
  app.route('/', recognitionRoutes(deps));
  app.route('/', leaderboardRoutes(deps));
  app.route('/', incentiveRoutes(deps));
  app.route('/', commissionRoutes(deps));
  app.route('/', reviewRoutes(deps));
  app.route('/', reportRoutes(deps));
  app.route('/', importRoutes(deps));
  app.route('/', importUploadRoutes(deps));
  app.route('/', dataQualityRoutes(deps));
  return app;
}
