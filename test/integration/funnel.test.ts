import { beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { testApi } from '#test/support/api';

let api: Awaited<ReturnType<typeof testApi>>;

const REP = 'rep-east-enterprise-1';
const MATE = 'rep-east-enterprise-2';
const EAST_COMMERCIAL = 'rep-east-commercial-1';
const SOUTH = 'rep-south-enterprise-1';

const DAY = 86_400_000;
const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);
// The moves happen now; a range that starts a month back keeps the test true across a month boundary.
const RANGE = `from=${monthOf(Date.now() - 31 * DAY)}&to=${monthOf(Date.now() + DAY)}`;

const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);

async function customerC(rep: string) {
  const res = await api.call('GET', '/customers?tier=C', { as: rep });
  return res.body.items[0].id as string;
}

async function dealThrough(rep: string, amount: number, stages: string[], lostReason?: string) {
  const created = await api.call('POST', '/deals', {
    as: rep,
    body: { customerId: await customerC(rep), title: `Funnel ${amount}`, productLineId: 'crm-suite', amount, expectedCloseDate: '2026-12-31' },
  });
  expect(created.status).toBe(201);
  for (const stage of stages) {
    const res = await api.call('POST', `/deals/${created.body.id}/stage`, { as: rep, body: { stage, ...(stage === 'lost' ? { reason: lostReason } : {}) } });
    expect(res.status, `${stage}: ${JSON.stringify(res.body)}`).toBe(200);
  }
  return created.body.id as string;
}

/** [stage, entered, amount (CNY), exitsToNext, conversion] per stage, in pipeline order. */
const rows = (report: any) => report.stages.map((s: any) => [s.stage, s.entered, s.amount.CNY ?? 0, s.exitsToNext, s.conversion]);

beforeAll(async () => {
  api = await testApi({ demo: true });
  // Seven deals; amounts are distinct so every sum below can be checked by hand.
  await dealThrough(REP, 1_000_000, ['qualified', 'needs_analysis', 'proposal', 'negotiation', 'won']); // D1
  await dealThrough(REP, 2_000_000, ['qualified', 'lost'], 'price'); // D2
  await dealThrough(MATE, 3_000_000, ['qualified', 'needs_analysis']); // D3
  await dealThrough(MATE, 400_000, ['lost'], 'no_budget'); // D4
  await dealThrough(REP, 500_000, ['needs_analysis', 'qualified']); // D5: skips qualified, then goes back to it
  await dealThrough(EAST_COMMERCIAL, 600_000, ['qualified', 'won']); // D6: another team, same region
  await dealThrough(SOUTH, 700_000, ['qualified']); // D7: another region
});

describe('GET /reports/funnel equals the funnel computed by hand from the moves', () => {
  it('team east-enterprise (D1–D5)', async () => {
    const res = await api.call('GET', `/reports/funnel?${RANGE}&teamId=east-enterprise`, { as: 'vp' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toEqual({ kind: 'team', id: 'east-enterprise' });
    expect(rows(res.body)).toEqual([
      // entered: D1–D5; exits to qualified: D1, D2, D3 (D4 went to lost, D5 skipped ahead)
      ['lead', 5, 6_900_000, 3, 3 / 5],
      // entered: D1, D2, D3, D5 (on its way back); on to needs_analysis: D1, D3
      ['qualified', 4, 6_500_000, 2, 2 / 4],
      // entered: D1, D3, D5; on to proposal: D1 (D5 went back)
      ['needs_analysis', 3, 4_500_000, 1, 1 / 3],
      ['proposal', 1, 1_000_000, 1, 1],
      ['negotiation', 1, 1_000_000, 1, 1],
      ['won', 1, 1_000_000, 0, null],
      ['lost', 2, 2_400_000, 0, null],
    ]);
    expect(res.body).toMatchObject({ won: 1, lost: 2, winRate: 1 / 3 });
  });

  it('region east adds D6; everyone adds D7', async () => {
    const region = await api.call('GET', `/reports/funnel?${RANGE}`, { as: 'director-east' });
    expect(region.body.scope).toEqual({ kind: 'region', id: 'east' });
    expect(rows(region.body).slice(0, 2)).toEqual([
      ['lead', 6, 7_500_000, 4, 4 / 6],
      // D6 left qualified for won, which is not the next stage
      ['qualified', 5, 7_100_000, 2, 2 / 5],
    ]);
    expect(region.body).toMatchObject({ won: 2, lost: 2, winRate: 0.5 });
    const all = await api.call('GET', `/reports/funnel?${RANGE}`, { as: 'finance' });
    expect(all.body.scope).toEqual({ kind: 'all' });
    expect(rows(all.body).slice(0, 2)).toEqual([
      ['lead', 7, 8_200_000, 5, 5 / 7],
      ['qualified', 6, 7_800_000, 2, 2 / 6],
    ]);
    expect(all.body.stages.find((s: any) => s.stage === 'won').amount).toEqual({ CNY: 1_600_000 });
  });

  it('months without moves report zeros, and null rates', async () => {
    const res = await api.call('GET', '/reports/funnel?from=2020-01&to=2020-03', { as: 'vp' });
    expect(res.status).toBe(200);
    expect(res.body.stages.every((s: any) => s.entered === 0 && s.conversion === null)).toBe(true);
    expect(res.body).toMatchObject({ won: 0, lost: 0, winRate: null });
  });
});

describe('report scope', () => {
  it('defaults to a rep’s own deals, the manager’s team, the director’s region or everyone', async () => {
    const team = await api.call('GET', `/reports/funnel?${RANGE}&teamId=east-enterprise`, { as: 'vp' });
    const managers = await api.call('GET', `/reports/funnel?${RANGE}`, { as: 'manager-east-enterprise' });
    expect(managers.body).toEqual(team.body);
    const own = await api.call('GET', `/reports/funnel?${RANGE}`, { as: REP });
    expect(own.body.scope).toEqual({ kind: 'owner', id: REP });
    // The rep's own funnel counts only the rep's deals (D1, D2, D5), not the teammate's (D3, D4).
    expect(own.body.stages.find((s: any) => s.stage === 'lead')).toMatchObject({ entered: 3, amount: { CNY: 3_500_000 }, exitsToNext: 2 });
    expect(own.body).toMatchObject({ won: 1, lost: 1, winRate: 0.5 });
    expect((await api.call('GET', `/reports/funnel?${RANGE}&teamId=east-enterprise`, { as: REP })).status).toBe(403);
    expect((await api.call('GET', `/reports/funnel?${RANGE}`, { as: 'vp' })).body.scope).toEqual({ kind: 'all' });
    expect((await api.call('GET', `/reports/funnel?${RANGE}&teamId=east-enterprise`, { as: 'director-east' })).status).toBe(200);
  });

  it('refuses teams and regions outside the caller’s scope (403), unknown ones (404) and bad ranges (400)', async () => {
    const cases: [string, string, number, string?][] = [
      [REP, 'teamId=east-commercial', 403],
      [REP, 'regionId=east', 403],
      ['manager-east-enterprise', 'regionId=east', 403],
      ['manager-east-enterprise', 'teamId=south-enterprise', 403],
      ['director-east', 'regionId=south', 403],
      ['director-east', 'teamId=south-commercial', 403],
      ['vp', 'teamId=no-such-team', 404],
      ['vp', 'regionId=north', 404],
      ['vp', 'teamId=east-enterprise&regionId=east', 400, 'regionId'],
      ['vp', 'from=2026-13', 400, 'from'],
      ['vp', 'from=2026-05&to=2026-01', 400, 'from'],
      ['vp', 'from=2020-01&to=2026-01', 400, 'from'],
      ['vp', 'colour=blue', 400, 'colour'],
    ];
    for (const [as, query, status, field] of cases) {
      for (const path of ['/reports/funnel', '/reports/stage-times']) {
        const res = await api.call('GET', `${path}?${query}`, { as });
        expect(res.status, `${as} ${path}?${query}`).toBe(status);
        if (field) expect(Object.keys(res.body.error.fields), query).toContain(field);
      }
    }
  });
});

describe('counters under contention and at scale', () => {
  it('parallel creates and moves by several reps lose no count', async () => {
    const before = await api.call('GET', `/reports/funnel?${RANGE}&teamId=south-enterprise`, { as: 'vp' });
    const reps = ['rep-south-enterprise-1', 'rep-south-enterprise-2', 'rep-south-enterprise-3'];
    await Promise.all([...reps, ...reps].map((rep, i) => dealThrough(rep, 10_000 * (i + 1), ['qualified'])));
    const after = await api.call('GET', `/reports/funnel?${RANGE}&teamId=south-enterprise`, { as: 'vp' });
    const [leadBefore, leadAfter] = [before.body.stages[0], after.body.stages[0]];
    expect(leadAfter.entered - leadBefore.entered).toBe(6);
    expect(leadAfter.exitsToNext - leadBefore.exitsToNext).toBe(6);
    expect(leadAfter.amount.CNY - leadBefore.amount.CNY).toBe(10_000 * 21);
    expect(after.body.stages[1].entered - before.body.stages[1].entered).toBe(6);
  });

  it('a report costs two round trips however many deals exist', async () => {
    const first = await api.call('GET', `/reports/funnel?${RANGE}`, { as: 'vp' });
    await dealThrough(MATE, 50_000, ['qualified', 'needs_analysis']);
    const second = await api.call('GET', `/reports/funnel?${RANGE}`, { as: 'vp' });
    const times = await api.call('GET', `/reports/stage-times?${RANGE}`, { as: 'vp' });
    expect([trips(first), trips(second), trips(times)]).toEqual([2, 2, 2]);
  });
});

describe('GET /reports/stage-times', () => {
  const ago = [0.5 / 24, 1.5, 3, 10, 50]; // days each deal has sat in lead
  const reps = ['rep-south-commercial-1', 'rep-south-commercial-2', 'rep-south-commercial-3', 'rep-south-commercial-1', 'rep-south-commercial-2'];

  beforeAll(async () => {
    for (const [i, days] of ago.entries()) {
      const id = await dealThrough(reps[i]!, 100_000, []);
      // As if the deal had entered lead `days` ago (the approvals engine and tests may write on the item directly).
      await api.db.doc.send(
        new UpdateCommand({
          TableName: api.db.tableName,
          Key: { PK: `DEAL#${id}`, SK: 'PROFILE' },
          UpdateExpression: 'SET stageEntry.#at = :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': new Date(Date.now() - days * DAY).toISOString() },
        }),
      );
      const moved = await api.call('POST', `/deals/${id}/stage`, { as: reps[i]!, body: { stage: 'qualified' } });
      expect(moved.status).toBe(200);
    }
  });

  it('estimates median and p90 per stage from the histogram (bucket upper bounds)', async () => {
    const range = `from=${monthOf(Date.now() - 60 * DAY)}&to=${monthOf(Date.now() + DAY)}`;
    const res = await api.call('GET', `/reports/stage-times?${range}`, { as: 'manager-south-commercial' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toEqual({ kind: 'team', id: 'south-commercial' });
    const lead = res.body.stages.find((s: any) => s.stage === 'lead');
    // 30 min, 1.5 d, 3 d, 10 d, 50 d: the 3rd of 5 sits in ≤ 4 d, the 5th (⌈0.9·5⌉) in ≤ 60 d.
    expect(lead).toMatchObject({ count: 5, medianSeconds: 4 * 86_400, p90Seconds: 60 * 86_400 });
    expect(lead.buckets.map((b: any) => b.count)).toEqual([0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0]);
    expect(lead.buckets.at(-1).upToSeconds).toBeNull();
    expect(res.body.stages.find((s: any) => s.stage === 'qualified')).toMatchObject({ count: 0, medianSeconds: null, p90Seconds: null });
    expect(res.body.stages.map((s: any) => s.stage)).toEqual(['lead', 'qualified', 'needs_analysis', 'proposal', 'negotiation']);
  });

  it('counts an exit in the month the deal entered the stage (a cohort)', async () => {
    const month = monthOf(Date.now() - 50 * DAY);
    const res = await api.call('GET', `/reports/stage-times?from=${month}&to=${month}&teamId=south-commercial`, { as: 'director-south' });
    const lead = res.body.stages.find((s: any) => s.stage === 'lead');
    expect(lead.count).toBe(1);
    expect(lead.medianSeconds).toBe(60 * 86_400);
    const funnel = await api.call('GET', `/reports/funnel?from=${month}&to=${month}&teamId=south-commercial`, { as: 'director-south' });
    expect(funnel.body.stages[0]).toMatchObject({ entered: 0, exitsToNext: 1 });
  });
});
