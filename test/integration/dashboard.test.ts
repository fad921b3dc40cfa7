import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';
import { approvalHelpers } from '#test/support/approvals';
import { bulkOrders } from '#test/support/bulk-orders';

let api: Awaited<ReturnType<typeof testApi>>;
let h: ReturnType<typeof approvalHelpers>;

const REP1 = 'rep-east-enterprise-1';
const REP2 = 'rep-east-enterprise-2';
const REP3 = 'rep-east-enterprise-3';
const EC = 'rep-east-commercial-1';
const SOUTH = 'rep-south-enterprise-1';
const MANAGER = 'manager-east-enterprise';

const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);
const now = new Date();
const year = now.getUTCFullYear();
const month = now.toISOString().slice(0, 7);
const quarter = `${year}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
const today = now.toISOString().slice(0, 10);

const dashboard = (as: string, period: string, scope: string) => api.call('GET', `/dashboard?period=${period}&scope=${encodeURIComponent(scope)}`, { as });

const customers = new Map<string, string[]>();
async function customersOf(rep: string) {
  if (!customers.has(rep)) customers.set(rep, (await api.call('GET', '/customers?tier=C&limit=20', { as: rep })).body.items.map((c: any) => c.id));
  return customers.get(rep)!;
}
async function order(rep: string, amount: number, i = 0) {
  const list = await customersOf(rep);
  const res = await api.call('POST', `/customers/${list[i % list.length]}/orders`, { as: rep, body: { amount, date: today, productLineId: 'crm-suite' } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}
async function dealThrough(rep: string, amount: number, stages: string[]) {
  const created = await api.call('POST', '/deals', {
    as: rep,
    body: { customerId: (await customersOf(rep))[0], title: `Dashboard ${amount}`, productLineId: 'crm-suite', amount, expectedCloseDate: `${year}-12-31` },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  for (const stage of stages) {
    const res = await api.call('POST', `/deals/${created.body.id}/stage`, { as: rep, body: { stage, ...(stage === 'lost' ? { reason: 'price' } : {}) } });
    expect(res.status, `${stage}: ${JSON.stringify(res.body)}`).toBe(200);
  }
}

let team: any;
let rep1: any;
let company: any;
let approvalId: string;

beforeAll(async () => {
  api = await testApi({ demo: true });
  h = approvalHelpers(api);
  company = (await api.call('POST', '/targets', { as: 'vp', body: { fiscalYear: year, amount: 12_000_000_000, tiers: { base: 12_000_000_000, sprint: 13_000_000_000, challenge: 15_000_000_000 } } })).body;
  const regions = await api.call('POST', `/targets/${company.id}/allocations`, { as: 'vp', body: { dimension: 'region', method: 'weights', weights: { east: 60, south: 40 } } });
  const east = regions.body.children.find((c: any) => c.key === 'east');
  const teams = await api.call('POST', `/targets/${east.id}/allocations`, { as: 'vp', body: { dimension: 'team', method: 'even' } });
  team = teams.body.children.find((c: any) => c.key === 'east-enterprise');
  const reps = await api.call('POST', `/targets/${team.id}/allocations`, { as: 'vp', body: { dimension: 'rep', method: 'even' } });
  rep1 = reps.body.children.find((c: any) => c.key === REP1);

  // Ten orders, amounts chosen so every figure below is a sum by hand.
  const orders: [string, number][] = [[REP1, 300_000], [REP1, 200_000], [REP1, 50_000], [REP2, 150_000], [REP2, 100_000], [REP3, 70_000], [EC, 90_000], [EC, 10_000], [SOUTH, 60_000], [SOUTH, 40_000]];
  for (const [i, [rep, amount]] of orders.entries()) await order(rep, amount, i);
  // Funnel: a won deal (books a 500,000 order for REP1), a lost one, an open one; and an approval waiting on the manager.
  await dealThrough(REP1, 500_000, ['qualified', 'won']);
  await dealThrough(REP2, 200_000, ['qualified', 'lost']);
  await dealThrough(REP3, 80_000, ['qualified']);
  const deal = await h.createDeal(REP1, { amount: 30_000_000, discountPct: 15, tier: 'A', title: 'Needs a manager' });
  approvalId = (await h.request(REP1, deal.id, 'Strategic logo')).id;
  await h.inInbox(MANAGER, approvalId);
}, 60_000);

describe('GET /dashboard', () => {
  it('a manager’s team for the year: target tiers, pace, trend, top reps, funnel, inbox, churn — in ≤ 2 round trips', async () => {
    const res = await dashboard(MANAGER, String(year), 'team:east-enterprise');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(trips(res)).toBe(2); // the BatchGet and the inbox Query, in parallel
    const actual = 550_000 + 500_000 + 250_000 + 70_000;
    expect(res.body).toMatchObject({ scope: { kind: 'team', id: 'east-enterprise' }, currency: 'CNY', actual, target: { id: team.id, tiers: team.tiers } });
    expect(res.body.attainment.base).toBeCloseTo(actual / team.tiers.base, 4);
    expect(res.body.attainment.challenge).toBeCloseTo(actual / team.tiers.challenge, 4);
    const progress = (await api.call('GET', `/targets/${team.id}/progress`, { as: MANAGER })).body;
    expect(res.body.expectedToDate).toBe(progress.expectedToDate);
    expect(res.body.pace).toBe(progress.pace);
    expect(res.body.pace).toBeCloseTo(actual / progress.expectedToDate, 3);
    expect(res.body.trend).toHaveLength(12);
    expect(res.body.trend.find((m: any) => m.month === month)).toEqual({ month, amount: actual, orders: 7 });
    expect(res.body.trend.filter((m: any) => m.month !== month).every((m: any) => m.amount === 0)).toBe(true);
    expect(res.body.topReps).toEqual([{ repId: REP1, amount: 1_050_000 }, { repId: REP2, amount: 250_000 }, { repId: REP3, amount: 70_000 }]);
    expect(res.body.funnel).toEqual({ entered: 4, won: 1, lost: 1, winRate: 0.5 });
    expect(res.body.approvals.pending).toBe(1);
    expect(res.body.approvals.first[0].approvalId ?? res.body.approvals.first[0].id).toBe(approvalId);
    expect(res.body.churn).toEqual({ openAlerts: 0 });
  });

  it('me, a region, the company; a quarter without a quarter target says target: null', async () => {
    const me = await dashboard(REP1, month, 'me');
    expect(me.status, JSON.stringify(me.body)).toBe(200);
    expect(trips(me)).toBe(2); // the BatchGet and the inbox Query, in parallel
    expect(me.body).toMatchObject({ actual: 1_050_000, target: null, topReps: [{ repId: REP1, amount: 1_050_000 }], funnel: { entered: 2, won: 1, lost: 0, winRate: 1 }, approvals: { pending: 0, first: [] } });
    const meYear = await dashboard(REP1, String(year), 'me');
    expect(meYear.body.target.id).toBe(rep1.id);
    expect(meYear.body.attainment.base).toBeCloseTo(1_050_000 / rep1.tiers.base, 4);

    const region = await dashboard('director-east', quarter, 'region:east');
    expect(region.status).toBe(200);
    expect(trips(region)).toBe(2); // the BatchGet and the inbox Query, in parallel
    expect(region.body).toMatchObject({ actual: 1_470_000, target: null, attainment: null, pace: null, funnel: { won: 1, lost: 1 } });
    expect(region.body.trend).toHaveLength(3);

    const all = await dashboard('vp', String(year), 'company');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ actual: 1_570_000, target: { id: company.id } });
    expect(all.body.topReps).toEqual([
      { repId: REP1, amount: 1_050_000 },
      { repId: REP2, amount: 250_000 },
      { repId: EC, amount: 100_000 },
      { repId: SOUTH, amount: 100_000 },
      { repId: REP3, amount: 70_000 },
    ]);
  });

  it('out of scope is a 403 with no figures; a bad period is a 400 naming period', async () => {
    for (const [as, scope] of [[REP1, 'team:south-enterprise'], [REP1, 'team:east-enterprise'], [MANAGER, 'team:south-enterprise'], ['director-east', 'region:south'], ['director-east', 'company']] as const) {
      const res = await dashboard(as, String(year), scope);
      expect(res.status, `${as} ${scope}`).toBe(403);
      expect(res.body.actual).toBeUndefined();
    }
    expect((await dashboard('director-east', String(year), 'team:east-commercial')).status).toBe(200);
    for (const period of ['2026-13', '2026-Q5', '26', 'soon']) {
      const bad = await dashboard(MANAGER, period, 'me');
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields).toHaveProperty('period');
    }
    const badScope = await dashboard(MANAGER, String(year), 'planet:mars');
    expect(badScope.status).toBe(400);
    expect(badScope.body.error.fields).toHaveProperty('scope');
  });

  it('still ≤ 2 round trips after 300 more orders, and the figures follow', async () => {
    const reps = [REP1, REP2, REP3];
    for (let i = 0; i < 300; i++) await order(reps[i % 3]!, 1_000, i);
    const res = await dashboard(MANAGER, String(year), 'team:east-enterprise');
    expect(res.status).toBe(200);
    expect(trips(res)).toBe(2); // the BatchGet and the inbox Query, in parallel
    expect(res.body.actual).toBe(1_370_000 + 300_000);
    expect(res.body.topReps[0]).toEqual({ repId: REP1, amount: 1_150_000 });
    const all = await dashboard('vp', quarter, 'company');
    expect(trips(all)).toBe(2); // the BatchGet and the inbox Query, in parallel
    expect(all.body.actual).toBe(1_870_000);
  }, 60_000);

  it('still 2 round trips with 10,000 orders in the table', async () => {
    // 310 orders so far; 9,690 more for the three reps and the south team, as the order path writes them.
    const place = { regionId: 'east', teamId: 'east-enterprise', productLineId: 'crm-suite', date: today };
    const reps = [REP1, REP2, REP3];
    const more = [
      ...Array.from({ length: 9_000 }, (_, i) => ({ ...place, ownerId: reps[i % 3]!, customerId: `bulk-${i % 50}`, amount: 100 })),
      ...Array.from({ length: 690 }, (_, i) => ({ ...place, regionId: 'south', teamId: 'south-enterprise', ownerId: SOUTH, customerId: `bulk-s-${i % 20}`, amount: 10 })),
    ];
    await bulkOrders(api.db, more);
    const res = await dashboard(MANAGER, String(year), 'team:east-enterprise');
    expect(trips(res)).toBe(2);
    expect(res.body.actual).toBe(1_370_000 + 300_000 + 900_000);
    const all = await dashboard('vp', String(year), 'company');
    expect(trips(all)).toBe(2);
    expect(all.body.actual).toBe(1_870_000 + 900_000 + 6_900);
  }, 120_000);
});
