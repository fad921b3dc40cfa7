import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { testApi } from '#test/support/api';
import { approvalHelpers } from '#test/support/approvals';

/**
 * Reports against data made through the API on a pinned clock: the first phase runs on 2026-05-29 (the demo seed,
 * deals that then sit still), the second on 2026-06-28. Every figure is checked against a hand count, and every
 * CSV against its JSON.
 */
const DAY = 86_400_000;
const BASE = Date.parse('2026-06-28T09:00:00.000Z');
const started = Date.now();
let shift = -30 * DAY;
const clock = { now: () => new Date(BASE + shift + (Date.now() - started)) };

const REP = 'rep-east-enterprise-1';
const MATE = 'rep-east-enterprise-2';
const EC = 'rep-east-commercial-1';
const SOUTH = 'rep-south-enterprise-1';
const MANAGER = 'manager-east-enterprise';
const CSV = { accept: 'text/csv' };

let api: Awaited<ReturnType<typeof testApi>>;
const stale: string[] = [];
let company: any;
let repTargets: any[];
let eastTarget: any;

async function customer(rep: string, tier: string) {
  return (await api.call('GET', `/customers?tier=${tier}`, { as: rep })).body.items[0].id as string;
}

async function dealThrough(rep: string, amount: number, stages: string[], reason?: string) {
  const created = await api.call('POST', '/deals', {
    as: rep,
    body: { customerId: await customer(rep, 'C'), title: `Report ${amount}`, productLineId: 'crm-suite', amount, expectedCloseDate: '2026-12-31' },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  for (const stage of stages) {
    const res = await api.call('POST', `/deals/${created.body.id}/stage`, { as: rep, body: { stage, ...(stage === 'lost' ? { reason } : {}) } });
    expect(res.status, `${stage}: ${JSON.stringify(res.body)}`).toBe(200);
  }
  return created.body.id as string;
}

async function call(rep: string, at: string) {
  const res = await api.call('POST', `/customers/${await customer(rep, 'A')}/interactions`, { as: rep, body: { type: 'call', at } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** The report as JSON and as CSV (parsed with csv-parse into objects keyed by the header row). */
async function both(path: string, as: string) {
  const json = await api.call('GET', path, { as });
  expect(json.status, JSON.stringify(json.body)).toBe(200);
  const csv = await api.call('GET', path, { as, headers: CSV });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="[a-z-]+\.csv"$/);
  // The bytes start with the UTF-8 byte-order mark, so Excel reads zh-CN names right (text() drops it).
  const raw = await api.app.request(path, { headers: { ...CSV, authorization: `Bearer ${await api.tokenFor(as)}` } });
  expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return { json: json.body, rows: parse(csv.body as string, { columns: true, bom: true }) as Record<string, string>[] };
}

/** A JSON figure as its CSV cell reads (null → empty). */
const cell = (value: unknown) => (value === null || value === undefined ? '' : String(value));

beforeAll(async () => {
  api = await testApi({ demo: true, clock });
  // 2026-05-29: deals that will not move again (stale by 2026-06-28).
  stale.push(await dealThrough(REP, 100_000, []), await dealThrough(REP, 200_000, ['qualified']), await dealThrough(MATE, 300_000, []), await dealThrough(SOUTH, 400_000, []));
  shift = 0; // 2026-06-28
  await dealThrough(REP, 1_000_000, ['qualified', 'needs_analysis', 'proposal', 'negotiation', 'won']);
  await dealThrough(REP, 2_000_000, ['qualified', 'lost'], 'price');
  await dealThrough(REP, 300_000, ['lost'], 'price');
  await dealThrough(MATE, 400_000, ['lost'], 'no_budget');
  await dealThrough(MATE, 5_000_000, ['qualified']); // fresh: not stale
  await dealThrough(EC, 600_000, ['qualified', 'won']);
  // Follow-ups: tier-A customers seeded on 05-29 are due on 06-12 (14-day cadence).
  await call(REP, '2026-06-08T10:00:00.000Z'); // due within the week: met, on time (next due 06-22)
  await call(REP, '2026-06-27T10:00:00.000Z'); // overdue: met, late
  await call(MATE, '2026-06-27T10:00:00.000Z'); // overdue: met, late
  await call(EC, '2026-06-10T10:00:00.000Z'); // met, on time
  // Targets for 2026: company → east 60 / south 40 → east's teams evenly → east-enterprise's reps evenly.
  company = (await api.call('POST', '/targets', { as: 'vp', body: { fiscalYear: 2026, amount: 12_000_000_000, tiers: { base: 12_000_000_000, sprint: 13_000_000_000, challenge: 15_000_000_000 } } })).body;
  const regions = await api.call('POST', `/targets/${company.id}/allocations`, { as: 'vp', body: { dimension: 'region', method: 'weights', weights: { east: 60, south: 40 } } });
  const east = (eastTarget = regions.body.children.find((c: any) => c.key === 'east'));
  const teams = await api.call('POST', `/targets/${east.id}/allocations`, { as: 'vp', body: { dimension: 'team', method: 'even' } });
  const team = teams.body.children.find((c: any) => c.key === 'east-enterprise');
  repTargets = (await api.call('POST', `/targets/${team.id}/allocations`, { as: 'vp', body: { dimension: 'rep', method: 'even' } })).body.children;
  const order = await api.call('POST', `/customers/${await customer(MATE, 'C')}/orders`, { as: MATE, body: { amount: 700_000, date: '2026-06-28', productLineId: 'crm-suite' } });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
}, 240_000);

describe('GET /reports/win-loss', () => {
  it('counts won and lost deals, their amounts and lost reasons of the team, and the CSV holds the same figures', async () => {
    const { json, rows } = await both('/reports/win-loss?from=2026-05&to=2026-06&teamId=east-enterprise', 'vp');
    expect(json.won).toEqual({ count: 1, amount: { CNY: 1_000_000 } });
    expect(json.lost).toEqual({ count: 3, amount: { CNY: 2_700_000 } });
    expect(json.winRate).toBe(1 / 4);
    expect(json.reasons.filter((r: any) => r.count > 0)).toEqual([
      { reason: 'price', count: 2 },
      { reason: 'no_budget', count: 1 },
    ]);
    expect(rows[0]).toEqual({ figure: 'won', reason: '', count: '1', amount_CNY: '1000000', winRate: '0.25' });
    expect(rows[1]).toEqual({ figure: 'lost', reason: '', count: '3', amount_CNY: '2700000', winRate: '' });
    expect(rows.slice(2).map((r) => [r.reason, Number(r.count)])).toEqual(json.reasons.map((r: any) => [r.reason, r.count]));
  });

  it('the OpenAPI document lists text/csv beside JSON for every report that answers it', async () => {
    const doc = (await api.call('GET', '/openapi.json')).body;
    for (const path of ['attainment', 'funnel', 'stage-times', 'win-loss', 'stale-deals', 'approval-times', 'churn', 'follow-up-compliance']) {
      expect(Object.keys(doc.paths[`/reports/${path}`].get.responses['200'].content), path).toEqual(['application/json', 'text/csv']);
    }
  });

  it('a rep sees their own deals; another team is refused', async () => {
    const mine = await api.call('GET', '/reports/win-loss?from=2026-06', { as: REP });
    expect([mine.body.scope, mine.body.won.count, mine.body.lost.count, mine.body.lost.amount.CNY]).toEqual([{ kind: 'owner', id: REP }, 1, 2, 2_300_000]);
    expect((await api.call('GET', '/reports/win-loss?teamId=east-enterprise', { as: SOUTH })).status).toBe(403);
    expect((await api.call('GET', '/reports/win-loss?teamId=east-enterprise', { as: 'manager-east-commercial', headers: CSV })).status).toBe(403);
  });
});

describe('GET /reports/funnel and /reports/stage-times as CSV', () => {
  it('the funnel CSV has one row per stage with the JSON figures', async () => {
    const { json, rows } = await both('/reports/funnel?from=2026-05&to=2026-06&teamId=east-enterprise', 'vp');
    expect(rows.map((r) => [r.stage, r.entered, r.amount_CNY, r.exitsToNext, r.conversion])).toEqual(
      json.stages.map((s: any) => [s.stage, cell(s.entered), cell(s.amount.CNY ?? 0), cell(s.exitsToNext), cell(s.conversion)]),
    );
    // By hand: 8 deals of the team entered lead (3 in May, 5 in June); 4 of them went on to qualified.
    expect([json.stages[0].entered, json.stages[0].exitsToNext]).toEqual([8, 4]);
  });

  it('stage-times names the slowest stage and the lowest conversion, in the JSON and on the CSV rows', async () => {
    const { json, rows } = await both('/reports/stage-times?from=2026-05&to=2026-06&teamId=east-enterprise', 'vp');
    const funnel = (await api.call('GET', '/reports/funnel?from=2026-05&to=2026-06&teamId=east-enterprise', { as: 'vp' })).body;
    // The lowest conversion among the open stages the funnel shows, and the largest median among the stage times.
    const open = funnel.stages.filter((s: any) => s.conversion !== null && json.stages.some((t: any) => t.stage === s.stage));
    const lowest = open.reduce((a: any, b: any) => (b.conversion < a.conversion ? b : a));
    expect(json.bottleneck.lowestConversion).toEqual({ stage: lowest.stage, conversion: lowest.conversion });
    const timed = json.stages.filter((s: any) => s.medianSeconds !== null);
    const slowest = timed.reduce((a: any, b: any) => (b.medianSeconds > a.medianSeconds ? b : a));
    expect(json.bottleneck.slowestStage).toEqual({ stage: slowest.stage, medianSeconds: slowest.medianSeconds });
    expect(rows.map((r) => [r.stage, r.count, r.medianSeconds, r.p90Seconds])).toEqual(json.stages.map((s: any) => [s.stage, cell(s.count), cell(s.medianSeconds), cell(s.p90Seconds)]));
    expect(rows.filter((r) => r.bottleneck.includes('lowest_conversion')).map((r) => r.stage)).toEqual([lowest.stage]);
    expect(rows.filter((r) => r.bottleneck.includes('slowest')).map((r) => r.stage)).toEqual([slowest.stage]);
  });
});

describe('GET /reports/stale-deals', () => {
  it('lists open deals with no stage change in N days, oldest first, within scope', async () => {
    const { json, rows } = await both('/reports/stale-deals?days=20', 'vp');
    expect(json.items.map((d: any) => d.dealId)).toEqual(stale);
    expect(json.items.map((d: any) => [d.stage, d.daysInStage, d.amount])).toEqual([
      ['lead', 30, 100_000],
      ['qualified', 30, 200_000],
      ['lead', 30, 300_000],
      ['lead', 30, 400_000],
    ]);
    expect(rows.map((r) => [r.dealId, r.stage, r.daysInStage, r.amount])).toEqual(json.items.map((d: any) => [d.dealId, d.stage, cell(d.daysInStage), cell(d.amount)]));
    const team = await api.call('GET', '/reports/stale-deals?days=20', { as: MANAGER });
    expect(team.body.items.map((d: any) => d.dealId)).toEqual(stale.slice(0, 3));
    const own = await api.call('GET', '/reports/stale-deals?days=20', { as: REP });
    expect(own.body.items.map((d: any) => d.dealId)).toEqual(stale.slice(0, 2));
    expect((await api.call('GET', '/reports/stale-deals?days=31', { as: 'vp' })).body.items).toEqual([]);
    expect((await api.call('GET', '/reports/stale-deals?days=20&regionId=south', { as: MANAGER })).status).toBe(403);
  });

  it('a deal that moves or closes leaves the list', async () => {
    const [first, second] = stale;
    expect((await api.call('POST', `/deals/${first}/stage`, { as: REP, body: { stage: 'qualified' } })).status).toBe(200);
    expect((await api.call('POST', `/deals/${second}/stage`, { as: REP, body: { stage: 'lost', reason: 'other' } })).status).toBe(200);
    const own = await api.call('GET', '/reports/stale-deals?days=20', { as: REP });
    expect(own.body.items).toEqual([]);
    stale.splice(0, 2);
  });
});

describe('GET /reports/attainment', () => {
  it('rep attainment against base, sprint and challenge within the manager’s team, CSV = JSON', async () => {
    const { json, rows } = await both('/reports/attainment?period=2026&dimension=rep', MANAGER);
    const actual: Record<string, number> = { [REP]: 1_000_000, [MATE]: 700_000 };
    const expected = repTargets
      .map((t: any) => ({ key: t.key, base: t.tiers.base, sprint: t.tiers.sprint, challenge: t.tiers.challenge, actual: actual[t.key] ?? 0 }))
      .sort((a: any, b: any) => a.key.localeCompare(b.key));
    expect(json.rows.map((r: any) => ({ key: r.key, base: r.base, sprint: r.sprint, challenge: r.challenge, actual: r.actual }))).toEqual(expected);
    for (const r of json.rows) expect([r.attainmentBase, r.attainmentSprint, r.attainmentChallenge]).toEqual([r.actual / r.base, r.actual / r.sprint, r.actual / r.challenge]);
    expect(rows.map((r) => [r.key, r.actual, r.base, r.sprint, r.challenge, r.attainmentBase, r.attainmentChallenge])).toEqual(
      json.rows.map((r: any) => [r.key, cell(r.actual), cell(r.base), cell(r.sprint), cell(r.challenge), cell(r.attainmentBase), cell(r.attainmentChallenge)]),
    );
  });

  it('a director sees their region only, a rep only themself', async () => {
    const regions = await api.call('GET', '/reports/attainment?period=2026&dimension=region', { as: 'director-east' });
    expect(regions.body.rows.map((r: any) => [r.key, r.base, r.actual])).toEqual([['east', 7_200_000_000, 1_000_000 + 700_000 + 600_000]]);
    const all = await api.call('GET', '/reports/attainment?period=2026&dimension=region', { as: 'vp' });
    expect(all.body.rows.map((r: any) => r.key)).toEqual(['east', 'south']);
    const own = await api.call('GET', '/reports/attainment?period=2026&dimension=rep', { as: REP });
    expect(own.body.rows.map((r: any) => [r.key, r.actual])).toEqual([[REP, 1_000_000]]);
    expect((await api.call('GET', '/reports/attainment?period=2026&dimension=team', { as: REP })).body.rows).toEqual([]);
    expect((await api.call('GET', '/reports/attainment?period=26&dimension=rep', { as: REP })).body.error.fields).toHaveProperty('period');
  });
});

describe('GET /reports/attainment?dimension=productLine', () => {
  it('actual vs base, sprint and challenge per product-line target the caller may see, CSV = JSON', async () => {
    // The company and the east region each decomposed along product lines (even split over the demo's lines).
    const companyLines = await api.call('POST', `/targets/${company.id}/allocations`, { as: 'vp', body: { dimension: 'productLine', method: 'even' } });
    const eastLines = await api.call('POST', `/targets/${eastTarget.id}/allocations`, { as: 'vp', body: { dimension: 'productLine', method: 'even' } });
    expect([companyLines.status, eastLines.status], JSON.stringify([companyLines.body, eastLines.body])).toEqual([201, 201]);
    expect(companyLines.body.children.length).toBeGreaterThan(1);
    // By hand: every 2026 order is crm-suite and east's (REP's won 1,000,000, MATE's order 700,000, EC's won 600,000).
    const actual = (key: string) => (key === 'crm-suite' ? 1_000_000 + 700_000 + 600_000 : 0);
    const expected = (children: any[], regionId: string | null) =>
      children.map((t: any) => ({ key: t.key, regionId, targetId: t.id, base: t.tiers.base, sprint: t.tiers.sprint, challenge: t.tiers.challenge, actual: actual(t.key) }));
    const order = (rows: any[]) => [...rows].sort((a, b) => a.key.localeCompare(b.key) || String(a.regionId).localeCompare(String(b.regionId)));
    const pick = (rows: any[]) => rows.map((r: any) => ({ key: r.key, regionId: r.regionId, targetId: r.targetId, base: r.base, sprint: r.sprint, challenge: r.challenge, actual: r.actual }));

    const { json, rows } = await both('/reports/attainment?period=2026&dimension=productLine', 'vp');
    expect(json.dimension).toBe('productLine');
    expect(order(pick(json.rows))).toEqual(order([...expected(companyLines.body.children, null), ...expected(eastLines.body.children, 'east')]));
    for (const r of json.rows) expect([r.attainmentBase, r.attainmentSprint, r.attainmentChallenge]).toEqual([r.actual / r.base, r.actual / r.sprint, r.actual / r.challenge]);
    expect(json.rows.find((r: any) => r.key === 'crm-suite' && r.regionId === 'east').actual).toBe(2_300_000);
    expect(rows.map((r) => [r.dimension, r.key, r.regionId, r.actual, r.base, r.sprint, r.challenge, r.attainmentBase])).toEqual(
      json.rows.map((r: any) => ['productLine', r.key, cell(r.regionId), cell(r.actual), cell(r.base), cell(r.sprint), cell(r.challenge), cell(r.attainmentBase)]),
    );

    // Scope: east's director sees east's product lines only; south's director, a manager and a rep none of these.
    const director = await api.call('GET', '/reports/attainment?period=2026&dimension=productLine', { as: 'director-east' });
    expect(order(pick(director.body.rows))).toEqual(order(expected(eastLines.body.children, 'east')));
    for (const who of ['director-south', MANAGER, REP]) expect((await api.call('GET', '/reports/attainment?period=2026&dimension=productLine', { as: who })).body.rows, who).toEqual([]);
    // The year's product-line targets are not a quarter's.
    expect((await api.call('GET', '/reports/attainment?period=2026-Q2&dimension=productLine', { as: 'vp' })).body.rows).toEqual([]);
  });
});

describe('a refused report names itself', () => {
  it.each([
    ['funnel', ''],
    ['stage-times', ''],
    ['win-loss', ''],
    ['stale-deals', '&days=5'],
    ['churn', ''],
  ])('%s', async (report, extra) => {
    for (const [as, place] of [
      [SOUTH, 'teamId=east-enterprise'],
      [MANAGER, 'regionId=east'],
    ]) {
      const res = await api.call('GET', `/reports/${report}?${place}${extra}`, { as });
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.error.message).toContain(`${report} report`);
      if (report !== 'funnel') expect(res.body.error.message).not.toContain('funnel');
    }
  });
});

describe('GET /reports/follow-up-compliance', () => {
  it('per team: met, on time and compliance from the reps’ counters, CSV = JSON', async () => {
    const { json, rows } = await both('/reports/follow-up-compliance?period=2026-06', 'director-east');
    expect(json.teams).toEqual([
      { teamId: 'east-commercial', reps: 3, met: 1, onTime: 1, compliance: 1 },
      { teamId: 'east-enterprise', reps: 3, met: 3, onTime: 1, compliance: 1 / 3 },
    ]);
    expect(rows).toEqual(json.teams.map((t: any) => ({ teamId: t.teamId, reps: cell(t.reps), met: cell(t.met), onTime: cell(t.onTime), compliance: cell(t.compliance) })));
  });

  it('a manager sees their team, a rep themself', async () => {
    expect((await api.call('GET', '/reports/follow-up-compliance?period=2026-Q2', { as: MANAGER })).body.teams).toEqual([{ teamId: 'east-enterprise', reps: 3, met: 3, onTime: 1, compliance: 1 / 3 }]);
    expect((await api.call('GET', '/reports/follow-up-compliance?period=2026', { as: REP })).body.teams).toEqual([{ teamId: 'east-enterprise', reps: 1, met: 2, onTime: 1, compliance: 0.5 }]);
    expect((await api.call('GET', '/reports/follow-up-compliance?period=2026-05', { as: MANAGER })).body.teams[0].met).toBe(0);
  });
});

describe('GET /reports/approval-times and /reports/churn as CSV', () => {
  it('approval-times: one row per step with the JSON figures', async () => {
    // One manager-step decision, so the report has a figure line (a 15% discount needs the manager).
    const h = approvalHelpers(api);
    const deal = await h.createDeal(REP, { amount: 1_000_000, discountPct: 15, tier: 'C', title: 'Approval times' });
    const approval = await h.request(REP, deal.id);
    await h.inInbox(MANAGER, approval.id);
    expect((await h.decide(MANAGER, approval.id, 'approve')).status).toBe(200);
    const { json, rows } = await both('/reports/approval-times', 'vp');
    expect(json.items.find((s: any) => s.stepId === 'manager')?.decisions).toBe(1);
    expect(rows.map((r) => [r.stepId, r.decisions, r.medianSeconds, r.escalations])).toEqual(json.items.map((s: any) => [s.stepId, cell(s.decisions), cell(s.medianSeconds), cell(s.escalations)]));
  });

  it('churn: one row per figure (closed, each outcome and reason, recovery rate)', async () => {
    const { json, rows } = await both('/reports/churn?from=2026-06', MANAGER);
    expect(rows[0]).toEqual({ figure: 'closed', key: '', value: cell(json.closed) });
    expect(rows.filter((r) => r.figure === 'outcome').map((r) => [r.key, Number(r.value)])).toEqual(Object.entries(json.outcomes));
    expect(rows.filter((r) => r.figure === 'reason').map((r) => [r.key, Number(r.value)])).toEqual(Object.entries(json.reasons));
    expect(rows.at(-1)).toEqual({ figure: 'recoveryRate', key: '', value: cell(json.recoveryRate) });
  });
});
