import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '#shared/core/audit';
import { DEFAULT_GOAL_POLICY } from '#shared/goals/policy';
import { testApi } from '#test/support/api';
import { eventually } from '#test/support/approvals';

/** GET|PUT /goal-policy, and the pace job run by hand (POST /jobs/daily-goal-pace/run) on today's date. */
let api: Awaited<ReturnType<typeof testApi>>;
const put = (body: unknown, headers: Record<string, string> = { 'if-match': '"0"' }, as = 'admin') => api.call('PUT', '/goal-policy', { as, body, headers });

beforeAll(async () => {
  api = await testApi({ demo: true });
}, 60_000);

describe('the goals policy', () => {
  it('anyone signed in reads it, the defaults at version 0 until an admin saves one', async () => {
    const res = await api.call('GET', '/goal-policy', { as: 'rep-east-enterprise-1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"0"');
    expect(res.body).toEqual({ version: 0, policy: DEFAULT_GOAL_POLICY });
    expect((await api.call('GET', '/goal-policy')).status).toBe(401);
  });

  it('refuses bad input with a JSON 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ ...DEFAULT_GOAL_POLICY, paceLowerPct: 150 }, 'paceLowerPct'],
      [{ ...DEFAULT_GOAL_POLICY, paceUpperPct: 90 }, 'paceUpperPct'],
      [{ ...DEFAULT_GOAL_POLICY, paceGraceMonths: 1.5 }, 'paceGraceMonths'],
      [{ ...DEFAULT_GOAL_POLICY, revisionSlaSeconds: 'soon' }, 'revisionSlaSeconds'],
      [{ ...DEFAULT_GOAL_POLICY, paceLowerPct: 100, paceUpperPct: 100 }, 'paceLowerPct'],
      [{ ...DEFAULT_GOAL_POLICY, surprise: true }, 'surprise'],
    ];
    for (const [body, field] of cases) {
      const res = await put(body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBeDefined();
      expect(Object.keys(res.body.error.fields ?? {}).join(' '), JSON.stringify(res.body)).toContain(field);
    }
    const { paceGraceMonths: _, ...missing } = DEFAULT_GOAL_POLICY;
    expect(Object.keys((await put(missing)).body.error.fields)).toContain('paceGraceMonths');
  });

  it('only an admin saves, with If-Match; a stale version is 409, a missing one 412; the change is audited', async () => {
    expect((await put(DEFAULT_GOAL_POLICY, { 'if-match': '"0"' }, 'vp')).status).toBe(403);
    expect((await put(DEFAULT_GOAL_POLICY, {})).status).toBe(412);
    expect((await put(DEFAULT_GOAL_POLICY, { 'if-match': '"7"' })).status).toBe(409);
    // The pace job below runs on today's date: no grace, so even a January run checks this year's targets.
    const saved = await put({ ...DEFAULT_GOAL_POLICY, paceGraceMonths: 0 });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.headers.get('etag')).toBe('"1"');
    expect(saved.body).toMatchObject({ version: 1, policy: { paceGraceMonths: 0 }, updatedBy: 'admin' });
    const stale = await put({ ...DEFAULT_GOAL_POLICY, paceLowerPct: 70 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('version_conflict');
    expect((await api.call('GET', '/goal-policy', { as: 'manager-east-enterprise' })).body).toMatchObject({ version: 1, policy: { paceGraceMonths: 0 } });
    const trail = await listAudit(api.db, 'goal_policy', 'current', 10);
    expect(trail.items[0]).toMatchObject({ action: 'update', actorId: 'admin', changes: [expect.objectContaining({ field: 'policy', before: expect.objectContaining({ paceGraceMonths: 1 }), after: expect.objectContaining({ paceGraceMonths: 0 }) })] });
  });
});

describe('POST /jobs/daily-goal-pace/run', () => {
  it('an admin runs it now: a target with no sales this year gets its pace suggestion and its owner a notification', async () => {
    const year = new Date().getUTCFullYear();
    const company = await api.call('POST', '/targets', { as: 'vp', body: { fiscalYear: year, amount: 12_000_000_000, tiers: { base: 12_000_000_000, sprint: 12_000_000_000, challenge: 12_000_000_000 } } });
    expect(company.status).toBe(201);
    const split = await api.call('POST', `/targets/${company.body.id}/allocations`, { as: 'vp', body: { dimension: 'team', method: 'weights', weights: { 'south-commercial': 1 } } });
    const team = split.body.children[0];

    expect((await api.call('POST', '/jobs/daily-goal-pace/run', { as: 'vp' })).status).toBe(403);
    const started = await api.call('POST', '/jobs/daily-goal-pace/run', { as: 'admin' });
    expect(started.status).toBe(202);
    const run = await eventually(async () => {
      const d = await api.engine.describeExecution(started.body.executionId);
      return d.status === 'RUNNING' ? undefined : d;
    }, 'the pace run', 60_000);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({ fiscalYear: year, counts: { checked: 2, suggested: 2, alreadySuggested: 0 } });

    // The owner finds it among the target's revisions (one Query on the target's partition).
    const listed = await api.call('GET', `/targets/${team.id}/revisions?status=suggested`, { as: 'manager-south-commercial' });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ targetId: team.id, status: 'suggested', reason: 'pace_deviation', oldAmount: 12_000_000_000, newAmount: 0, finding: expect.objectContaining({ period: String(year), actual: 0, direction: 'behind' }) }),
    ]);
    expect(listed.body.items[0].requesterId).toBeUndefined();
    // The owner turns it into a request; the suggestion then reads `requested`, and no second one is suggested.
    const suggestion = listed.body.items[0];
    const request = await api.call('POST', `/targets/${team.id}/revisions`, {
      as: 'manager-south-commercial',
      body: { newAmount: 6_000_000_000, reason: 'market_demand', evidence: 'The pace check was right: demand is half of plan', effectiveFrom: suggestion.effectiveFrom, fromSuggestionId: suggestion.id },
    });
    expect(request.status, JSON.stringify(request.body)).toBe(202);
    expect((await api.call('GET', `/targets/${team.id}/revisions?status=requested`, { as: 'manager-south-commercial' })).body.items).toEqual([expect.objectContaining({ id: suggestion.id })]);
    const notes = (await api.call('GET', '/notifications', { as: 'manager-south-commercial' })).body.items.filter((n: any) => n.kind === 'target_pace');
    expect(notes).toEqual([expect.objectContaining({ title: `Target team south-commercial (${year}) is behind pace` })]);

    const again = await api.call('POST', '/jobs/daily-goal-pace/run', { as: 'admin' });
    const second = await eventually(async () => {
      const d = await api.engine.describeExecution(again.body.executionId);
      return d.status === 'RUNNING' ? undefined : d;
    }, 'the second pace run', 60_000);
    expect(second.output).toMatchObject({ counts: { checked: 2, suggested: 0, alreadySuggested: 2 } });

    const jobs = await api.call('GET', '/jobs', { as: 'manager-south-commercial' });
    expect(jobs.body.items.find((j: any) => j.name === 'daily-goal-pace')).toMatchObject({ cron: '30 1 * * *', lastRun: { status: 'SUCCEEDED', counts: { suggested: 0, alreadySuggested: 2 } } });
  });
});
