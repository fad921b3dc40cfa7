import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';
import { eventually } from '#test/support/approvals';

/**
 * The scenario end to end, through the API only: a steady monthly buyer stops ordering and files two
 * complaints; the daily run (workflows/daily-customer-care.asl.json, started by POST /jobs/{name}/run as the
 * schedule would) turns them red and opens exactly one alert; churn recovery assigns, plans, escalates, closes.
 */
let api: Awaited<ReturnType<typeof testApi>>;
const REP = 'rep-east-commercial-2';
const MANAGER = 'manager-east-commercial';
const DAY = 86_400_000;
const dateDaysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString().slice(0, 10);

async function runDailyJob() {
  const started = await api.call('POST', '/jobs/daily-customer-care/run', { as: 'admin' });
  expect(started.status).toBe(202);
  return eventually(async () => {
    const desc = await api.engine.describeExecution(started.body.executionId);
    return desc.status === 'RUNNING' ? undefined : desc;
  }, 'the daily run', 60_000);
}

beforeAll(async () => {
  api = await testApi({ demo: true });
}, 60_000);

describe('daily customer care', () => {
  it('a steady buyer who stopped and complained turns red on the daily run and is worked back to a closed alert', async () => {
    const policy = await api.call('GET', '/churn-policy', { as: 'admin' });
    await api.call('PUT', '/churn-policy', { as: 'admin', body: { ...policy.body.policy, recoverySlaSeconds: 2, maxEscalations: 1 }, headers: { 'if-match': policy.headers.get('etag')! } });
    const customer = (await api.call('GET', '/customers?tier=C&limit=1', { as: REP })).body.items[0];
    // One order a month for a year, the last one about four months ago.
    for (let month = 15; month >= 4; month--) {
      const res = await api.call('POST', `/customers/${customer.id}/orders`, { as: REP, body: { amount: 100_000, date: dateDaysAgo(month * 30), productLineId: 'services' } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    for (const subject of ['Outage not fixed for a week', 'Invoice errors again']) {
      const res = await api.call('POST', `/customers/${customer.id}/tickets`, { as: REP, body: { type: 'complaint', severity: 'high', subject } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }

    const run = await runDailyJob();
    expect(run.status).toBe('SUCCEEDED');
    const health = await api.call('GET', `/customers/${customer.id}/health`, { as: REP });
    expect(health.body.band).toBe('red');
    expect(100 - health.body.components.reduce((s: number, c: any) => s + c.deduction, 0)).toBe(health.body.score);

    const alertsFor = async () => ((await api.call('GET', '/churn/alerts?status=open&limit=100', { as: REP })).body.items as any[]).filter((a) => a.customerId === customer.id);
    const [alert] = await alertsFor();
    expect(alert).toBeDefined();
    expect(await runDailyJob()).toMatchObject({ status: 'SUCCEEDED' });
    expect(await alertsFor()).toHaveLength(1); // the second daily run opens no duplicate

    const escalated = await eventually(async () => {
      const a = (await api.call('GET', `/churn/alerts/${alert.id}`, { as: REP })).body;
      return a.escalations.length === 1 && a.stage === 'awaiting_outcome' ? a : undefined;
    }, 'escalation after the SLA');
    expect(escalated.assigneeIds).toEqual([REP, MANAGER]);
    expect(escalated.plan.length).toBeGreaterThan(0);
    expect(escalated.reasons.map((r: any) => r.reason)).toContain('service');

    expect((await api.call('POST', `/churn/alerts/${alert.id}/outcome`, { as: MANAGER, body: { outcome: 'recovered', reason: 'Service credits and a fix plan' } })).status).toBe(200);
    const closed = await eventually(async () => {
      const a = (await api.call('GET', `/churn/alerts/${alert.id}`, { as: REP })).body;
      return a.status === 'closed' ? a : undefined;
    }, 'closed');
    expect(closed.outcome).toMatchObject({ outcome: 'recovered', by: MANAGER });

    const jobs = await api.call('GET', '/jobs', { as: 'admin' });
    const careJob = jobs.body.items.find((j: any) => j.name === 'daily-customer-care');
    expect(careJob).toEqual(expect.objectContaining({ name: 'daily-customer-care', cron: '0 1 * * *', lastRun: expect.objectContaining({ status: 'SUCCEEDED' }) }));
    expect(Date.parse(careJob.nextRunAt)).toBeGreaterThan(Date.now());
    expect((await api.call('POST', '/jobs/daily-customer-care/run', { as: 'vp' })).status).toBe(403);
    expect((await api.call('POST', '/jobs/no-such-job/run', { as: 'admin' })).status).toBe(404);
  });
});
