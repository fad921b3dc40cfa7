import { beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys, targetKeys } from '#shared/core/keys';
import { listAudit } from '#shared/core/audit';
import { LocalWorkflowEngine } from '#infra/local/workflow-engine';
import { registry } from '#workflows/index';
import { testApi } from '#test/support/api';
import { fixtureRuns, waitUntilSettled } from './helpers.ts';

/**
 * workflows/daily-goal-pace.asl.json on the local engine with the real task, over a tree built and orders booked
 * through the API (so the actuals aggregates are the real ones). The check runs at a pinned moment of fiscal
 * year 2025 — 16 May, 06:00 UTC — so the orders can be dated in the past whatever day the test runs.
 */
let api: Awaited<ReturnType<typeof testApi>>;
const AS_OF = new Date('2025-05-16T06:00:00Z');
const LAG = 'rep-east-enterprise-1';
const ON_PACE = 'rep-east-enterprise-2';
const MANAGER = 'manager-east-enterprise';
const nodes: Record<string, any> = {};

async function order(rep: string, amount: number, date: string) {
  const customer = (await api.call('GET', '/customers?limit=1', { as: rep })).body.items[0];
  const res = await api.call('POST', `/customers/${customer.id}/orders`, { as: rep, body: { amount, date, productLineId: 'crm-suite' } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function allocate(as: string, id: string, body: unknown) {
  const res = await api.call('POST', `/targets/${id}/allocations`, { as, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return Object.fromEntries(res.body.children.map((c: any) => [c.key, c]));
}

/**
 * Runs the workflow as the schedule would, on an engine whose clock reads `at`; with `pagesOf2` the same ASL
 * binds the real task with pages of 2 nodes (test/workflows/fixtures/goal-pace-small-pages.ts).
 */
async function runCheck(at: Date, name: string, pagesOf2 = false) {
  const workflow = registry.workflows.find((w) => w.name === 'daily-goal-pace')!;
  const small = { workflows: [{ ...workflow, tasks: { GoalPaceStepFunctionArn: { handler: 'test/workflows/fixtures/goal-pace-small-pages' } } }], schedules: [] };
  const engine = new LocalWorkflowEngine({ db: api.db, registry: pagesOf2 ? small : registry, clock: { now: () => at } });
  const { executionId } = await engine.startExecution({ workflow: 'daily-goal-pace', name, input: { scheduledAt: at.toISOString() } });
  return waitUntilSettled(engine, executionId, 60_000);
}

async function suggestionsOf(targetId: string) {
  const out = await api.db.doc.send(
    new QueryCommand({ TableName: api.db.tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)', ExpressionAttributeValues: { ':pk': `TARGET#${targetId}`, ':sk': targetKeys.revisionPrefix }, ConsistentRead: true }),
  );
  return out.Items ?? [];
}

const paceNotifications = async (userId: string) => ((await api.call('GET', '/notifications?limit=100', { as: userId })).body.items as any[]).filter((n) => n.kind === 'target_pace');

beforeAll(async () => {
  api = await testApi({ demo: true });
  // 24,000.00 CNY for 2025 → East Enterprise → 12,000.00 each for two reps; the lagging rep's year also by quarter → Q2 by month.
  const company = await api.call('POST', '/targets', { as: 'vp', body: { fiscalYear: 2025, amount: 2_400_000, tiers: { base: 2_400_000, sprint: 2_600_000, challenge: 3_000_000 } } });
  expect(company.status).toBe(201);
  nodes.company = company.body;
  nodes.team = (await allocate('vp', nodes.company.id, { dimension: 'team', method: 'weights', weights: { 'east-enterprise': 1 } }))['east-enterprise'];
  const reps = await allocate(MANAGER, nodes.team.id, { dimension: 'rep', amounts: { [LAG]: 1_200_000, [ON_PACE]: 1_200_000 } });
  nodes.lag = reps[LAG];
  nodes.onPace = reps[ON_PACE];
  const quarters = await allocate(MANAGER, nodes.lag.id, { dimension: 'quarter', method: 'even' });
  nodes.q1 = quarters.Q1;
  nodes.q2 = quarters.Q2;
  nodes.q3 = quarters.Q3;
  nodes.may = (await allocate(MANAGER, nodes.q2.id, { dimension: 'month', method: 'even' }))['2025-05'];

  // By 16 May 06:00, 4 + 15.25/31 of 12 months have passed: 37.43 % of the year, 49.73 % of Q2.
  await order(ON_PACE, 200_000, '2025-02-10');
  await order(ON_PACE, 150_000, '2025-04-15');
  await order(ON_PACE, 100_000, '2025-05-05'); // 450,000 of 449,194 expected: on pace
  await order(LAG, 100_000, '2025-01-20');
  await order(LAG, 50_000, '2025-04-10'); // year 150,000 of 449,194 (33 %); Q2 50,000 of 149,194 (34 %)
}, 120_000);

describe('daily goal pace', () => {
  it('suggests one pace_deviation revision per lagging node and period, notifies each owner once, and a rerun adds nothing', async () => {
    const first = await runCheck(AS_OF, 'daily-goal-pace-test-1', true);
    expect(first.status, JSON.stringify(first.error)).toBe('SUCCEEDED');
    expect(await fixtureRuns(api.db, 'goal-pace-page#daily-goal-pace-test-1')).toBe(6); // 11 nodes, 2 a page: the Choice loops on the cursor
    // Due: company, team, both reps, the lagging rep's Q2 (Q1 ended, Q3/Q4 not started, months within their grace).
    expect(first.output).toMatchObject({ asOf: AS_OF.toISOString(), fiscalYear: 2025, cursor: null, counts: { checked: 5, suggested: 4, alreadySuggested: 0 } });

    const [lagYear] = await suggestionsOf(nodes.lag.id);
    expect(await suggestionsOf(nodes.lag.id)).toHaveLength(1);
    expect(lagYear).toMatchObject({
      type: 'target_revision',
      targetId: nodes.lag.id,
      status: 'suggested',
      reason: 'pace_deviation',
      oldAmount: 1_200_000,
      newAmount: Math.round(150_000 / ((4 + 15.25 / 31) / 12)),
      currency: 'CNY',
      effectiveFrom: '2025-05-16',
      finding: { period: '2025', actual: 150_000, expectedToDate: 449_194, pace: 0.3339, direction: 'behind', lowerPct: 80, upperPct: 130, checkedAt: AS_OF.toISOString() },
    });
    expect(lagYear!.requesterId).toBeUndefined();
    const [lagQ2] = await suggestionsOf(nodes.q2.id);
    expect(lagQ2).toMatchObject({ oldAmount: 300_000, finding: { period: '2025-Q2', actual: 50_000, expectedToDate: 149_194, direction: 'behind' } });
    for (const quiet of [nodes.onPace, nodes.q1, nodes.q3, nodes.may]) expect(await suggestionsOf(quiet.id)).toEqual([]);
    expect(await suggestionsOf(nodes.team.id)).toHaveLength(1);
    expect(await suggestionsOf(nodes.company.id)).toHaveLength(1);

    const audit = await listAudit(api.db, 'target', nodes.lag.id, 100);
    expect(audit.items.filter((e) => e.action === 'pace_suggestion')).toEqual([expect.objectContaining({ actorId: 'job:daily-goal-pace' })]);

    const lagNotes = await paceNotifications(LAG);
    expect(lagNotes.map((n) => n.title).sort()).toEqual(['Target quarter Q2 (2025-Q2) is behind pace', `Target rep ${LAG} (2025) is behind pace`]);
    expect(lagNotes.find((n) => n.title.includes('(2025)')).body).toContain(`target ${nodes.lag.id}`);
    expect(await paceNotifications(ON_PACE)).toEqual([]);
    expect(await paceNotifications(MANAGER)).toHaveLength(1); // the team's owner
    expect(await paceNotifications('vp')).toHaveLength(1); // the company target has no owner: its creator

    // The same day again, and the next day: every suggestion for these periods exists, nothing is added or re-sent.
    for (const [at, name, pagesOf2] of [[AS_OF, 'daily-goal-pace-test-2', false], [new Date('2025-05-17T01:30:00Z'), 'daily-goal-pace-test-3', true]] as const) {
      const again = await runCheck(at, name, pagesOf2);
      expect(again.output).toMatchObject({ counts: { checked: 5, suggested: 0, alreadySuggested: 4 } });
    }
    expect(await suggestionsOf(nodes.lag.id)).toHaveLength(1);
    expect(await paceNotifications(LAG)).toHaveLength(2);
    expect(await paceNotifications(MANAGER)).toHaveLength(1);

    const jobs = await api.call('GET', '/jobs', { as: 'admin' });
    expect(jobs.body.items.find((j: any) => j.name === 'daily-goal-pace')).toMatchObject({
      workflow: 'daily-goal-pace',
      cron: '30 1 * * *',
      lastRun: { runId: 'daily-goal-pace-test-3', status: 'SUCCEEDED', fiscalYear: 2025, counts: { checked: 5, suggested: 0, alreadySuggested: 4 } },
    });
  });

  it('a crash between the suggestion and its message is healed by the next run, with the same message id', async () => {
    const guardKey = targetKeys.paceGuard(nodes.lag.id, '2025');
    const before = (await paceNotifications(LAG)).find((n) => n.title.includes('(2025)'));
    expect((await api.db.doc.send(new GetCommand({ TableName: api.db.tableName, Key: guardKey }))).Item).toMatchObject({ revisionId: expect.any(String), recipientId: LAG, notifiedAt: expect.any(String) });
    // As if the task died after its transaction: no message yet, the guard not marked.
    await api.db.doc.send(new DeleteCommand({ TableName: api.db.tableName, Key: keys.notification(LAG, before.id) }));
    await api.db.doc.send(new UpdateCommand({ TableName: api.db.tableName, Key: guardKey, UpdateExpression: 'REMOVE notifiedAt' }));
    expect(await paceNotifications(LAG)).toHaveLength(1);

    for (const name of ['daily-goal-pace-test-heal-1', 'daily-goal-pace-test-heal-2']) {
      expect((await runCheck(new Date('2025-05-18T01:30:00Z'), name)).output).toMatchObject({ counts: { suggested: 0, alreadySuggested: 4 } });
    }
    const after = await paceNotifications(LAG);
    expect(after).toHaveLength(2);
    expect(after.find((n) => n.title.includes('(2025)'))).toMatchObject({ id: before.id, body: before.body });
    expect(await suggestionsOf(nodes.lag.id)).toHaveLength(1);
  });

  it('a new quarter is a new period: Q3 lagging in August gets its own suggestion; Q2 and the year stay as they were', async () => {
    const august = await runCheck(new Date('2025-08-12T01:30:00Z'), 'daily-goal-pace-test-4');
    expect(august.status).toBe('SUCCEEDED');
    // Due: company, team, both reps, Q3 (Q2 ended). Only Q3 is new; the on-pace rep has sold nothing since May.
    expect(august.output).toMatchObject({ counts: { checked: 5, suggested: 2, alreadySuggested: 3 } });
    expect(await suggestionsOf(nodes.q3.id)).toEqual([expect.objectContaining({ finding: expect.objectContaining({ period: '2025-Q3', actual: 0 }) })]);
    expect(await suggestionsOf(nodes.onPace.id)).toEqual([expect.objectContaining({ finding: expect.objectContaining({ period: '2025', direction: 'behind' }) })]);
    expect(await suggestionsOf(nodes.lag.id)).toHaveLength(1);
    expect(await suggestionsOf(nodes.q2.id)).toHaveLength(1);
  });
});
