import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

const tag = Math.random().toString(36).slice(2, 8);
const rep = 'rep-east-enterprise-1';
const manager = 'manager-east-enterprise';

/** Two customers flagged as a pair, merged keeping the first: answers both, the merged one read back. */
async function mergedPair() {
  const phone = '+86 21 8811 4400';
  const keep = await api.call('POST', '/customers', { as: rep, body: { name: `Tombstone ${tag} Ltd`, contacts: [{ name: 'A', phone }] } });
  const gone = await api.call('POST', '/customers?allowDuplicate=true', { as: rep, body: { name: `TOMBSTONE ${tag} limited`, contacts: [{ name: 'B', phone }] } });
  expect([keep.status, gone.status]).toEqual([201, 201]);
  const pairs: any = await api.call('GET', '/data-quality/duplicates?limit=100', { as: manager });
  const pair = pairs.body.items.find((p: any) => p.customerId === (gone.body as any).id);
  const merged = await api.call('POST', `/data-quality/duplicates/${pair.id}/merge`, { as: manager, body: { keepId: (keep.body as any).id } });
  expect(merged.status, JSON.stringify(merged.body)).toBe(200);
  const read: any = await api.call('GET', `/customers/${(gone.body as any).id}`, { as: manager });
  return { keepId: (keep.body as any).id as string, gone: read.body as { id: string; version: number; status: string } };
}

describe('a customer merged into another takes no more writes', () => {
  it('an order, a change or an archive of the merged-away customer is a 409 merged naming the kept one; nothing is written', async () => {
    const { keepId, gone } = await mergedPair();
    expect(gone.status).toBe('merged');

    const order = await api.call('POST', `/customers/${gone.id}/orders`, { as: manager, body: { amount: 5000, date: '2026-01-05', productLineId: 'crm-suite' } });
    expect(order.status).toBe(409);
    expect(order.body).toMatchObject({ error: { code: 'merged', fields: { customerId: `Merged into ${keepId}` } } });
    expect((order.body as any).error.message).toContain(keepId);

    const patch = await api.call('PATCH', `/customers/${gone.id}`, { as: rep, body: { industry: 'Retail' }, headers: { 'if-match': `"${gone.version}"` } });
    expect(patch.status).toBe(409);
    expect(patch.body).toMatchObject({ error: { code: 'merged' } });

    const archive = await api.call('POST', `/customers/${gone.id}/archive`, { as: rep });
    expect(archive.status).toBe(409);
    expect(archive.body).toMatchObject({ error: { code: 'merged' } });

    const deal = await api.call('POST', '/deals', { as: rep, body: { customerId: gone.id, title: 'On the tombstone', amount: 100_000, productLineId: 'crm-suite', expectedCloseDate: '2026-12-31' } });
    expect(deal.status).toBe(409);
    expect(deal.body).toMatchObject({ error: { code: 'merged', fields: { customerId: `Merged into ${keepId}` } } });

    // Still merged, no order on either side, the kept customer still takes orders.
    const after: any = await api.call('GET', `/customers/${gone.id}`, { as: manager });
    expect(after.body).toMatchObject({ status: 'merged', mergedInto: keepId, version: gone.version });
    expect(((await api.call('GET', `/customers/${gone.id}/orders`, { as: manager })).body as any).items).toEqual([]);
    expect(((await api.call('GET', `/customers/${keepId}/orders`, { as: manager })).body as any).items).toEqual([]);
    const kept = await api.call('POST', `/customers/${keepId}/orders`, { as: manager, body: { amount: 5000, date: '2026-01-05', productLineId: 'crm-suite' } });
    expect(kept.status, JSON.stringify(kept.body)).toBe(201);
  });
});
