import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '#shared/core/audit';
import { testApi } from '#test/support/api';

/** The open pipeline in progress, and forecast adjustments, against deals created and moved through the API. */
let api: Awaited<ReturnType<typeof testApi>>;

const REP = 'rep-east-enterprise-1';
const MATE = 'rep-east-enterprise-2';
const OTHER = 'rep-east-commercial-1';
const MANAGER = 'manager-east-enterprise';
const TEAM = 'east-enterprise';

const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);
const now = new Date();
const year = now.getUTCFullYear();
const month = now.toISOString().slice(0, 7);
const today = now.toISOString().slice(0, 10);

const dealIds: string[] = [];
let repTarget: any;
let teamTarget: any;
let companyTarget: any;

async function open(as: string, title: string, fields: { amount?: number; expectedCloseDate?: string }) {
  const customerId = (await api.call('GET', '/customers?tier=C&limit=1', { as })).body.items[0].id;
  const res = await api.call('POST', '/deals', { as, body: { customerId, title, productLineId: 'crm-suite', ...fields } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  dealIds.push(res.body.id);
  return res.body;
}
async function move(as: string, deal: any, ...stages: string[]) {
  for (const stage of stages) {
    const res = await api.call('POST', `/deals/${deal.id}/stage`, { as, body: { stage, ...(stage === 'lost' ? { reason: 'competitor' } : {}) } });
    expect(res.status, `${stage}: ${JSON.stringify(res.body)}`).toBe(200);
    deal = res.body;
  }
  return deal;
}
async function patch(as: string, deal: any, body: Record<string, unknown>) {
  const res = await api.call('PATCH', `/deals/${deal.id}`, { as, body, headers: { 'if-match': `"${deal.version}"` } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** What the deals (read back through the API) add up to for a scope and months: computed here, from the deals. */
async function fromDeals(inScope: (deal: any) => boolean, months: string[]) {
  const deals = (await Promise.all(dealIds.map((id) => api.call('GET', `/deals/${id}`, { as: 'vp' })))).map((r) => r.body).filter(inScope);
  const open = deals.filter((d) => d.status === 'open' && d.expectedCloseDate && months.includes(d.expectedCloseDate.slice(0, 7)));
  const sum = (list: any[], f: (d: any) => number) => list.reduce((s, d) => s + f(d), 0);
  const inCategory = (c: string) => sum(open.filter((d) => d.forecastCategory === c), (d) => d.amount ?? 0);
  return {
    openDeals: open.length,
    openPipeline: sum(open, (d) => d.amount ?? 0),
    weightedPipeline: Math.round(sum(open, (d) => (d.amount ?? 0) * d.probability) / 100),
    closed: sum(deals.filter((d) => d.status === 'won' && months.includes(d.closedAt.slice(0, 7))), (d) => d.amount),
    commit: inCategory('commit'),
    bestCase: inCategory('best_case'),
    pipeline: inCategory('pipeline'),
  };
}
const yearMonths = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

beforeAll(async () => {
  api = await testApi({ demo: true });
  // 1,200,000.00 CNY → east 60 % → its two teams evenly → three reps evenly: the rep's base is 120,000.00.
  companyTarget = (await api.call('POST', '/targets', { as: 'vp', body: { fiscalYear: year, amount: 120_000_000, tiers: { base: 120_000_000, sprint: 130_000_000, challenge: 150_000_000 } } })).body;
  const regions = await api.call('POST', `/targets/${companyTarget.id}/allocations`, { as: 'vp', body: { dimension: 'region', method: 'weights', weights: { east: 60, south: 40 } } });
  const teams = await api.call('POST', `/targets/${regions.body.children.find((c: any) => c.key === 'east').id}/allocations`, { as: 'vp', body: { dimension: 'team', method: 'even' } });
  teamTarget = teams.body.children.find((c: any) => c.key === TEAM);
  const reps = await api.call('POST', `/targets/${teamTarget.id}/allocations`, { as: 'vp', body: { dimension: 'rep', method: 'even' } });
  repTarget = reps.body.children.find((c: any) => c.key === REP);

  const commit = await move(REP, await open(REP, 'Commit in December', { amount: 1_000_000, expectedCloseDate: `${year}-12-10` }), 'proposal', 'negotiation');
  await patch(REP, commit, { forecastCategory: 'commit' });
  // Created closing next year, then pulled into this one.
  let best = await move(REP, await open(REP, 'Best case', { amount: 2_000_000, expectedCloseDate: `${year + 1}-01-15` }), 'needs_analysis');
  best = await patch(REP, best, { expectedCloseDate: today });
  await patch(REP, best, { forecastCategory: 'best_case' });
  const resized = await move(MATE, await open(MATE, 'Resized', { amount: 3_000_000, expectedCloseDate: `${year}-11-05` }), 'qualified');
  await patch(MATE, resized, { amount: 2_500_000 });
  await move(REP, await open(REP, 'Won today', { amount: 500_000, expectedCloseDate: today }), 'proposal', 'won');
  await move(MATE, await open(MATE, 'Lost today', { amount: 600_000, expectedCloseDate: today }), 'lost');
  await patch(MATE, await open(MATE, 'Omitted', { amount: 400_000, expectedCloseDate: today }), { forecastCategory: 'omitted' });
  await open(REP, 'Next year', { amount: 800_000, expectedCloseDate: `${year + 1}-03-01` });
  await open(REP, 'No close date', { amount: 900_000 });
  await move(OTHER, await open(OTHER, 'Other team', { amount: 700_000, expectedCloseDate: today }), 'proposal');
}, 120_000);

describe('progress: weighted pipeline, coverage and forecast categories', () => {
  it('equal what the deals add up to, for a rep, a team and the company', async () => {
    for (const [node, as, inScope] of [
      [repTarget, REP, (d: any) => d.ownerId === REP],
      [teamTarget, MANAGER, (d: any) => d.teamId === TEAM],
      [companyTarget, 'vp', () => true],
    ] as const) {
      const res = await api.call('GET', `/targets/${node.id}/progress`, { as });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const want = await fromDeals(inScope, yearMonths);
      const remaining = Math.max(0, node.tiers.base - want.closed);
      expect(res.body).toMatchObject({
        actual: want.closed,
        openDeals: want.openDeals,
        openPipeline: want.openPipeline,
        weightedPipeline: want.weightedPipeline,
        remaining,
        coverage: Math.round((want.openPipeline / remaining) * 10_000) / 10_000,
        forecast: { closed: want.closed, commit: want.commit, bestCase: want.bestCase, pipeline: want.pipeline },
      });
      expect(trips(res)).toBe(5); // session+pointer, node, then 3 Queries side by side
    }
  });

  it('matches the figures worked out by hand for the rep and the team', async () => {
    const rep = (await api.call('GET', `/targets/${repTarget.id}/progress`, { as: REP })).body;
    // Commit 1,000,000 at 80 % and best case 2,000,000 at 40 %; the won 500,000 is actual; next year and undated are out.
    expect(rep).toMatchObject({ actual: 500_000, openDeals: 2, openPipeline: 3_000_000, weightedPipeline: 1_600_000, remaining: 11_500_000, coverage: 0.2609 });
    expect(rep.forecast).toEqual({ closed: 500_000, commit: 1_000_000, bestCase: 2_000_000, pipeline: 0 });
    const team = (await api.call('GET', `/targets/${teamTarget.id}/progress`, { as: MANAGER })).body;
    // + the mate's resized 2,500,000 at 20 % (pipeline) and the omitted 400,000 at 10 % (open, in no category); the lost deal is gone.
    expect(team).toMatchObject({ openDeals: 4, openPipeline: 5_900_000, weightedPipeline: 2_140_000 });
    expect(team.forecast).toEqual({ closed: 500_000, commit: 1_000_000, bestCase: 2_000_000, pipeline: 2_500_000 });
  });
});

describe('forecast adjustments', () => {
  const path = (period: string, scope: string) => `/forecasts/${period}/${scope}`;
  const put = (as: string, period: string, scope: string, body: unknown, ifMatch?: string) => api.call('PUT', path(period, scope), { as, body, headers: ifMatch ? { 'if-match': ifMatch } : {} });

  it('GET shows the unadjusted forecast from the aggregates, for the year and for this month', async () => {
    for (const period of [String(year), month]) {
      const res = await api.call('GET', path(period, `team:${TEAM}`), { as: MANAGER });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const want = await fromDeals((d) => d.teamId === TEAM, period === month ? [month] : yearMonths);
      expect(res.body).toMatchObject({ scope: `team:${TEAM}`, currency: 'CNY', adjusted: null, history: [] });
      expect(res.body.unadjusted).toEqual({ closed: want.closed, commit: want.commit, bestCase: want.bestCase, pipeline: want.pipeline, weightedPipeline: want.weightedPipeline, forecast: want.closed + want.commit });
      expect(res.headers.get('etag')).toBe('"0"');
      expect(trips(res)).toBe(2); // one BatchGet and the saves' Query, side by side
    }
  });

  it('a manager adjusts their team; every save is kept with the unadjusted figure beside it', async () => {
    const first = await put(MANAGER, String(year), `team:${TEAM}`, { amount: 2_000_000, note: 'The December deal slips; one renewal pulls in.' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.headers.get('etag')).toBe('"1"');
    expect(first.body.adjusted).toMatchObject({ version: 1, amount: 2_000_000, currency: 'CNY', by: MANAGER, unadjustedAtSave: 500_000 + 1_000_000 });
    expect(trips(first)).toBe(3);

    // Replacing it needs the ETag: none → 412, a stale one → 409.
    expect((await put(MANAGER, String(year), `team:${TEAM}`, { amount: 1, note: 'x' })).status).toBe(412);
    expect((await put(MANAGER, String(year), `team:${TEAM}`, { amount: 1, note: 'x' }, '"7"')).status).toBe(409);

    // The mate commits the resized deal: the unadjusted forecast moves, the first save keeps what it saw.
    const resized = (await api.call('GET', `/deals/${dealIds[2]}`, { as: MATE })).body;
    await patch(MATE, resized, { forecastCategory: 'commit' });
    const second = await put(MANAGER, String(year), `team:${TEAM}`, { amount: 3_800_000, note: 'Resized deal committed.' }, '"1"');
    expect(second.status, JSON.stringify(second.body)).toBe(200);

    const res = await api.call('GET', path(String(year), `team:${TEAM}`), { as: MANAGER });
    expect(res.headers.get('etag')).toBe('"2"');
    expect(res.body.unadjusted).toMatchObject({ closed: 500_000, commit: 3_500_000, pipeline: 0, forecast: 4_000_000 });
    expect(res.body.adjusted).toMatchObject({ version: 2, amount: 3_800_000, note: 'Resized deal committed.', by: MANAGER, unadjustedAtSave: 4_000_000 });
    expect(res.body.history.map((s: any) => [s.version, s.amount, s.unadjustedAtSave])).toEqual([
      [2, 3_800_000, 4_000_000],
      [1, 2_000_000, 1_500_000],
    ]);
    const audit = await listAudit(api.db, 'forecast', `team:${TEAM}@${year}`, 10);
    expect(audit.items.map((e) => [e.action, e.actorId])).toEqual([['update', MANAGER], ['create', MANAGER]]);
  });

  it('who may adjust: own scope down the tree; others are refused; finance reads only', async () => {
    const body = { amount: 100_000, note: 'My call.' };
    expect((await put(MANAGER, String(year), 'team:east-commercial', body)).status).toBe(403);
    expect((await put(MANAGER, String(year), `rep:${OTHER}`, body)).status).toBe(403);
    expect((await put(MANAGER, String(year), `rep:${MATE}`, body)).status).toBe(200);
    expect((await put(MANAGER, String(year), 'company', body)).status).toBe(403);
    expect((await put(REP, String(year), `team:${TEAM}`, body)).status).toBe(403);
    expect((await put(REP, String(year), `rep:${MATE}`, body)).status).toBe(403);
    const mine = await put(REP, month, 'me', body);
    expect(mine.status).toBe(200);
    expect(mine.body.scope).toBe(`rep:${REP}`);
    expect((await api.call('GET', path(month, `rep:${REP}`), { as: REP })).body.adjusted.amount).toBe(100_000);
    expect((await put('director-east', `${year}-Q4`, `team:${TEAM}`, body)).status).toBe(200);
    expect((await put('director-south', `${year}-Q4`, `team:${TEAM}`, body)).status).toBe(403);
    expect((await put('vp', String(year), 'company', body)).status).toBe(200);
    expect((await put('finance', String(year), 'company', body, '"1"')).status).toBe(403);
    expect((await api.call('GET', path(String(year), 'company'), { as: 'finance' })).body.adjusted.amount).toBe(100_000);
    expect((await api.call('GET', path(String(year), `team:${TEAM}`), { as: REP })).status).toBe(403);
    expect((await api.call('GET', path(String(year), 'team:nowhere'), { as: 'vp' })).status).toBe(404);
  });

  it('bad input is a JSON 400 naming the field', async () => {
    const bad = async (period: string, scope: string, body: unknown, field: string) => {
      const res = await put(MANAGER, period, scope, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(Object.keys(res.body.error.fields)).toContain(field);
    };
    await bad(String(year), `team:${TEAM}`, { amount: 100 }, 'note');
    await bad(String(year), `team:${TEAM}`, { amount: 10.5, note: 'x' }, 'amount');
    await bad(String(year), `team:${TEAM}`, { amount: 100, note: 'x'.repeat(2001) }, 'note');
    await bad(String(year), `team:${TEAM}`, { amount: 100, note: 'x', currency: 'XXQ' }, 'currency');
    await bad(String(year), `team:${TEAM}`, { amount: 100, note: 'x', by: 'vp' }, 'by');
    await bad(`${year}-Q5`, `team:${TEAM}`, { amount: 100, note: 'x' }, 'period');
    await bad(String(year), 'squad:7', { amount: 100, note: 'x' }, 'scope');
  });
});

describe('the OpenAPI document', () => {
  it('documents the forecast routes and every progress field', async () => {
    const doc = (await api.call('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths['/forecasts/{period}/{scope}']).sort()).toEqual(['get', 'put']);
    const progress = doc.paths['/targets/{id}/progress'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(progress.properties)).toEqual(expect.arrayContaining(['weightedPipeline', 'openPipeline', 'coverage', 'forecast', 'remaining']));
    expect(progress.additionalProperties).not.toEqual({});
  });
});
