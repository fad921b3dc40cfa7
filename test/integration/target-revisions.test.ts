import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';
import { eventually } from '#test/support/approvals';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const TIERS = ['base', 'sprint', 'challenge'] as const;
const allocate = async (as: string, id: string, body: unknown) => {
  const res = await api.call('POST', `/targets/${id}/allocations`, { as, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return Object.fromEntries((res.body.children as any[]).map((c) => [c.key, c]));
};
const get = async (as: string, id: string) => (await api.call('GET', `/targets/${id}`, { as })).body;
const revise = (as: string, id: string, body: unknown) => api.call('POST', `/targets/${id}/revisions`, { as, body });

async function decide(as: string, approvalId: string, decision: 'approve' | 'reject', comment?: string) {
  await eventually(async () => ((await api.call('GET', '/approvals?inbox=mine&limit=100', { as })).body.items as any[]).find((e) => e.approvalId === approvalId), `${approvalId} in ${as}'s inbox`);
  const res = await api.call('POST', `/approvals/${approvalId}/decisions`, { as, body: { decision, ...(comment ? { comment } : {}) } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}
const closed = (approvalId: string, as = 'vp') =>
  eventually(async () => {
    const res = await api.call('GET', `/approvals/${approvalId}`, { as });
    return res.body.status !== 'PENDING' && res.body;
  }, `approval ${approvalId} closed`);

/** Children along a dimension sum exactly to their parent, tier by tier. */
function expectExactSplit(parent: any, children: any[]) {
  expect(sum(children.map((c) => c.amount))).toBe(parent.amount);
  for (const tier of TIERS) expect(sum(children.map((c) => c.tiers[tier]))).toBe(parent.tiers[tier]);
}

let root: any;
let east: any;
let team: any;
let reps: Record<string, any>;
let quarters: Record<string, any>;
let months: Record<string, any>;

beforeAll(async () => {
  api = await testApi({ demo: true });
  const created = await api.call('POST', '/targets', { as: 'vp', body: { fiscalYear: 2026, amount: 12_000_000_000, tiers: { base: 12_000_000_000, sprint: 13_200_000_000, challenge: 15_000_000_000 } } });
  root = created.body;
  east = (await allocate('vp', root.id, { dimension: 'region', method: 'weights', weights: { east: 60, south: 40 } })).east;
  team = (await allocate('director-east', east.id, { dimension: 'team', method: 'even' }))['east-enterprise'];
  reps = await allocate('manager-east-enterprise', team.id, { dimension: 'rep', method: 'weights', weights: { 'rep-east-enterprise-1': 5, 'rep-east-enterprise-2': 3, 'rep-east-enterprise-3': 2 } });
  quarters = await allocate('manager-east-enterprise', reps['rep-east-enterprise-1'].id, { dimension: 'quarter', method: 'even' });
  months = await allocate('manager-east-enterprise', quarters.Q4.id, { dimension: 'month', method: 'even' });
});

describe('a revision for competition, approved by the parent target’s owner', () => {
  let revision: any;
  let approval: any;

  it('is requested with a reason and evidence; the parent’s owner is the one approver under the threshold', async () => {
    const res = await revise('manager-east-enterprise', team.id, { newAmount: team.amount + 150_000_000, reason: 'competition', evidence: 'Competitor X left the east market in September', effectiveFrom: '2026-10-01' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    ({ revision, approval } = res.body);
    expect(revision).toMatchObject({ status: 'pending', reason: 'competition', oldAmount: team.amount, newAmount: team.amount + 150_000_000, requesterId: 'manager-east-enterprise' });
    expect(approval.subject).toMatchObject({ type: 'target', id: team.id });
    expect(approval.steps.map((s: any) => s.assignees)).toEqual([['director-east']]);
    expect((await get('vp', team.id)).lockedByApprovalId).toBe(approval.id);
  });

  it('locks the target meanwhile: no second revision, no allocation, none above or below it', async () => {
    const again = await revise('manager-east-enterprise', team.id, { newAmount: 1, reason: 'other', evidence: 'x', effectiveFrom: '2026-10-01' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('revision_pending');
    const below = await revise('manager-east-enterprise', reps['rep-east-enterprise-3'].id, { newAmount: 1, reason: 'other', evidence: 'x', effectiveFrom: '2026-10-01' });
    expect(below.status).toBe(409);
    expect((await api.call('POST', `/targets/${team.id}/allocations`, { as: 'manager-east-enterprise', body: { dimension: 'productLine', method: 'even' } })).status).toBe(409);
  });

  it('approved → version 2; reps re-split proportionally; quarters ended before October keep their amounts; every level sums exactly', async () => {
    await decide('director-east', approval.id, 'approve', 'Agreed: take the share');
    expect((await closed(approval.id)).status).toBe('APPROVED');
    const revised = await eventually(async () => {
      const t = await get('vp', team.id);
      return t.targetVersion === 2 && !t.lockedByApprovalId && t;
    }, 'team version 2');
    expect(revised).toMatchObject({ amount: team.amount + 150_000_000, effectiveFrom: '2026-10-01' });
    expect(revised.tiers.sprint - revised.tiers.base).toBe(Math.round((team.tiers.sprint - team.tiers.base) * (revised.amount / team.amount)));

    const versions = (await api.call('GET', `/targets/${team.id}/versions`, { as: 'manager-east-enterprise' })).body.items;
    expect(versions.map((v: any) => [v.version, v.amount])).toEqual([
      [1, team.amount],
      [2, team.amount + 150_000_000],
    ]);
    expect(versions[0].supersededBy).toBe(revision.id);
    expect(versions[0].effectiveFrom).toBe('2026-01-01'); // version 1 applied from the start of the year
    expect(versions[1]).toMatchObject({ current: true, revisionId: revision.id, effectiveFrom: '2026-10-01' });

    const repsNow = await eventually(async () => {
      const children = (await get('vp', team.id)).children as any[];
      return children.every((c) => c.targetVersion === 2) && children;
    }, 'reps re-allocated');
    expectExactSplit(revised, repsNow);
    // 5 : 3 : 2 as before.
    expect(repsNow.map((c) => c.amount).sort((a, b) => b - a)).toEqual([revised.amount / 2, (revised.amount * 3) / 10, revised.amount / 5]);

    const rep1 = await get('vp', reps['rep-east-enterprise-1'].id);
    const qs = Object.fromEntries((rep1.children as any[]).map((c) => [c.key, c]));
    expectExactSplit(rep1, rep1.children);
    for (const q of ['Q1', 'Q2', 'Q3']) expect(qs[q]).toMatchObject({ amount: quarters[q].amount, targetVersion: 1 });
    expect(qs.Q4.amount).toBe(rep1.amount - quarters.Q1.amount - quarters.Q2.amount - quarters.Q3.amount);
    const q4 = await get('vp', qs.Q4.id);
    expectExactSplit(q4, q4.children);
    expect(q4.children.every((m: any) => m.targetVersion === 2)).toBe(true);
    expect(sum(q4.children.map((m: any) => m.amount))).not.toBe(sum(Object.values(months).map((m: any) => m.amount)));

    // The region above keeps its amount; its teams are now over it by the change.
    expect((await get('vp', east.id)).unallocated).toEqual({ team: -150_000_000 });
    const list = (await api.call('GET', `/targets/${team.id}/revisions`, { as: 'manager-east-enterprise' })).body.items;
    expect(list[0]).toMatchObject({ id: revision.id, status: 'approved', resultingVersion: 2 });
  });

  it('tells the requester the outcome', async () => {
    const notes = (await api.call('GET', '/notifications?limit=100', { as: 'manager-east-enterprise' })).body.items as any[];
    expect(notes.find((n) => n.kind === 'approval.approved' && n.approvalId === approval.id)?.body).toContain('version 2');
  });
});

describe('a revision for internal resources, rejected', () => {
  it('over the threshold it needs the vp after the director; rejected, nothing changes and the requester hears', async () => {
    const rep2 = await get('vp', reps['rep-east-enterprise-2'].id);
    const res = await revise('manager-east-enterprise', rep2.id, { newAmount: Math.round(rep2.amount * 0.7), reason: 'internal_resources', evidence: 'Rep on leave for three months', effectiveFrom: '2026-11-01' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const { approval, revision } = res.body;
    // The team (the parent) is the requester's own: the region's director decides, then the vp for a 30 % cut.
    expect(approval.steps.map((s: any) => [s.id, s.assignees])).toEqual([
      ['target-parent-owner', ['director-east']],
      ['target-vp', ['vp']],
    ]);
    await decide('director-east', approval.id, 'reject', 'Cover with the team instead');
    expect((await closed(approval.id)).status).toBe('REJECTED');
    const after = await eventually(async () => {
      const t = await get('vp', rep2.id);
      return !t.lockedByApprovalId && t;
    }, 'unlocked');
    expect(after).toMatchObject({ amount: rep2.amount, tiers: rep2.tiers, targetVersion: rep2.targetVersion });
    expect((await api.call('GET', `/targets/${rep2.id}/versions`, { as: 'vp' })).body.items).toHaveLength(rep2.targetVersion);
    const list = (await api.call('GET', `/targets/${rep2.id}/revisions?status=rejected`, { as: 'rep-east-enterprise-2' })).body.items;
    expect(list.map((r: any) => r.id)).toEqual([revision.id]);
    const notes = (await api.call('GET', '/notifications?limit=100', { as: 'manager-east-enterprise' })).body.items as any[];
    expect(notes.find((n) => n.kind === 'approval.rejected' && n.approvalId === approval.id)?.body).toContain('unchanged');
    // The target's owner is told too.
    const repNotes = (await api.call('GET', '/notifications?limit=100', { as: 'rep-east-enterprise-2' })).body.items as any[];
    expect(repNotes.some((n) => n.approvalId === approval.id && n.kind === 'approval.rejected')).toBe(true);
  });

  it('a recalled request unlocks the target at once', async () => {
    const rep3 = reps['rep-east-enterprise-3'];
    const res = await revise('rep-east-enterprise-3', rep3.id, { newAmount: rep3.amount - 1000, reason: 'market_demand', evidence: 'Two key accounts froze budgets', effectiveFrom: '2026-12-01' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.approval.steps[0].assignees).toEqual(['manager-east-enterprise']);
    // Once the workflow has opened the step (a recall racing that write answers 409 and asks to read again).
    await eventually(async () => ((await api.call('GET', '/approvals?inbox=mine&limit=100', { as: 'manager-east-enterprise' })).body.items as any[]).find((e) => e.approvalId === res.body.approval.id), 'inbox');
    const recall = await api.call('POST', `/approvals/${res.body.approval.id}/recall`, { as: 'rep-east-enterprise-3' });
    expect(recall.status, JSON.stringify(recall.body)).toBe(200);
    expect((await get('vp', rep3.id)).lockedByApprovalId).toBeUndefined();
    const list = (await api.call('GET', `/targets/${rep3.id}/revisions`, { as: 'rep-east-enterprise-3' })).body.items;
    expect(list[0]).toMatchObject({ status: 'recalled' });
  });
});

describe('bad requests answer with a JSON error and change nothing', () => {
  it('names the field, refuses outsiders and impossible dates', async () => {
    const rep1 = reps['rep-east-enterprise-1'];
    const bad = await revise('manager-east-enterprise', rep1.id, { newAmount: -5, reason: 'weather', evidence: '', effectiveFrom: '2026-13-01', version: 3 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['effectiveFrom', 'evidence', 'newAmount', 'reason', 'version'].sort());
    const outside = await revise('manager-east-enterprise', quarters.Q1.id, { newAmount: 5, reason: 'other', evidence: 'x', effectiveFrom: '2026-06-01' });
    expect(outside.status).toBe(400);
    expect(outside.body.error.fields.effectiveFrom).toMatch(/2026-01-01 to 2026-03-31/);
    const same = await revise('manager-east-enterprise', rep1.id, { newAmount: (await get('vp', rep1.id)).amount, reason: 'other', evidence: 'x', effectiveFrom: '2026-06-01' });
    expect(same.body.error.fields).toHaveProperty('newAmount');
    // Only December is left of the year, and the months before it already hold more than 1.00.
    const tooLate = await revise('manager-east-enterprise', rep1.id, { newAmount: 100, reason: 'other', evidence: 'x', effectiveFrom: '2026-12-15' });
    expect(tooLate.status).toBe(400);
    expect(tooLate.body.error.fields.effectiveFrom).toMatch(/ended before/);
    expect((await revise('rep-south-enterprise-1', rep1.id, { newAmount: 5, reason: 'other', evidence: 'x', effectiveFrom: '2026-06-01' })).status).toBe(404);
    expect((await revise('finance', rep1.id, { newAmount: 5, reason: 'other', evidence: 'x', effectiveFrom: '2026-06-01' })).status).toBe(403);
    expect((await revise('rep-east-enterprise-2', rep1.id, { newAmount: 5, reason: 'other', evidence: 'x', effectiveFrom: '2026-06-01' })).status).toBe(404);
    const untouched = await get('vp', rep1.id);
    expect(untouched.lockedByApprovalId).toBeUndefined();
    expect((await api.call('GET', `/targets/${rep1.id}/revisions`, { as: 'vp' })).body.items).toEqual([]);
  });
});

describe('the audit trail of a target', () => {
  it('shows the allocation and the revision, within the target’s scope', async () => {
    const trail = await api.call('GET', `/audit?entityType=target&entityId=${team.id}&limit=50`, { as: 'manager-east-enterprise' });
    expect(trail.status, JSON.stringify(trail.body)).toBe(200);
    const actions = (trail.body.items as any[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['revision_requested', 'revise']));
    const revise = (trail.body.items as any[]).find((e) => e.action === 'revise');
    expect(revise.changes.find((c: any) => c.field === 'amount')).toMatchObject({ before: team.amount, after: team.amount + 150_000_000 });
    expect((await api.call('GET', `/audit?entityType=target&entityId=${team.id}`, { as: 'manager-south-enterprise' })).status).toBe(404);
    expect((await api.call('GET', `/audit?entityType=target&entityId=${root.id}`, { as: 'rep-east-enterprise-1' })).status).toBe(404);
    expect((await api.call('GET', `/audit?entityType=target&entityId=${root.id}`, { as: 'vp' })).status).toBe(200);
  });
});

describe('revisions that would cross', () => {
  it('one above and one below sent at once: exactly one is taken; the vp’s own request goes to the admin', async () => {
    const commercial = (await get('vp', east.id)).children.find((c: any) => c.key === 'east-commercial');
    const results = await Promise.all([
      revise('director-east', east.id, { newAmount: east.amount + 1_000, reason: 'market_demand', evidence: 'Region-wide demand', effectiveFrom: '2026-12-01' }),
      revise('manager-east-commercial', commercial.id, { newAmount: commercial.amount + 1_000, reason: 'market_demand', evidence: 'Team demand', effectiveFrom: '2026-12-01' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([202, 409]);
    const taken = results.find((r) => r.status === 202)!;
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('revision_pending');
    const requester = taken.body.revision.requesterId;
    await eventually(async () => (await api.call('POST', `/approvals/${taken.body.approval.id}/recall`, { as: requester })).status === 200, 'recalled');
    // Unlocked again: the other one may go now.
    const after = await revise('manager-east-commercial', commercial.id, { newAmount: commercial.amount + 1_000, reason: 'market_demand', evidence: 'Team demand', effectiveFrom: '2026-12-01' });
    expect(after.status, JSON.stringify(after.body)).toBe(202);
    await eventually(async () => (await api.call('POST', `/approvals/${after.body.approval.id}/recall`, { as: 'manager-east-commercial' })).status === 200, 'recalled');

    const company = await revise('vp', root.id, { newAmount: root.amount + 1_000, reason: 'other', evidence: 'Board decision', effectiveFrom: '2026-12-01' });
    expect(company.status, JSON.stringify(company.body)).toBe(202);
    expect(company.body.approval.steps.map((s: any) => [s.id, s.assignees])).toEqual([['target-admin', ['admin']]]);
  });
});
