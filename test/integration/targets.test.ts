import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '#shared/core/audit';
import { testApi } from '#test/support/api';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

const VP = 'vp';
const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const TIERS = ['base', 'sprint', 'challenge'] as const;

/** 120,000,000.00 CNY in fen; sprint and challenge chosen so that rounding is exercised at every level. */
const COMPANY = { fiscalYear: 2026, amount: 12_000_000_000, tiers: { base: 12_000_000_000, sprint: 13_200_000_007, challenge: 15_000_000_013 } };

const allocate = (as: string, id: string, body: unknown) => api.call('POST', `/targets/${id}/allocations`, { as, body });
const get = (as: string, id: string) => api.call('GET', `/targets/${id}`, { as });

/** Every tier of the children along one dimension sums exactly to the parent's. */
function expectExactSplit(parent: any, children: any[]) {
  expect(children.length).toBeGreaterThan(0);
  expect(sum(children.map((c) => c.amount))).toBe(parent.amount);
  for (const tier of TIERS) expect(sum(children.map((c) => c.tiers[tier]))).toBe(parent.tiers[tier]);
  for (const c of children) {
    expect(c.amount).toBe(c.tiers.base);
    expect(c.tiers.sprint).toBeGreaterThanOrEqual(c.tiers.base);
    expect(c.tiers.challenge).toBeGreaterThanOrEqual(c.tiers.sprint);
  }
}

let root: any;
const regions: Record<string, any> = {};
const teams: Record<string, any> = {};
const reps: Record<string, any> = {};

beforeAll(async () => {
  api = await testApi({ demo: true });
});

describe('the company target', () => {
  it('only a vp or admin sets it; tiers are checked and named', async () => {
    expect((await api.call('POST', '/targets', { as: 'director-east', body: COMPANY })).status).toBe(403);
    const bad = await api.call('POST', '/targets', { as: VP, body: { fiscalYear: 2026, amount: 100.5, tiers: { base: 90, sprint: 80, challenge: 70 }, ownerId: 'x' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(['amount']));
    const tiers = await api.call('POST', '/targets', { as: VP, body: { fiscalYear: 2026, amount: 100, tiers: { base: 90, sprint: 80, challenge: 70 } } });
    expect(tiers.status).toBe(400);
    expect(Object.keys(tiers.body.error.fields).sort()).toEqual(['tiers.base', 'tiers.challenge', 'tiers.sprint']);

    const created = await api.call('POST', '/targets', { as: VP, body: COMPANY });
    expect(created.status).toBe(201);
    root = created.body;
    expect(root).toMatchObject({ dimension: 'company', amount: 12_000_000_000, currency: 'CNY', parentId: null, ownerId: null, allocatedDimensions: [] });
    expect(root.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect((await api.call('POST', '/targets', { as: VP, body: COMPANY })).status).toBe(409);
  });
});

describe('the done-means tree: regions 60/40 → teams (even) → reps (even), and teams by quarter → month', () => {
  it('splits the company by region with weights 60/40; the directors own their regions', async () => {
    const res = await allocate(VP, root.id, { dimension: 'region', method: 'weights', weights: { east: 60, south: 40 } });
    expect(res.status).toBe(201);
    expectExactSplit(root, res.body.children);
    for (const c of res.body.children) regions[c.key] = c;
    expect(regions.east).toMatchObject({ amount: 7_200_000_000, ownerId: 'director-east', regionId: 'east', parentId: root.id });
    expect(regions.south).toMatchObject({ amount: 4_800_000_000, ownerId: 'director-south', regionId: 'south' });
    expect(regions.east.tiers.sprint + regions.south.tiers.sprint).toBe(13_200_000_007);
  });

  it('each director splits their region by its teams (even); the managers own the teams', async () => {
    for (const region of ['east', 'south']) {
      const res = await allocate(`director-${region}`, regions[region].id, { dimension: 'team', method: 'even' });
      expect(res.status).toBe(201);
      expect(res.body.children.map((c: any) => c.key).sort()).toEqual([`${region}-commercial`, `${region}-enterprise`]);
      expectExactSplit(regions[region], res.body.children);
      for (const c of res.body.children) {
        teams[c.key] = c;
        expect(c).toMatchObject({ ownerId: `manager-${c.key}`, regionId: region, teamId: c.key });
      }
    }
  });

  it('each manager splits their team by its reps (even) and by quarter, each quarter by month', async () => {
    for (const [teamId, team] of Object.entries(teams)) {
      const byRep = await allocate(`manager-${teamId}`, team.id, { dimension: 'rep', method: 'even' });
      expect(byRep.status).toBe(201);
      expect(byRep.body.children.map((c: any) => c.key).sort()).toEqual([1, 2, 3].map((n) => `rep-${teamId}-${n}`));
      expectExactSplit(team, byRep.body.children);
      for (const c of byRep.body.children) {
        reps[c.key] = c;
        expect(c).toMatchObject({ ownerId: c.key, repId: c.key, teamId, regionId: team.regionId });
      }
      const byQuarter = await allocate(`manager-${teamId}`, team.id, { dimension: 'quarter', method: 'even' });
      expect(byQuarter.status).toBe(201);
      expect(byQuarter.body.children.map((c: any) => c.key)).toEqual(['Q1', 'Q2', 'Q3', 'Q4']);
      expectExactSplit(team, byQuarter.body.children);
      for (const quarter of byQuarter.body.children) {
        const byMonth = await allocate(`manager-${teamId}`, quarter.id, { dimension: 'month', method: 'even' });
        expect(byMonth.status).toBe(201);
        expect(byMonth.body.children).toHaveLength(3);
        expect(byMonth.body.children.every((m: any) => m.quarter === quarter.key && m.month.startsWith('2026-'))).toBe(true);
        expectExactSplit(quarter, byMonth.body.children);
      }
    }
  });

  it('a rep target splits by quarter too (manager), with explicit amounts that must sum exactly', async () => {
    const rep = reps['rep-east-enterprise-1'];
    const off = await allocate('manager-east-enterprise', rep.id, { dimension: 'quarter', amounts: { Q1: 1, Q2: 2 } });
    expect(off.status).toBe(400);
    expect(off.body.error.fields).toHaveProperty('amounts');
    const q = rep.amount / 4;
    const ok = await allocate('manager-east-enterprise', rep.id, { dimension: 'quarter', amounts: { Q1: q - 5, Q2: q, Q3: q, Q4: q + 5 } });
    expect(ok.status).toBe(201);
    expectExactSplit(rep, ok.body.children);
    expect(ok.body.children.map((c: any) => c.amount)).toEqual([q - 5, q, q, q + 5]);
  });

  it('GET /targets/{id} shows children by dimension (each summing exactly) and the path to the root, in ≤ 2 round trips', async () => {
    const team = await get(VP, teams['east-enterprise'].id);
    expect(team.status).toBe(200);
    expect(trips(team)).toBeLessThanOrEqual(2);
    expect(team.body.allocatedDimensions).toEqual(['rep', 'quarter']);
    expect(team.body.path.map((p: any) => p.id)).toEqual([root.id, regions.east.id]);
    for (const dimension of ['rep', 'quarter']) expectExactSplit(team.body, team.body.children.filter((c: any) => c.dimension === dimension));

    // every node of the tree, walked level by level through the API: each dimension's children sum exactly
    let frontier = [root.id];
    let nodes = 0;
    while (frontier.length > 0) {
      const next: string[] = [];
      for (const id of frontier) {
        const res = await get(VP, id);
        expect(trips(res)).toBeLessThanOrEqual(2);
        nodes += 1;
        for (const dimension of res.body.allocatedDimensions) expectExactSplit(res.body, res.body.children.filter((c: any) => c.dimension === dimension));
        next.push(...res.body.children.map((c: any) => c.id));
      }
      frontier = next;
    }
    // root + 2 regions + 4 teams + 12 reps + 16 team quarters + 48 months + 4 rep quarters
    expect(nodes).toBe(1 + 2 + 4 + 12 + 16 + 48 + 4);
  });
});

describe('rules', () => {
  it('409 when a node is decomposed twice along the same dimension', async () => {
    const res = await allocate('manager-east-enterprise', teams['east-enterprise'].id, { dimension: 'rep', method: 'even' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_allocated');
    expect((await allocate(VP, root.id, { dimension: 'region', method: 'even' })).status).toBe(409);
  });

  it('403 for a rep allocating their own target; 404 for a director outside their region; 403 for finance', async () => {
    const mine = reps['rep-east-enterprise-2'];
    expect((await allocate('rep-east-enterprise-2', mine.id, { dimension: 'quarter', method: 'even' })).status).toBe(403);
    expect((await allocate('director-east', regions.south.id, { dimension: 'productLine', method: 'even' })).status).toBe(404);
    expect((await allocate('finance', root.id, { dimension: 'productLine', method: 'even' })).status).toBe(403);
    expect((await allocate('manager-east-commercial', teams['east-enterprise'].id, { dimension: 'productLine', method: 'even' })).status).toBe(404);
  });

  it('bad input is a 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ dimension: 'planet', method: 'even' }, 'dimension'],
      [{ dimension: 'productLine' }, 'method'],
      [{ dimension: 'productLine', method: 'weights' }, 'weights'],
      [{ dimension: 'productLine', method: 'weights', weights: { 'crm-suite': -1 } }, 'weights.crm-suite'],
      [{ dimension: 'productLine', method: 'weights', weights: { 'crm-suite': 1, nowhere: 1 } }, 'weights.nowhere'],
      [{ dimension: 'productLine', method: 'even', extra: true }, ''],
      [{ dimension: 'region', method: 'even' }, 'dimension'],
    ];
    for (const [body, field] of cases) {
      const res = await allocate('director-east', regions.east.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      if (field) expect(Object.keys(res.body.error.fields ?? {}), JSON.stringify(body)).toContain(field);
    }
    // reps are allocated within a team: the region has to be split by team first
    expect((await allocate('director-east', regions.east.id, { dimension: 'rep', method: 'even' })).body.error.fields).toHaveProperty('dimension');
    expect((await get(VP, 'no-such-target')).status).toBe(404);
  });

  it('a director splits their region by product line; a zero weight gives a zero child and the sums hold', async () => {
    const res = await allocate('director-east', regions.east.id, { dimension: 'productLine', method: 'weights', weights: { 'crm-suite': 1, analytics: 1, services: 0 } });
    expect(res.status).toBe(201);
    expectExactSplit(regions.east, res.body.children);
    expect(res.body.children.find((c: any) => c.key === 'services').amount).toBe(0);
    expect(res.body.children.every((c: any) => c.ownerId === 'director-east' && c.productLineId === c.key)).toBe(true);
  });
});

describe('scope', () => {
  it('a rep sees their own node with its children, and its path without the amounts above them; nodes above are 404 for them', async () => {
    const rep = reps['rep-east-enterprise-1'];
    const mine = await get('rep-east-enterprise-1', rep.id);
    expect(mine.status).toBe(200);
    expect(mine.body.children).toHaveLength(4);
    expect(mine.body.path.map((p: any) => [p.dimension, p.key])).toEqual([
      ['company', 'company'],
      ['region', 'east'],
      ['team', 'east-enterprise'],
    ]);
    for (const above of mine.body.path) expect(Object.keys(above).sort()).toEqual(['dimension', 'id', 'key']);
    // The manager sees their own team's amounts in the path, not the region's or the company's.
    const asManager = (await get('manager-east-enterprise', rep.id)).body.path;
    expect(asManager.map((p: any) => 'amount' in p)).toEqual([false, false, true]);
    expect((await get('rep-east-enterprise-1', teams['east-enterprise'].id)).status).toBe(404);
    expect((await get('rep-east-enterprise-1', root.id)).status).toBe(404);
    expect((await get('rep-east-enterprise-1', reps['rep-east-enterprise-2'].id)).status).toBe(404);
    expect((await get('manager-east-enterprise', rep.id)).status).toBe(200);
    expect((await get('director-south', rep.id)).status).toBe(404);
  });

  it('GET /targets lists from the caller’s scope partition, filtered by fiscal year, dimension and key, page by page', async () => {
    const repList = await api.call('GET', '/targets?fiscalYear=2026', { as: 'rep-east-enterprise-1' });
    expect(repList.status).toBe(200);
    expect(repList.body.items.map((n: any) => `${n.dimension}:${n.key}`).sort()).toEqual(['quarter:Q1', 'quarter:Q2', 'quarter:Q3', 'quarter:Q4', 'rep:rep-east-enterprise-1']);

    const managerReps = await api.call('GET', '/targets?fiscalYear=2026&dimension=rep', { as: 'manager-east-enterprise' });
    expect(managerReps.body.items.map((n: any) => n.key).sort()).toEqual([1, 2, 3].map((n) => `rep-east-enterprise-${n}`));

    const directorTeams = await api.call('GET', '/targets?fiscalYear=2026&dimension=team', { as: 'director-east' });
    expect(directorTeams.body.items.map((n: any) => n.key).sort()).toEqual(['east-commercial', 'east-enterprise']);

    const one = await api.call('GET', '/targets?fiscalYear=2026&dimension=region&key=south', { as: VP });
    expect(one.body.items.map((n: any) => n.id)).toEqual([regions.south.id]);
    expect((await api.call('GET', '/targets?fiscalYear=2025', { as: VP })).body.items).toEqual([]);

    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await api.call('GET', `/targets?fiscalYear=2026&dimension=month&limit=20${cursor ? `&cursor=${cursor}` : ''}`, { as: VP });
      expect(page.status).toBe(200);
      expect(trips(page)).toBeLessThanOrEqual(2);
      for (const n of page.body.items) seen.add(n.id);
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen.size).toBe(48);
    expect(pages).toBeGreaterThanOrEqual(3);

    const bad = await api.call('GET', '/targets?fiscalYear=abc&dimension=planet', { as: VP });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['dimension', 'fiscalYear']);
    expect((await api.call('GET', '/targets?fiscalYear=2026&key=east', { as: VP })).status).toBe(400);
  });
});

describe('audit', () => {
  it('every write leaves an audit entry: the creation, each allocation on the parent, each child’s creation', async () => {
    const rootTrail = await listAudit(api.db, 'target', root.id, 10);
    expect(rootTrail.items.map((e) => e.action).sort()).toEqual(['allocate', 'create']);
    const allocation = rootTrail.items.find((e) => e.action === 'allocate')!;
    expect(allocation.actorId).toBe(VP);
    expect(allocation.changes.find((c) => c.field === 'allocation')!.after).toMatchObject({ dimension: 'region', method: 'weights' });
    const child = await listAudit(api.db, 'target', reps['rep-east-enterprise-1'].id, 10);
    expect(child.items.map((e) => [e.action, e.actorId])).toEqual(expect.arrayContaining([['create', 'manager-east-enterprise'], ['allocate', 'manager-east-enterprise']]));
  });
});

describe('history: last year’s actual shares, from the actuals aggregates', () => {
  async function order(rep: string, amount: number, productLineId: string, date: string) {
    const customer = (await api.call('GET', '/customers?limit=1', { as: rep })).body.items[0];
    const res = await api.call('POST', `/customers/${customer.id}/orders`, { as: rep, body: { amount, date, productLineId } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  beforeAll(async () => {
    await order('rep-east-enterprise-1', 300_000, 'crm-suite', '2025-03-10');
    await order('rep-east-enterprise-2', 100_000, 'analytics', '2025-08-05');
    await order('rep-south-enterprise-1', 100_000, 'crm-suite', '2025-11-20');
    await order('rep-south-enterprise-1', 999_999, 'services', '2026-01-15'); // this year: not history
  });

  it('splits the company by product line 80/20/0 as last year’s orders did, tiers alike', async () => {
    const res = await allocate(VP, root.id, { dimension: 'productLine', method: 'history' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.method).toBe('history');
    expectExactSplit(root, res.body.children);
    expect(Object.fromEntries(res.body.children.map((c: any) => [c.key, c.amount]))).toEqual({ 'crm-suite': 9_600_000_000, analytics: 2_400_000_000, services: 0 });
  });

  it('splits a rep by quarter as their own last year fell (all in Q3); with no actuals it is a 400 naming method', async () => {
    const rep2 = reps['rep-east-enterprise-2'];
    const res = await allocate('manager-east-enterprise', rep2.id, { dimension: 'quarter', method: 'history' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.children.map((c: any) => [c.key, c.amount])).toEqual([['Q1', 0], ['Q2', 0], ['Q3', rep2.amount], ['Q4', 0]]);
    const none = await allocate('manager-east-enterprise', reps['rep-east-enterprise-3'].id, { dimension: 'quarter', method: 'history' });
    expect(none.status).toBe(400);
    expect(none.body.error.fields).toHaveProperty('method');
  });
});

describe('progress', () => {
  it('equals the orders summed by hand for a rep, a team, a region and the company', async () => {
    const api2 = await testApi({ demo: true });
    const year = new Date().getUTCFullYear();
    const company = await api2.call('POST', '/targets', { as: 'vp', body: { fiscalYear: year, amount: 12_000_000_000, tiers: { base: 12_000_000_000, sprint: 13_000_000_000, challenge: 15_000_000_000 } } });
    const regions = await api2.call('POST', `/targets/${company.body.id}/allocations`, { as: 'vp', body: { dimension: 'region', method: 'weights', weights: { east: 60, south: 40 } } });
    const east = regions.body.children.find((c: any) => c.key === 'east');
    const teams = await api2.call('POST', `/targets/${east.id}/allocations`, { as: 'vp', body: { dimension: 'team', method: 'even' } });
    const team = teams.body.children.find((c: any) => c.key === 'east-enterprise');
    const reps = await api2.call('POST', `/targets/${team.id}/allocations`, { as: 'vp', body: { dimension: 'rep', method: 'even' } });
    const rep = reps.body.children.find((c: any) => c.key === 'rep-east-enterprise-1');
    const today = new Date().toISOString().slice(0, 10);
    const orders: [string, number][] = [['rep-east-enterprise-1', 300_000], ['rep-east-enterprise-1', 200_000], ['rep-east-enterprise-2', 150_000], ['rep-east-commercial-1', 90_000], ['rep-south-enterprise-1', 60_000]];
    for (const [who, amount] of orders) {
      const customer = (await api2.call('GET', '/customers?tier=C&limit=1', { as: who })).body.items[0];
      expect((await api2.call('POST', `/customers/${customer.id}/orders`, { as: who, body: { amount, date: today, productLineId: 'crm-suite' } })).status).toBe(201);
    }
    const now = new Date();
    const daysInMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate();
    const elapsed = (now.getUTCMonth() + (now.getUTCDate() - 1 + now.getUTCHours() / 24) / daysInMonth) / 12;
    for (const [node, as, actual] of [
      [rep, 'rep-east-enterprise-1', 500_000],
      [team, 'manager-east-enterprise', 650_000],
      [east, 'director-east', 740_000],
      [company.body, 'vp', 800_000],
    ] as const) {
      const res = await api2.call('GET', `/targets/${node.id}/progress`, { as });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.actual).toBe(actual);
      expect(res.body.expectedBasis).toBe('elapsed_share');
      expect(Math.abs(res.body.expectedToDate - node.tiers.base * elapsed)).toBeLessThanOrEqual(node.tiers.base * 0.001);
      expect(res.body.gap).toBe(res.body.expectedToDate - actual);
      expect(res.body.attainment.base).toBeCloseTo(actual / node.tiers.base, 4);
    }
    expect((await api2.call('GET', `/targets/${rep.id}/progress`, { as: 'rep-east-enterprise-2' })).status).toBe(404);
  });
});
