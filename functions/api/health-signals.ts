import type { MiddlewareHandler } from 'hono';
import { evaluateHealth } from '#shared/churn/evaluate';
import type { AppDeps, AppEnv } from './types.ts';

/**
 * Churn health is re-evaluated on every event that moves it — a new order, complaint, survey or contact — as
 * well as daily. After such a POST succeeds, the customer's health is recomputed: one more read, and a write
 * only when the band changes (turning red opens the alert and starts its recovery at once). Folding this into
 * each event's own transaction would save that read; it is the next step for the round-trip budget.
 */
export const HEALTH_SIGNAL_ROUTES = ['/customers/:id/orders', '/customers/:id/tickets', '/customers/:id/surveys', '/customers/:id/interactions'];

export const reevaluateHealth =
  (deps: Pick<AppDeps, 'db' | 'clock' | 'engine'>): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    await next();
    if (c.req.method === 'POST' && c.res.status >= 200 && c.res.status < 300) {
      await evaluateHealth(deps, c.req.param('id')!, { storeScore: false });
    }
  };
