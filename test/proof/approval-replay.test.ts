import { beforeAll, describe, expect, it } from 'vitest';
import { testApi, type ApiResponse } from '#test/support/api';
import { approvalHelpers, eventually, step } from '#test/support/approvals';

/**
 * Claim 5 (issue 8), approvals and callbacks — workflows/approval.asl.json on the local engine with the real tasks,
 * driven through the API: replayed, foreign and closed-step decisions are refused; ten parallel identical clicks
 * have one effect; a deal under approval refuses edits and stage moves; a step nobody answers expires into EXPIRED.
 */
let api: Awaited<ReturnType<typeof testApi>>;
let h: ReturnType<typeof approvalHelpers>;
const REP = 'rep-east-enterprise-1';
const MANAGER = 'manager-east-enterprise';
const OTHER_MANAGER = 'manager-east-commercial'; // same region, not on the step
const DIRECTOR = 'director-east';
const FAR_REP = 'rep-south-enterprise-1'; // cannot see the deal at all
const TWO_STEPS = [step('manager', { type: 'owner_manager' }), step('director', { type: 'region_director' })];

beforeAll(async () => {
  api = await testApi({ demo: true });
  h = approvalHelpers(api);
  await h.usePolicy(TWO_STEPS);
}, 300_000);

const isJsonError = (r: ApiResponse, code?: string) => typeof r.body?.error?.message === 'string' && (code ? r.body.error.code === code : typeof r.body.error.code === 'string');
const notifications = async (userId: string, approvalId: string) =>
  ((await api.call('GET', '/notifications?limit=100', { as: userId })).body.items as any[]).filter((n) => n.approvalId === approvalId);
const inboxEntries = async (userId: string, approvalId: string) =>
  ((await api.call('GET', '/approvals?inbox=mine&limit=100', { as: userId })).body.items as any[]).filter((e) => e.approvalId === approvalId);

describe('decisions that must be refused', () => {
  it('a replayed decision (the same approver again) is a 409, before and after the approval moved on', async () => {
    const approval = await h.request(REP, (await h.createDeal(REP, { amount: 1_100_000 })).id);
    await h.inInbox(MANAGER, approval.id);
    expect((await h.decide(MANAGER, approval.id, 'approve')).status).toBe(200);
    const replay = await h.decide(MANAGER, approval.id, 'approve');
    expect(replay.status).toBe(409);
    expect(isJsonError(replay)).toBe(true);
    await h.inInbox(DIRECTOR, approval.id);
    const replayLater = await h.decide(MANAGER, approval.id, 'reject');
    expect(replayLater.status).toBe(409);
    expect(isJsonError(replayLater, 'already_decided')).toBe(true);
    const now = await api.call('GET', `/approvals/${approval.id}`, { as: REP });
    expect(now.body.steps[0].decisions).toEqual([expect.objectContaining({ actorId: MANAGER, decision: 'approve' })]);
  }, 60_000);

  it('a foreign approver — not on the step — is refused: 403 when they can see the approval, 404 when they cannot', async () => {
    const approval = await h.request(REP, (await h.createDeal(REP, { amount: 1_200_000 })).id);
    await h.inInbox(MANAGER, approval.id);
    for (const [who, status] of [[DIRECTOR, 403], ['vp', 403], [REP, 403], [OTHER_MANAGER, 404], [FAR_REP, 404]] as const) {
      const res = await h.decide(who, approval.id, 'approve');
      expect(res.status, who).toBe(status);
      expect(isJsonError(res), who).toBe(true);
    }
    const after = await api.call('GET', `/approvals/${approval.id}`, { as: REP });
    expect(after.body).toMatchObject({ status: 'PENDING', steps: [{ status: 'PENDING', decisions: [] }, { status: 'WAITING' }] });
  }, 60_000);

  it('a decision on a closed step or a finished approval is a 409, and changes nothing', async () => {
    const approval = await h.request(REP, (await h.createDeal(REP, { amount: 1_300_000 })).id);
    await h.inInbox(MANAGER, approval.id);
    expect((await h.decide(MANAGER, approval.id, 'reject', 'No')).status).toBe(200);
    const done = await h.status(approval.id, REP, 'REJECTED');
    // The director's step never opened and never will; the manager's is closed.
    for (const who of [MANAGER, DIRECTOR]) {
      const res = await h.decide(who, approval.id, 'approve');
      expect(res.status, who).toBe(409);
      expect(isJsonError(res), who).toBe(true);
    }
    expect((await api.call('GET', `/approvals/${approval.id}`, { as: REP })).body).toEqual(done);
  }, 60_000);
});

describe('double clicks', () => {
  it('10 parallel identical approve clicks: one 200, nine 409s; one decision, the workflow advances once, one notification', async () => {
    const approval = await h.request(REP, (await h.createDeal(REP, { amount: 1_400_000 })).id);
    await h.inInbox(MANAGER, approval.id);
    const clicks = await Promise.all(Array.from({ length: 10 }, () => h.decide(MANAGER, approval.id, 'approve', 'Go')));
    expect(clicks.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = clicks.filter((r) => r.status !== 200);
    expect(refused.map((r) => r.status)).toEqual(Array(9).fill(409));
    expect(refused.every((r) => isJsonError(r))).toBe(true);

    // The workflow moved to the director's step exactly once: one inbox entry there, the manager's step closed.
    await h.inInbox(DIRECTOR, approval.id);
    expect(await inboxEntries(DIRECTOR, approval.id)).toHaveLength(1);
    expect(await inboxEntries(MANAGER, approval.id)).toHaveLength(0);
    const mid = await api.call('GET', `/approvals/${approval.id}`, { as: REP });
    expect(mid.body.steps.map((s: any) => [s.status, s.decisions.length])).toEqual([
      ['APPROVED', 1],
      ['PENDING', 0],
    ]);
    expect((await notifications(DIRECTOR, approval.id)).filter((n) => n.kind === 'approval.requested')).toHaveLength(1);

    expect((await h.decide(DIRECTOR, approval.id, 'approve')).status).toBe(200);
    const done = await h.status(approval.id, REP, 'APPROVED');
    expect(done.steps.map((s: any) => s.decisions.length)).toEqual([1, 1]);
    const kinds = await eventually(async () => {
      const mine = (await notifications(REP, approval.id)).map((n) => n.kind);
      return mine.includes('approval.approved') ? mine : undefined;
    }, 'final notification');
    expect(kinds.filter((k) => k === 'approval.step_approved')).toHaveLength(2); // one per step, not one per click
    expect(kinds.filter((k) => k === 'approval.approved')).toHaveLength(1);
    const execution = await api.engine.describeExecution(`arn:aws:states:local:000000000000:execution:approval:${approval.id}`);
    expect(execution.status).toBe('SUCCEEDED');
  }, 90_000);
});

describe('the locked subject', () => {
  it('a deal under approval refuses PATCH and stage moves with 409 deal_locked; after the decision it takes edits again', async () => {
    const deal = await h.createDeal(REP, { amount: 1_500_000, discountPct: 5 });
    const approval = await h.request(REP, deal.id);
    const locked = await api.call('GET', `/deals/${deal.id}`, { as: REP });
    expect(locked.body.lockedByApprovalId).toBe(approval.id);
    const etag = locked.headers.get('etag')!;
    const edit = await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { discountPct: 30 }, headers: { 'if-match': etag } });
    expect(edit.status).toBe(409);
    expect(isJsonError(edit, 'deal_locked')).toBe(true);
    const byManager = await api.call('PATCH', `/deals/${deal.id}`, { as: MANAGER, body: { amount: 1 }, headers: { 'if-match': etag } });
    expect(byManager.status).toBe(409);
    const move = await api.call('POST', `/deals/${deal.id}/stage`, { as: REP, body: { stage: 'qualified' } });
    expect(move.status).toBe(409);
    expect(isJsonError(move, 'deal_locked')).toBe(true);
    const still = await api.call('GET', `/deals/${deal.id}`, { as: REP });
    expect(still.body).toMatchObject({ discountPct: 5, amount: 1_500_000, stage: locked.body.stage, version: locked.body.version });

    await h.inInbox(MANAGER, approval.id);
    await h.decide(MANAGER, approval.id, 'reject');
    const unlocked = await eventually(async () => {
      const res = await api.call('GET', `/deals/${deal.id}`, { as: REP });
      return res.body.lockedByApprovalId ? undefined : res;
    }, 'deal unlocked');
    const later = await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { discountPct: 4 }, headers: { 'if-match': unlocked.headers.get('etag')! } });
    expect(later.status).toBe(200);
  }, 60_000);

  it('an edit racing the approval request never slips in under the lock: the approved terms are the deal’s terms', async () => {
    const deal = await h.createDeal(REP, { amount: 1_600_000 });
    const etag = `"${deal.version}"`;
    const [requested, ...edits] = await Promise.all([
      api.call('POST', `/deals/${deal.id}/approvals`, { as: REP, body: { reason: 'Race' } }),
      ...Array.from({ length: 5 }, (_, i) => api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { amount: 1_600_000 + i + 1 }, headers: { 'if-match': etag } })),
    ]);
    // At most one writer holds the version read: either an edit or the request wins it.
    expect([requested!, ...edits].filter((r) => r.status < 300).length).toBe(1);
    for (const r of [requested!, ...edits].filter((r) => r.status >= 300)) expect(r.status).toBe(409);
    const now = await api.call('GET', `/deals/${deal.id}`, { as: REP });
    if (requested!.status === 202) {
      expect(now.body.lockedByApprovalId).toBe(requested!.body.id);
      expect(requested!.body.terms.amount).toBe(now.body.amount);
      expect(now.body.amount).toBe(1_600_000);
    } else {
      expect(now.body.lockedByApprovalId).toBeUndefined();
      expect(now.body.amount).toBe(edits.find((r) => r.status === 200)!.body.amount);
    }
  }, 60_000);
});

describe('expiry', () => {
  it('a step nobody answers past its SLA, with no escalation left, lands in EXPIRED: approval, step and deal', async () => {
    await h.usePolicy([step('manager', { type: 'owner_manager' }, { slaSeconds: 1, maxEscalations: 0 })]);
    const deal = await h.createDeal(REP, { amount: 1_700_000 });
    const approval = await h.request(REP, deal.id);
    const done = await h.status(approval.id, REP, 'EXPIRED');
    expect(done.steps[0]).toMatchObject({ status: 'EXPIRED', decisions: [] });
    const late = await h.decide(MANAGER, approval.id, 'approve');
    expect(late.status).toBe(409);
    expect(isJsonError(late)).toBe(true);
    const dealNow = await eventually(async () => {
      const res = await api.call('GET', `/deals/${deal.id}`, { as: REP });
      return res.body.lockedByApprovalId ? undefined : res.body;
    }, 'deal unlocked');
    expect(dealNow.approval).toMatchObject({ approvalId: approval.id, status: 'EXPIRED' });
    expect(await inboxEntries(MANAGER, approval.id)).toHaveLength(0);
    await h.usePolicy(TWO_STEPS);
  }, 60_000);
});
