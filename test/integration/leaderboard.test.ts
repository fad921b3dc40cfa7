import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';

let api: Awaited<ReturnType<typeof testApi>>;

// The demo org's east region: east-enterprise (Li Wei, Wang Fang, Zhang Min) and east-commercial (Liu Yang, Chen Jing, Yang Lei).
const REP1 = 'rep-east-enterprise-1';
const REP2 = 'rep-east-enterprise-2';
const REP3 = 'rep-east-enterprise-3';
const EC1 = 'rep-east-commercial-1';
const EC2 = 'rep-east-commercial-2';
const EC3 = 'rep-east-commercial-3';
const SOUTH = 'rep-south-enterprise-1';
const MANAGER = 'manager-east-enterprise';

const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);
const now = new Date();
const year = now.getUTCFullYear();
const month = now.toISOString().slice(0, 7);
const quarter = `${year}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
const today = now.toISOString().slice(0, 10);

const board = (as: string, query: string) => api.call('GET', `/leaderboard?${query}`, { as });
const ranks = (res: any) => res.body.entries.map((e: any) => [e.userId, e.rank, e.value]);

const customers = new Map<string, string[]>();
async function customersOf(rep: string) {
  if (!customers.has(rep)) customers.set(rep, (await api.call('GET', '/customers?limit=20', { as: rep })).body.items.map((c: any) => c.id));
  return customers.get(rep)!;
}
async function order(rep: string, amount: number, i = 0) {
  const list = await customersOf(rep);
  const res = await api.call('POST', `/customers/${list[i % list.length]}/orders`, { as: rep, body: { amount, date: today, productLineId: 'crm-suite' } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}
async function survey(rep: string, score: number, i: number) {
  const res = await api.call('POST', `/customers/${(await customersOf(rep))[i]}/surveys`, { as: rep, body: { type: 'nps', score } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}
async function allocate(id: string, body: unknown) {
  const res = await api.call('POST', `/targets/${id}/allocations`, { as: 'vp', body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.children as any[];
}

beforeAll(async () => {
  api = await testApi({ demo: true });
  // Year targets: east-enterprise's reps 1,000,000 / 500,000 / 500,000; east-commercial's reps get none.
  const company = await api.call('POST', '/targets', { as: 'vp', body: { fiscalYear: year, amount: 6_000_000, tiers: { base: 6_000_000, sprint: 6_600_000, challenge: 7_200_000 } } });
  expect(company.status, JSON.stringify(company.body)).toBe(201);
  const east = (await allocate(company.body.id, { dimension: 'region', amounts: { east: 3_000_000, south: 3_000_000 } })).find((c) => c.key === 'east');
  const team = (await allocate(east.id, { dimension: 'team', amounts: { 'east-enterprise': 2_000_000, 'east-commercial': 1_000_000 } })).find((c) => c.key === 'east-enterprise');
  await allocate(team.id, { dimension: 'rep', amounts: { [REP1]: 1_000_000, [REP2]: 500_000, [REP3]: 500_000 } });

  const orders: [string, number][] = [[REP1, 300_000], [REP1, 200_000], [REP2, 400_000], [REP3, 100_000], [EC1, 900_000], [SOUTH, 50_000]];
  for (const [i, [rep, amount]] of orders.entries()) await order(rep, amount, i);
  // NPS: REP1 two promoters and a detractor (33.3), REP2 a promoter and a passive (50), REP3 none.
  await survey(REP1, 10, 0);
  await survey(REP1, 9, 1);
  await survey(REP1, 3, 2);
  await survey(REP2, 9, 0);
  await survey(REP2, 8, 1);
}, 90_000);

describe('GET /leaderboard', () => {
  it('won_amount in the rep’s own team: ranks by hand, the caller’s position, 2 round trips', async () => {
    const res = await board(REP2, `period=${month}&metric=won_amount&scope=team:east-enterprise`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(trips(res)).toBe(2); // the team's members (Query), then principal + top reps (BatchGet)
    expect(res.body).toMatchObject({ period: { id: month, from: month, to: month }, metric: 'won_amount', scope: { kind: 'team', id: 'east-enterprise' } });
    expect(ranks(res)).toEqual([[REP1, 1, 500_000], [REP2, 2, 400_000], [REP3, 3, 100_000]]);
    expect(res.body.me).toMatchObject({ userId: REP2, rank: 2, value: 400_000, currency: 'CNY', name: 'Wang Fang' });
  });

  it('won_amount for a region: equal amounts share a rank (5, 5), ties listed by name; a quarter sums its months', async () => {
    const res = await board('director-east', `period=${quarter}&metric=won_amount&scope=region:east`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(trips(res)).toBe(2);
    expect(ranks(res)).toEqual([[EC1, 1, 900_000], [REP1, 2, 500_000], [REP2, 3, 400_000], [REP3, 4, 100_000], [EC2, 5, 0], [EC3, 5, 0]]);
    expect(res.body.me).toBeNull(); // a director is not a rep on the board
    const company = await board('vp', `period=${year}&metric=won_amount&scope=company`);
    expect(company.body.entries).toHaveLength(12);
    expect(company.body.entries.slice(0, 5).map((e: any) => e.userId)).toEqual([EC1, REP1, REP2, REP3, SOUTH]);
  });

  it('attainment = actual ÷ the rep’s target for the period; reps without one follow, unranked, with null', async () => {
    const res = await board('director-east', `period=${year}&metric=attainment&scope=region:east`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(trips(res)).toBe(2);
    expect(ranks(res)).toEqual([[REP2, 1, 0.8], [REP1, 2, 0.5], [REP3, 3, 0.2], [EC2, null, null], [EC1, null, null], [EC3, null, null]]);
    expect(res.body.entries[0]).toMatchObject({ actual: 400_000, target: 500_000, currency: 'CNY' });
    expect(res.body.entries[4]).toMatchObject({ userId: EC1, actual: 900_000, target: null });
    // No rep target for the month: everyone is unranked.
    const monthly = await board(MANAGER, `period=${month}&metric=attainment&scope=team:east-enterprise`);
    expect(monthly.body.entries.every((e: any) => e.rank === null && e.value === null)).toBe(true);
  });

  it('nps per rep from the survey answers of the period (promoters − detractors), reps without answers last', async () => {
    const res = await board(MANAGER, `period=${month}&metric=nps&scope=team:east-enterprise`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(trips(res)).toBe(2);
    expect(ranks(res)).toEqual([[REP2, 1, 50], [REP1, 2, 33.3], [REP3, null, null]]);
    expect(res.body.entries[1]).toMatchObject({ promoters: 2, passives: 0, detractors: 1, responses: 3 });
    const lastYear = await board(MANAGER, `period=${year - 1}&metric=nps&scope=team:east-enterprise`);
    expect(lastYear.body.entries.every((e: any) => e.value === null)).toBe(true);
  });

  it('me is the caller’s own figure in one round trip', async () => {
    const res = await board(REP1, `period=${year}&metric=attainment`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(trips(res)).toBe(1);
    expect(res.body.scope).toEqual({ kind: 'me', id: REP1 });
    expect(ranks(res)).toEqual([[REP1, 1, 0.5]]);
    expect(res.body.me).toMatchObject({ userId: REP1, actual: 500_000, target: 1_000_000 });
  });

  it('scope: a rep sees their team and own, a manager their team, a director their region, org-wide roles everything', async () => {
    const q = (scope: string) => `period=${year}&metric=won_amount&scope=${scope}`;
    const cases: [string, string, number][] = [
      [REP1, 'team:east-commercial', 403],
      [REP1, 'region:east', 403],
      [REP1, 'company', 403],
      [MANAGER, 'team:east-commercial', 403],
      [MANAGER, 'region:east', 403],
      ['director-east', 'team:east-commercial', 200],
      ['director-east', 'team:south-enterprise', 403],
      ['director-east', 'region:south', 403],
      ['director-east', 'company', 403],
      ['finance', 'company', 200],
      ['admin', 'region:south', 200],
      ['vp', 'team:no-such-team', 404],
      ['vp', 'region:nowhere', 404],
    ];
    for (const [as, scope, status] of cases) expect([as, scope, (await board(as, q(scope))).status]).toEqual([as, scope, status]);
  });

  it('bad input is a 400 naming the field', async () => {
    const bad = await board(REP1, 'period=2026-13&metric=revenue&scope=everyone&colour=red');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['colour', 'metric', 'period', 'scope']);
    expect((await board(REP1, 'metric=nps')).body.error.fields).toHaveProperty('period');
  });
});

describe('personal incentives', () => {
  const incentive = (as: string, body: unknown) => api.call('POST', '/incentives', { as, body });
  const progressOf = async (as = REP1, query = `?userId=${REP1}`) => api.call('GET', `/incentives${query}`, { as });
  const byMetric = (res: any) => Object.fromEntries(res.body.items.map((i: any) => [i.metric, i]));

  it('a manager sets incentives for a team member, who is notified; progress is computed from the actuals on read', async () => {
    const goals = [
      { metric: 'won_amount', goal: 600_000, reward: 'Team dinner', period: month },
      { metric: 'orders', goal: 2, reward: 'A day off', period: quarter },
      { metric: 'new_customers', goal: 6, reward: 'Conference ticket', period: month },
      { metric: 'attainment', goal: 0.55, reward: 'Bonus 2,000 CNY', period: String(year) },
    ];
    for (const goal of goals) {
      const res = await incentive(MANAGER, { userId: REP1, ...goal });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ userId: REP1, createdBy: MANAGER, achievedAt: null, ...goal });
    }
    const notes = (await api.call('GET', '/notifications?limit=100', { as: REP1 })).body.items.filter((n: any) => n.kind === 'incentive');
    expect(notes.map((n: any) => n.title)).toContain(`New incentive: won_amount ≥ 600000 CNY in ${month}`);

    const first = await progressOf();
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(trips(first)).toBe(3); // incentives (Query), principal + person + aggregates (BatchGet), orders newly achieved (transaction)
    expect(first.body.items.map((i: any) => i.metric)).toEqual(['attainment', 'new_customers', 'orders', 'won_amount']);
    const p = byMetric(first);
    // The demo seed gave REP1 five customers this month; REP1 booked 300,000 + 200,000 above.
    expect(p.won_amount.progress).toEqual({ current: 500_000, goal: 600_000, ratio: 0.8333, remaining: 100_000, achieved: false, achievedAt: null });
    expect(p.orders.progress).toMatchObject({ current: 2, achieved: true });
    expect(p.orders.achievedAt).toBe(p.orders.progress.achievedAt);
    expect(p.new_customers.progress).toMatchObject({ current: 5, achieved: false });
    expect(p.attainment.progress).toMatchObject({ current: 0.5, goal: 0.55, achieved: false });

    const again = await progressOf(MANAGER);
    expect(trips(again)).toBe(2);
    expect(byMetric(again).orders.achievedAt).toBe(p.orders.achievedAt);
  });

  it('an order and a new customer reach the goals: achieved with achievedAt kept, the rep and the manager notified once', async () => {
    await order(REP1, 100_000, 3);
    expect((await api.call('POST', '/customers', { as: REP1, body: { name: 'Incentive Newco' } })).status).toBe(201);
    const res = await progressOf();
    const p = byMetric(res);
    expect(p.won_amount.progress).toMatchObject({ current: 600_000, remaining: 0, ratio: 1, achieved: true });
    expect(p.new_customers.progress).toMatchObject({ current: 6, achieved: true });
    expect(p.attainment.progress).toMatchObject({ current: 0.6, achieved: true });
    for (const i of Object.values(p) as any[]) expect(i.achievedAt).toEqual(expect.any(String));
    await progressOf('director-east');
    const reached = async (as: string) => (await api.call('GET', '/notifications?limit=100', { as })).body.items.filter((n: any) => n.title.startsWith('Incentive reached'));
    expect(await reached(REP1)).toHaveLength(4);
    expect(await reached(MANAGER)).toHaveLength(4);
  });

  it('who may set and read: managers and above in scope, never for themselves; a teammate reads nothing', async () => {
    const body = { userId: REP1, metric: 'orders', goal: 10, reward: 'Lunch', period: month };
    expect((await incentive(REP2, body)).status).toBe(403);
    expect((await incentive('finance', body)).status).toBe(403);
    expect((await incentive('manager-east-commercial', body)).status).toBe(404);
    expect((await incentive(MANAGER, { ...body, userId: MANAGER })).status).toBe(403);
    expect((await incentive('director-east', body)).status).toBe(201);
    expect((await progressOf(REP2)).status).toBe(404);
    expect((await progressOf('manager-east-commercial')).status).toBe(404);
    const own = await progressOf(REP1, '');
    expect(own.status).toBe(200);
    expect(own.body.items).toHaveLength(5);
    expect((await progressOf(REP2, '')).body.items).toEqual([]);
  });

  it('bad input is a 400 naming the field', async () => {
    const bad = await incentive(MANAGER, { userId: REP1, metric: 'calls', goal: -1, reward: '', period: '2026-W1', extra: true });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['extra', 'goal', 'metric', 'period', 'reward']);
    const fractional = await incentive(MANAGER, { userId: REP1, metric: 'orders', goal: 1.5, reward: 'x', period: month, currency: 'CNY' });
    expect(fractional.status).toBe(400);
    expect(Object.keys(fractional.body.error.fields).sort()).toEqual(['currency', 'goal']);
    expect((await progressOf(REP1, '?userId=not valid')).body.error.fields).toHaveProperty('userId');
  });
});
