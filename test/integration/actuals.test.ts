import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';
import { actualsByKey, actualsByMonth, total } from '#shared/goals/actuals';

/** Every order — recorded directly or booked by a won deal — adds to the actuals roll-ups in its own transaction. */
let api: Awaited<ReturnType<typeof testApi>>;
const REP = 'rep-east-enterprise-1';
const MATE = 'rep-east-enterprise-2';
const OTHER_TEAM = 'rep-east-commercial-1';
const SOUTH = 'rep-south-enterprise-1';
const thisMonth = new Date().toISOString().slice(0, 7);
const today = new Date().toISOString().slice(0, 10);
const lastMonthDay = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 15)).toISOString().slice(0, 10);
const from = lastMonthDay.slice(0, 7);

async function order(rep: string, amount: number, productLineId: string, date = today, key?: string) {
  const customer = (await api.call('GET', '/customers?tier=C&limit=1', { as: rep })).body.items[0];
  const res = await api.call('POST', `/customers/${customer.id}/orders`, { as: rep, body: { amount, date, productLineId }, headers: key ? { 'idempotency-key': key } : {} });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

beforeAll(async () => {
  api = await testApi({ demo: true });
  await order(REP, 100_000, 'crm-suite', today, 'actuals-order-0001');
  await order(REP, 100_000, 'crm-suite', today, 'actuals-order-0001'); // a replay: counted once
  await order(REP, 50_000, 'analytics', lastMonthDay);
  await order(MATE, 70_000, 'crm-suite');
  await order(OTHER_TEAM, 30_000, 'services');
  await order(SOUTH, 20_000, 'crm-suite');
  // A won deal books its order too.
  const customer = (await api.call('GET', '/customers?tier=C&limit=1', { as: REP })).body.items[0];
  const deal = await api.call('POST', '/deals', { as: REP, body: { customerId: customer.id, title: 'Small win', amount: 40_000, productLineId: 'crm-suite', expectedCloseDate: today } });
  expect((await api.call('POST', `/deals/${deal.body.id}/stage`, { as: REP, body: { stage: 'won' } })).status).toBe(200);
}, 60_000);

describe('actuals roll-ups', () => {
  const sum = async (filter: Parameters<typeof actualsByMonth>[1]) => total(await actualsByMonth(api.db, filter, from, thisMonth)).CNY ?? 0;

  it('equal the orders summed by hand for every scope a target tree can ask for', async () => {
    expect(await sum({})).toBe(100_000 + 50_000 + 70_000 + 30_000 + 20_000 + 40_000);
    expect(await sum({ regionId: 'east' })).toBe(100_000 + 50_000 + 70_000 + 30_000 + 40_000);
    expect(await sum({ teamId: 'east-enterprise' })).toBe(100_000 + 50_000 + 70_000 + 40_000);
    expect(await sum({ repId: REP })).toBe(100_000 + 50_000 + 40_000);
    expect(await sum({ productLineId: 'crm-suite' })).toBe(100_000 + 70_000 + 20_000 + 40_000);
    expect(await sum({ regionId: 'east', productLineId: 'crm-suite' })).toBe(100_000 + 70_000 + 40_000);
    expect(await sum({ teamId: 'east-enterprise', productLineId: 'analytics' })).toBe(50_000);
    expect(await sum({ repId: REP, productLineId: 'crm-suite' })).toBe(140_000);
  });

  it('are kept by month, so a period reads only its months', async () => {
    const months = await actualsByMonth(api.db, { repId: REP }, from, thisMonth);
    expect(months).toEqual([
      { month: from, amount: { CNY: 50_000 }, orders: 1 },
      { month: thisMonth, amount: { CNY: 140_000 }, orders: 2 },
    ]);
  });

  it('give each key its share for history allocation', async () => {
    const byRep = await actualsByKey(api.db, { dimension: 'repId', keys: [REP, MATE, 'rep-east-enterprise-3'], filter: { teamId: 'east-enterprise' }, from, to: thisMonth, currency: 'CNY' });
    expect(byRep).toEqual({ [REP]: 190_000, [MATE]: 70_000, 'rep-east-enterprise-3': 0 });
  });
});
