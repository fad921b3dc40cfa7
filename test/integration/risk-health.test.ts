import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';

let api: Awaited<ReturnType<typeof testApi>>;
const REP = 'rep-east-enterprise-1';

beforeAll(async () => {
  api = await testApi({ demo: true });
});

async function customer(tier = 'C') {
  return (await api.call('GET', `/customers?tier=${tier}&limit=1`, { as: REP })).body.items[0];
}

describe('risk', () => {
  it('combines the assessment with derived signals into the level shown on the customer, audited', async () => {
    const c = await customer('D');
    const res = await api.call('PUT', `/customers/${c.id}/risk`, { as: REP, body: { industryRisk: 'medium', financialRisk: 'low', supplyChainRisk: 'low', notes: 'New competitor in the region' } });
    expect(res.status).toBe(200);
    expect(res.body.risk).toMatchObject({ level: 'medium', assessedBy: REP });
    expect(res.body.version).toBe(c.version + 1);
    const read = await api.call('GET', `/customers/${c.id}`, { as: REP });
    expect(read.body.risk.level).toBe('medium');
    const trail = await api.call('GET', `/audit?entityType=customer&entityId=${c.id}`, { as: REP });
    expect(trail.body.items[0]).toMatchObject({ action: 'risk', actorId: REP });
  });

  it('refuses bad levels, other reps and finance', async () => {
    const c = await customer();
    const bad = await api.call('PUT', `/customers/${c.id}/risk`, { as: REP, body: { industryRisk: 'extreme', financialRisk: 'low', supplyChainRisk: 'low' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.industryRisk).toBeDefined();
    const body = { industryRisk: 'low', financialRisk: 'low', supplyChainRisk: 'low' };
    expect((await api.call('PUT', `/customers/${c.id}/risk`, { as: 'rep-east-enterprise-2', body })).status).toBe(404);
    expect((await api.call('PUT', `/customers/${c.id}/risk`, { as: 'finance', body })).status).toBe(403);
  });
});

describe('health and the churn policy', () => {
  it('explains a healthy customer as 100 with no deductions; other reps get 404', async () => {
    const c = await customer();
    const health = await api.call('GET', `/customers/${c.id}/health`, { as: REP });
    expect(health.body).toMatchObject({ score: 100, band: 'green', openAlertId: null });
    expect(health.body.components.every((x: any) => x.deduction === 0)).toBe(true);
    expect(Number(/desc="(\d+)"/.exec(health.headers.get('server-timing')!)![1])).toBe(1);
    expect((await api.call('GET', `/customers/${c.id}/health`, { as: 'rep-south-enterprise-1' })).status).toBe(404);
  });

  it('only an admin changes the churn policy; weights must add up to 100', async () => {
    const current = await api.call('GET', '/churn-policy', { as: REP });
    expect(current.body).toMatchObject({ version: 0, policy: { thresholds: { green: 70, yellow: 40 }, recoverySlaSeconds: 1_209_600 } });
    const policy = current.body.policy;
    expect((await api.call('PUT', '/churn-policy', { as: 'vp', body: policy, headers: { 'if-match': '"0"' } })).status).toBe(403);
    const bad = await api.call('PUT', '/churn-policy', { as: 'admin', body: { ...policy, weights: { ...policy.weights, silence: 90 } }, headers: { 'if-match': '"0"' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toContain('weights');
    expect((await api.call('PUT', '/churn-policy', { as: 'admin', body: policy })).status).toBe(412);
    expect((await api.call('PUT', '/churn-policy', { as: 'admin', body: policy, headers: { 'if-match': '"0"' } })).body.version).toBe(1);
  });

  it('the churn report is for managers and above', async () => {
    expect((await api.call('GET', '/reports/churn', { as: REP })).status).toBe(403);
    const report = await api.call('GET', '/reports/churn', { as: 'manager-east-enterprise' });
    expect(report.body).toMatchObject({ scope: { kind: 'team', id: 'east-enterprise' }, closed: 0, recoveryRate: null });
  });
});
