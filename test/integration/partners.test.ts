import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

const MANAGER = 'manager-east-enterprise';
const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);
const criteria = (n: number, extra: Record<string, number> = {}) => ({ marketOverlap: n, capability: n, reputation: n, financialHealth: n, strategicFit: n, ...extra });

describe('partners: screening on creation', () => {
  it('a manager screens partners; the result and the deciding rule are stored', async () => {
    const approved = await api.call('POST', '/partners', { as: MANAGER, body: { name: 'Eastern Channel Co', type: 'channel', criteria: criteria(8) } });
    expect(approved.status).toBe(201);
    expect(trips(approved)).toBeLessThanOrEqual(2);
    expect(approved.body).toMatchObject({ name: 'Eastern Channel Co', type: 'channel', createdBy: MANAGER, version: 1, screening: { result: 'approved', rule: 'weighted score 8 ≥ 7', score: 8 } });
    const watch = await api.call('POST', '/partners', { as: 'director-south', body: { name: 'Maybe Resell', type: 'reseller', criteria: criteria(6) } });
    expect(watch.body.screening).toEqual({ result: 'watch', rule: 'weighted score 6 ≥ 5 and < 7', score: 6 });
    const knocked = await api.call('POST', '/partners', { as: 'vp', body: { name: 'Shaky Supply', type: 'supplier', criteria: criteria(9, { financialHealth: 1 }) } });
    expect(knocked.body.screening).toMatchObject({ result: 'rejected', rule: 'knock-out: financialHealth' });
    const weak = await api.call('POST', '/partners', { as: 'admin', body: { name: 'Weak Alliance', type: 'alliance', criteria: criteria(4) } });
    expect(weak.body.screening).toMatchObject({ result: 'rejected', rule: 'weighted score 4 < 5' });

    const read = await api.call('GET', `/partners/${approved.body.id}`, { as: 'rep-south-commercial-1' });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(approved.body);
    expect(trips(read)).toBe(1);
  });

  it('everyone lists partners newest first, page by page, or by screening result', async () => {
    const first = await api.call('GET', '/partners?limit=3', { as: 'rep-east-enterprise-1' });
    expect(first.status).toBe(200);
    expect(first.body.items.map((p: any) => p.name)).toEqual(['Weak Alliance', 'Shaky Supply', 'Maybe Resell']);
    const second = await api.call('GET', `/partners?limit=3&cursor=${first.body.nextCursor}`, { as: 'finance' });
    expect(second.body.items.map((p: any) => p.name)).toEqual(['Eastern Channel Co']);
    expect(second.body.nextCursor).toBeNull();
    const rejected = await api.call('GET', '/partners?result=rejected', { as: 'rep-east-enterprise-1' });
    expect(rejected.body.items.map((p: any) => p.name)).toEqual(['Weak Alliance', 'Shaky Supply']);
    expect(trips(rejected)).toBeLessThanOrEqual(2);
    expect((await api.call('GET', `/partners?result=rejected&cursor=${first.body.nextCursor}`, { as: 'vp' })).status).toBe(400);
  });

  it('reps and finance may not create; bad input names each field; the result is never taken from the client', async () => {
    for (const who of ['rep-east-enterprise-1', 'finance']) {
      expect((await api.call('POST', '/partners', { as: who, body: { name: 'X', type: 'channel', criteria: criteria(8) } })).status, who).toBe(403);
    }
    const bad = await api.call('POST', '/partners', { as: MANAGER, body: { name: '', type: 'distributor', criteria: { ...criteria(5), capability: 11, reputation: undefined }, screening: { result: 'approved' } } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['criteria.capability', 'criteria.reputation', 'name', 'screening', 'type']);
    expect((await api.call('GET', '/partners/01JUNKNOWNPARTNER', { as: MANAGER })).status).toBe(404);
  });

  it('honours Idempotency-Key: the same key and body create one partner', async () => {
    const body = { name: 'Once Only', type: 'alliance', criteria: criteria(7) };
    const first = await api.call('POST', '/partners', { as: MANAGER, body, headers: { 'idempotency-key': 'partner-once-0001' } });
    const again = await api.call('POST', '/partners', { as: MANAGER, body, headers: { 'idempotency-key': 'partner-once-0001' } });
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await api.call('GET', '/partners?result=approved', { as: MANAGER })).body.items.filter((p: any) => p.name === 'Once Only')).toHaveLength(1);
  });
});
