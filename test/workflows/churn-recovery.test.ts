import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';
import { eventually } from '#test/support/approvals';
import { turnRed } from '#test/support/churn';
import { evaluateHealth, evaluateHealthPage } from '#shared/churn/evaluate';
import { systemClock } from '#shared/core/clock';

/**
 * workflows/churn-recovery.asl.json on the local engine with the real task handlers. The warning signs are
 * written straight onto the customer (as orders and complaints would leave them) so each case is exact.
 */
let api: Awaited<ReturnType<typeof testApi>>;
const REP = 'rep-south-enterprise-1';
const MANAGER = 'manager-south-enterprise';
const month = (back: number) => { const d = new Date(); return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1)).toISOString().slice(0, 7); };


async function customerOf(rep: string, tier: string) {
  const res = await api.call('GET', `/customers?tier=${tier}&limit=100`, { as: rep });
  return res.body.items as { id: string }[];
}

const deps = () => ({ db: api.db, clock: systemClock, engine: api.engine });
const alertOf = (id: string, as = REP) => api.call('GET', `/churn/alerts/${id}`, { as }).then((r) => r.body);
const awaiting = (id: string) => eventually(async () => ((await alertOf(id)).stage === 'awaiting_outcome' ? alertOf(id) : undefined), 'the plan and the wait');

async function usePolicy(change: Record<string, unknown>) {
  const current = await api.call('GET', '/churn-policy', { as: 'admin' });
  const res = await api.call('PUT', '/churn-policy', { as: 'admin', body: { ...current.body.policy, ...change }, headers: { 'if-match': current.headers.get('etag')! } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

beforeAll(async () => {
  api = await testApi({ demo: true });
}, 60_000);

describe('churn recovery workflow', () => {
  it('turns red, opens one alert, assigns the owner, plans by reason and closes as recovered', async () => {
    const [customer] = await customerOf(REP, 'C');
    await turnRed(api.db, customer!.id);
    const health = await api.call('GET', `/customers/${customer!.id}/health`, { as: REP });
    expect(health.body.band).toBe('red');
    expect(100 - health.body.components.reduce((s: number, c: any) => s + c.deduction, 0)).toBe(health.body.score);

    const evaluated = await evaluateHealth(deps(), customer!.id);
    expect(evaluated).toMatchObject({ band: 'red', opened: true });
    const alert = await awaiting(evaluated!.alertId!);
    expect(alert.assigneeIds).toEqual([REP]);
    expect(alert.reasons.map((r: any) => r.reason)).toContain('service');
    expect(alert.plan.map((t: any) => t.type)).toContain('service_review');
    expect(alert.snapshot.score).toBe(health.body.score);
    // The dashboard's open-alerts counter moved with the alert (team and owner scopes).
    const openAlerts = async (as: string, scope: string) => (await api.call('GET', `/dashboard?period=${month(0)}&scope=${scope}`, { as })).body.churn.openAlerts;
    expect(await openAlerts(MANAGER, 'team:south-enterprise')).toBe(1);
    expect(await openAlerts(REP, 'me')).toBe(1);

    expect((await api.call('POST', `/churn/alerts/${alert.id}/actions`, { as: REP, body: { type: 'call', note: 'Called the CIO' } })).status).toBe(200);
    expect((await api.call('POST', `/churn/alerts/${alert.id}/outcome`, { as: 'rep-south-enterprise-2', body: { outcome: 'recovered' } })).status).toBe(404);
    const posted = await api.call('POST', `/churn/alerts/${alert.id}/outcome`, { as: REP, body: { outcome: 'recovered', reason: 'Service plan agreed' } });
    expect(posted.status).toBe(200);
    const closed = await eventually(async () => ((await alertOf(alert.id)).status === 'closed' ? alertOf(alert.id) : undefined), 'closed');
    expect(closed).toMatchObject({ stage: 'closed', outcome: { outcome: 'recovered', by: REP }, actions: [{ type: 'call', by: REP }] });
    expect((await api.call('GET', `/customers/${customer!.id}`, { as: REP })).body.health.openAlertId).toBeUndefined();
    expect(await openAlerts(MANAGER, 'team:south-enterprise')).toBe(0);
    expect(await openAlerts('vp', 'company')).toBe(0);
    const report = await api.call('GET', '/reports/churn', { as: MANAGER });
    expect(report.body).toMatchObject({ closed: 1, outcomes: { recovered: 1 }, recoveryRate: 1 });
    expect(report.body.reasons.service).toBe(1);
  });

  it('escalates to the manager after the SLA, then closes as lost with the reason', async () => {
    await usePolicy({ recoverySlaSeconds: 2, maxEscalations: 1 });
    const [, customer] = await customerOf(REP, 'C');
    await turnRed(api.db, customer!.id);
    const { alertId } = (await evaluateHealth(deps(), customer!.id))!;
    await awaiting(alertId!);
    const escalated = await eventually(async () => {
      const a = await alertOf(alertId!);
      return a.escalations.length === 1 && a.stage === 'awaiting_outcome' ? a : undefined;
    }, 'escalation');
    expect(escalated.escalations[0].to).toEqual([MANAGER]);
    expect(escalated.assigneeIds).toEqual([REP, MANAGER]);
    const bad = await api.call('POST', `/churn/alerts/${alertId}/outcome`, { as: MANAGER, body: { outcome: 'lost' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.reason).toBeDefined();
    expect((await api.call('POST', `/churn/alerts/${alertId}/outcome`, { as: MANAGER, body: { outcome: 'lost', reason: 'Moved to a competitor' } })).status).toBe(200);
    const closed = await eventually(async () => ((await alertOf(alertId!)).status === 'closed' ? alertOf(alertId!) : undefined), 'closed');
    expect(closed.outcome).toMatchObject({ outcome: 'lost', reason: 'Moved to a competitor', by: MANAGER });
  });

  it('past the escalation limit without an outcome it closes as still at risk', async () => {
    await usePolicy({ recoverySlaSeconds: 1, maxEscalations: 0 });
    const [customer] = await customerOf(REP, 'B');
    await turnRed(api.db, customer!.id);
    const { alertId } = (await evaluateHealth(deps(), customer!.id))!;
    const closed = await eventually(async () => ((await alertOf(alertId!)).status === 'closed' ? alertOf(alertId!) : undefined), 'closed');
    expect(closed.outcome).toMatchObject({ outcome: 'still_at_risk', by: 'workflow' });
    expect(closed.escalations).toEqual([]);
  });

  it('never opens a second alert while one is open: re-evaluation and the daily pages find it already open', async () => {
    await usePolicy({ recoverySlaSeconds: 3600 });
    const [customer] = await customerOf(REP, 'A');
    await turnRed(api.db, customer!.id);
    const first = await evaluateHealth(deps(), customer!.id);
    expect(first!.opened).toBe(true);
    const again = await evaluateHealth(deps(), customer!.id);
    expect(again).toMatchObject({ opened: false, alertId: first!.alertId });
    let cursor: string | undefined;
    do {
      const page = await evaluateHealthPage(deps(), cursor, 25);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const open = await api.call('GET', '/churn/alerts?status=open&limit=100', { as: REP });
    expect(open.body.items.filter((a: any) => a.customerId === customer!.id)).toHaveLength(1);
    // Tier A: the owner's manager works it too.
    const alert = await awaiting(first!.alertId!);
    expect(alert.assigneeIds).toEqual([REP, MANAGER]);
    expect(alert.plan.map((t: any) => t.type)).toContain('executive_visit');
    // Scope: another region's director does not see it.
    expect((await api.call('GET', `/churn/alerts/${alert.id}`, { as: 'director-east' })).status).toBe(404);
    expect((await api.call('GET', '/churn/alerts?status=open', { as: 'director-east' })).body.items.some((a: any) => a.id === alert.id)).toBe(false);
  });
});

describe('health on events', () => {
  it('a complaint filed through the API re-evaluates health at once (no daily run needed)', async () => {
    const [customer] = await customerOf('rep-south-commercial-1', 'C');
    await turnRed(api.db, customer!.id);
    // Signals written behind the API's back are not evaluated yet (the daily pages above saw it green)…
    expect((await api.call('GET', `/customers/${customer!.id}`, { as: 'rep-south-commercial-1' })).body.health?.band).not.toBe('red');
    // …a complaint through the API is.
    const ticket = await api.call('POST', `/customers/${customer!.id}/tickets`, { as: 'rep-south-commercial-1', body: { type: 'complaint', severity: 'medium', subject: 'Late delivery' } });
    expect(ticket.status).toBe(201);
    const now = (await api.call('GET', `/customers/${customer!.id}`, { as: 'rep-south-commercial-1' })).body;
    expect(now.health).toMatchObject({ band: 'red', openAlertId: expect.any(String) });
  });
});
