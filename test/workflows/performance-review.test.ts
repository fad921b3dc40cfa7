import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';
import { eventually } from '#test/support/approvals';

/**
 * The done-means cycle, locally end to end on the real ASL: a team of three reps, scorecards from real orders, deals,
 * interactions and surveys; the manager assesses two, the third times out and the director assesses it; all three
 * acknowledge; the close opens an improvement plan for the weakest, a badge for the top rep, finalises commission
 * statements and suggests next month's targets.
 */
const START = Date.parse('2026-11-20T10:00:00.000Z');
const began = Date.now();
/** November while the month's business is recorded, then (shift) 2 December, when November can be reviewed. */
let shift = 0;
const clock = { now: () => new Date(START + (Date.now() - began) + shift) };

let api: Awaited<ReturnType<typeof testApi>>;
const TEAM = 'east-enterprise';
const MANAGER = `manager-${TEAM}`;
const [R1, R2, R3] = [1, 2, 3].map((n) => `rep-${TEAM}-${n}`) as [string, string, string];
const CYCLE = `2026-11-${TEAM}`;
let decemberTarget: Record<string, string> = {};

const ok = (res: { status: number; body: unknown }, status = 200) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body as any;
};
const customerOf = async (rep: string) => (await api.call('GET', '/customers?limit=1&tier=C', { as: rep })).body.items[0].id as string;

beforeAll(async () => {
  api = await testApi({ demo: true, clock });
  // FY2026: the east region 60 % → its enterprise team half → three reps alike (120,000,000 fen each) → months (10,000,000 each).
  const root = ok(await api.call('POST', '/targets', { as: 'vp', body: { fiscalYear: 2026, amount: 1_200_000_000, tiers: { base: 1_200_000_000, sprint: 1_300_000_000, challenge: 1_500_000_000 } } }), 201);
  const regions = ok(await api.call('POST', `/targets/${root.id}/allocations`, { as: 'vp', body: { dimension: 'region', method: 'weights', weights: { east: 60, south: 40 } } }), 201);
  const east = regions.children.find((c: any) => c.key === 'east');
  const teams = ok(await api.call('POST', `/targets/${east.id}/allocations`, { as: 'director-east', body: { dimension: 'team', method: 'even' } }), 201);
  const team = teams.children.find((c: any) => c.key === TEAM);
  const reps = ok(await api.call('POST', `/targets/${team.id}/allocations`, { as: MANAGER, body: { dimension: 'rep', method: 'even' } }), 201);
  for (const rep of reps.children) {
    const months = ok(await api.call('POST', `/targets/${rep.id}/allocations`, { as: MANAGER, body: { dimension: 'month', method: 'even' } }), 201);
    expect(months.children.find((m: any) => m.key === '2026-11').amount).toBe(10_000_000);
    decemberTarget[rep.key] = months.children.find((m: any) => m.key === '2026-12').id;
  }

  // November: R1 sells 11,000,000 + wins a 1,000,000 deal (120 %), R2 sells 8,000,000 (80 %), R3 sells 2,000,000 and loses a deal.
  const order = async (rep: string, amount: number) => ok(await api.call('POST', `/customers/${await customerOf(rep)}/orders`, { as: rep, body: { amount, date: '2026-11-10', productLineId: 'crm-suite' } }), 201);
  await order(R1, 11_000_000);
  await order(R2, 8_000_000);
  await order(R3, 2_000_000);
  const deal = async (rep: string, amount: number) => ok(await api.call('POST', '/deals', { as: rep, body: { customerId: await customerOf(rep), title: `Deal of ${rep}`, amount, productLineId: 'crm-suite', expectedCloseDate: '2026-11-30' } }), 201);
  ok(await api.call('POST', `/deals/${(await deal(R1, 1_000_000)).id}/stage`, { as: R1, body: { stage: 'won' } }));
  ok(await api.call('POST', `/deals/${(await deal(R3, 3_000_000)).id}/stage`, { as: R3, body: { stage: 'lost', reason: 'price' } }));
  // R1 logs five customer interactions; one of R2's customers is a promoter.
  for (let i = 0; i < 5; i += 1) ok(await api.call('POST', `/customers/${await customerOf(R1)}/interactions`, { as: R1, body: { type: 'call', at: clock.now().toISOString(), note: `Call ${i}` } }), 201);
  ok(await api.call('POST', `/customers/${await customerOf(R2)}/surveys`, { as: R2, body: { type: 'nps', score: 10 } }), 201);

  // Every rep on a tiered plan for November.
  const plan = ok(await api.call('POST', '/commission-plans', { as: 'finance', body: { name: 'Nov tiered', period: '2026-11', baseRate: 0.02, bands: [{ fromAttainment: 0, toAttainment: 1, rate: 0.03 }, { fromAttainment: 1, rate: 0.05 }], mode: 'tiered', clawbackDays: 30 } }), 201);
  for (const rep of [R1, R2, R3]) ok(await api.call('POST', `/commission-plans/${plan.id}/assignments`, { as: 'finance', body: { userId: rep } }), 201);

  // Short assessment SLA so the third assessment times out during the test.
  const current = await api.call('GET', '/review-policy', { as: 'admin' });
  ok(await api.call('PUT', '/review-policy', { as: 'admin', headers: { 'if-match': current.headers.get('etag')! }, body: { ...current.body.policy, assessmentSlaSeconds: 4 } }));
  shift = Date.parse('2026-12-02T10:00:00.000Z') - clock.now().getTime();
}, 120_000);

const cards = async () => (await api.call('GET', `/scorecards?cycleId=${CYCLE}`, { as: MANAGER })).body.items as any[];
const cardOf = async (userId: string) => (await cards()).find((c) => c.userId === userId);
const toAssess = async (as: string) => ok(await api.call('GET', '/scorecards?assessor=me', { as })).items as any[];

describe('a review cycle for a team of three reps', () => {
  it('starts once, for a period that has ended: a second start of the same cycle answers 409', async () => {
    const running = await api.call('POST', '/review-cycles', { as: 'admin', body: { period: '2026-12', teamId: TEAM } });
    expect(running.status).toBe(400);
    expect(running.body.error.fields).toHaveProperty('period');
    expect(ok(await api.call('POST', '/review-cycles', { as: 'admin', body: { period: '2026-11', teamId: TEAM } }), 202).id).toBe(CYCLE);
    const again = await api.call('POST', '/review-cycles', { as: 'admin', body: { period: '2026-11', teamId: TEAM } });
    expect(again.status).toBe(409);
    expect((await api.call('POST', '/review-cycles', { as: MANAGER, body: { period: '2026-11', teamId: TEAM } })).status).toBe(403);
  });

  it('scores each rep from their real figures', async () => {
    const scored = await eventually(async () => {
      const list = await cards();
      return list.length === 3 && list;
    }, 'three scorecards');
    const by = Object.fromEntries(scored.map((c) => [c.userId, c]));
    expect(by[R1].metrics).toMatchObject({ actual: 12_000_000, target: 10_000_000, targetBasis: 'period', attainment: 1.2, wonCount: 1, wonAmount: 1_000_000, lostCount: 0, winRate: 1, activities: 5 });
    expect(by[R3].metrics).toMatchObject({ actual: 2_000_000, attainment: 0.2, wonCount: 0, lostCount: 1, winRate: 0 });
    expect(by[R2].metrics).toMatchObject({ attainment: 0.8, nps: 100, npsResponses: 1, winRate: null });
    // By hand, weights 40/15/10/10/15/10 over the measurable components:
    // R1 (100·40 + 100·15 + 25·10) / 65 = 88.5 → 4; R2 (80·40 + 0·10 + 100·15) / 65 = 72.3 → 3; R3 (20·40 + 0·15 + 0·10) / 65 = 12.3 → 1.
    expect([by[R1].score, by[R1].rating]).toEqual([88.5, 4]);
    expect([by[R2].score, by[R2].rating]).toEqual([72.3, 3]);
    expect([by[R3].score, by[R3].rating]).toEqual([12.3, 1]);
    expect(by[R1].assessorIds).toEqual([MANAGER]);

    // The manager's worklist: the three cards waiting for their assessment, and nobody else's.
    const mine = await toAssess(MANAGER);
    expect(mine.map((c) => c.userId).sort()).toEqual([R1, R2, R3]);
    expect(mine.every((c) => c.status === 'scored' && c.cycleId === CYCLE && c.assessmentToken === undefined)).toBe(true);
    expect(await toAssess('director-east')).toEqual([]);
    expect(await toAssess(R1)).toEqual([]);
    // One list at a time, named in a JSON 400.
    for (const [query, fields] of [[`assessor=me&cycleId=${CYCLE}`, ['assessor', 'cycleId']], [`userId=${R1}&assessor=me`, ['assessor', 'userId']], ['', ['cycleId']], ['assessor=you', ['assessor']]] as const) {
      const res = await api.call('GET', `/scorecards?${query}`, { as: MANAGER });
      expect(res.status, query).toBe(400);
      expect(Object.keys(res.body.error.fields).sort(), query).toEqual(fields);
    }
  });

  it('takes the manager’s assessments; the one left waiting escalates to the director', async () => {
    const assess = (as: string, card: any, ratingAdjustment: number) =>
      api.call('POST', `/scorecards/${card.id}/assessment`, { as, body: { comment: 'Discussed in 1:1', ratingAdjustment, goalsNextPeriod: ['Two new enterprise logos'] } });
    const r1 = ok(await assess(MANAGER, await cardOf(R1), 1));
    expect(r1).toMatchObject({ status: 'assessed', finalRating: 5 });
    expect((await assess(MANAGER, await cardOf(R1), 0)).status).toBe(409);
    expect((await assess(R2, await cardOf(R2), 1)).status).toBe(403);
    ok(await assess(MANAGER, await cardOf(R2), 0));
    const bad = await api.call('POST', `/scorecards/${(await cardOf(R3)).id}/assessment`, { as: MANAGER, body: { comment: '', ratingAdjustment: 2, goalsNextPeriod: [] } });
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['comment', 'goalsNextPeriod', 'ratingAdjustment']);

    const escalated = await eventually(async () => {
      const card = await cardOf(R3);
      return card.escalatedTo?.length && card;
    }, 'R3 escalated', 20_000);
    expect(escalated.assessorIds).toEqual(['director-east']);
    // The escalation moved the card from the manager's worklist to the director's.
    expect(await toAssess(MANAGER)).toEqual([]);
    expect((await toAssess('director-east')).map((c) => [c.userId, c.assessorIds])).toEqual([[R3, ['director-east']]]);
    expect((await assess(MANAGER, escalated, 0)).status).toBe(403);
    ok(await assess('director-east', escalated, -1));
    expect(await toAssess('director-east')).toEqual([]);
  });

  it('closes once everyone acknowledged: plan for the weakest, badge for the top rep, final statements, next targets', async () => {
    for (const rep of [R1, R2, R3]) {
      const card = await eventually(async () => {
        const c = await cardOf(rep);
        return c.status === 'assessed' && c;
      }, `${rep} assessed`);
      expect((await api.call('POST', `/scorecards/${card.id}/acknowledgement`, { as: MANAGER, body: {} })).status).toBe(403);
      ok(await api.call('POST', `/scorecards/${card.id}/acknowledgement`, { as: rep, body: { comment: 'Seen' } }));
    }
    const cycle = await eventually(async () => {
      const c = (await api.call('GET', `/review-cycles/${CYCLE}`, { as: MANAGER })).body;
      return c.status === 'closed' && c;
    }, 'cycle closed', 20_000);
    expect(cycle.progress).toEqual({ reps: 3, scored: 3, assessed: 3, acknowledged: 3, escalated: 1 });

    const plans = ok(await api.call('GET', `/improvement-plans?userId=${R3}`, { as: MANAGER })).items;
    expect(plans).toHaveLength(1);
    // The rep's manager sees it through, though the director assessed after the escalation.
    expect(plans[0]).toMatchObject({ rating: 1, ownerId: MANAGER, status: 'open' });
    expect(plans[0].actions).toContain('Two new enterprise logos');
    const checkpoint = (as: string, status: string) => api.call('POST', `/improvement-plans/${plans[0].id}/checkpoints`, { as, body: { note: 'Weekly review held', status } });
    expect((await checkpoint(R3, 'done')).status).toBe(403);
    ok(await checkpoint(R3, 'on_track'));
    expect(ok(await checkpoint(MANAGER, 'done')).status).toBe('done');
    expect((await checkpoint(MANAGER, 'at_risk')).status).toBe(409);
    for (const rep of [R1, R2]) expect(ok(await api.call('GET', `/improvement-plans?userId=${rep}`, { as: MANAGER })).items).toEqual([]);

    expect(cycle.badges).toEqual([
      { userId: R1, teamId: TEAM, regionId: 'east', badge: 'top_attainment', reason: 'Highest attainment: 120%' },
      { userId: R2, teamId: TEAM, regionId: 'east', badge: 'best_nps', reason: 'Best NPS: 100 from 1 responses' },
    ]);
    const badges = ok(await api.call('GET', `/users/${R1}/recognitions`, { as: R1 })).items;
    expect(badges.map((b: any) => b.badge)).toContain('top_attainment');

    for (const rep of [R1, R2, R3]) expect(ok(await api.call('GET', `/users/${rep}/commission?period=2026-11`, { as: 'finance' })).status).toBe('final');

    // R1: max(12,000,000 actual, 10,000,000 target) × 1.15 for a final rating of 5.
    const r1 = cycle.suggestions.find((s: any) => s.userId === R1);
    expect(r1).toMatchObject({ period: '2026-12', suggestedAmount: 13_800_000, targetId: decemberTarget[R1] });
    const suggested = ok(await api.call('GET', `/targets/${decemberTarget[R1]}/revisions?status=suggested`, { as: MANAGER })).items;
    expect(suggested).toEqual([expect.objectContaining({ reason: 'performance_review', oldAmount: 10_000_000, newAmount: 13_800_000, effectiveFrom: '2026-12-01' })]);
    expect(await cards()).toHaveLength(3);
  });
});

describe('the scheduled monthly review', () => {
  it('is a job on the schedule; two runs for the same month make one cycle, and reps a team cycle reviewed are not reviewed again', async () => {
    const jobs = ok(await api.call('GET', '/jobs', { as: 'admin' })).items as any[];
    expect(jobs.find((j) => j.name === 'monthly-performance-review')).toMatchObject({ cron: '0 2 1 * *', nextRunAt: '2027-01-01T02:00:00.000Z' });
    expect(jobs.find((j) => j.name === 'quarterly-performance-review')).toMatchObject({ cron: '0 3 1 1,4,7,10 *', nextRunAt: '2027-01-01T03:00:00.000Z' });

    const first = ok(await api.call('POST', '/jobs/monthly-performance-review/run', { as: 'admin' }), 202);
    const second = ok(await api.call('POST', '/jobs/monthly-performance-review/run', { as: 'admin' }), 202);
    // The clock says December: the run reviews November for every rep but the three the team cycle reviewed.
    const cycle = await eventually(async () => {
      const c = (await api.call('GET', '/review-cycles/2026-11', { as: 'vp' })).body;
      return c.progress?.scored === 9 && c;
    }, 'November scored for the nine other reps', 30_000);
    expect(cycle).toMatchObject({ period: '2026-11', startedBy: 'schedule', status: 'open', progress: { reps: 12 } });
    // Whichever run created the cycle runs it (it now waits for assessments); the other stopped at once.
    const statuses = await eventually(async () => {
      const both = await Promise.all([first, second].map(async (run) => (await api.engine.describeExecution(run.executionId)).status));
      return both.includes('SUCCEEDED') && both;
    }, 'one run to stop');
    expect(statuses.sort()).toEqual(['RUNNING', 'SUCCEEDED']);
    const cards = ok(await api.call('GET', '/scorecards?cycleId=2026-11&limit=100', { as: 'vp' })).items;
    expect(cards).toHaveLength(9);
    expect(cards.map((c: any) => c.userId)).not.toContain(R1);
    expect(ok(await api.call('GET', `/scorecards?userId=${R1}`, { as: 'vp' })).items.map((c: any) => c.cycleId)).toEqual([CYCLE]);
  }, 90_000);
});

describe('a cycle that failed', () => {
  it('is marked failed with the reason, and a new start runs it again', async () => {
    const { fail } = await import('#shared/reviews/cycle-tasks');
    ok(await api.call('POST', '/review-cycles', { as: 'admin', body: { period: '2026-10', teamId: 'east-commercial' } }), 202);
    await eventually(async () => (await api.call('GET', '/review-cycles/2026-10-east-commercial', { as: 'vp' })).body.progress?.scored === 3, 'scored');
    // As the workflow's MarkFailed step does when a step fails for good.
    await fail({ cycleId: '2026-10-east-commercial', error: 'Lambda.Unknown', cause: 'the task crashed' }, { db: api.db, clock, engine: api.engine });
    expect(ok(await api.call('GET', '/review-cycles/2026-10-east-commercial', { as: 'vp' }))).toMatchObject({ status: 'failed', error: 'Lambda.Unknown: the task crashed' });
    const again = ok(await api.call('POST', '/review-cycles', { as: 'admin', body: { period: '2026-10', teamId: 'east-commercial' } }), 202);
    expect(again.status).toBe('open');
    expect(ok(await api.call('GET', '/review-cycles/2026-10-east-commercial', { as: 'vp' }))).toMatchObject({ status: 'open', progress: { scored: 3 } });
    expect(ok(await api.call('GET', '/scorecards?cycleId=2026-10-east-commercial', { as: 'vp' })).items).toHaveLength(3);
  });
});
