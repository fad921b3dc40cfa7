import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';
import { approvalHelpers, eventually } from '#test/support/approvals';

let api: Awaited<ReturnType<typeof testApi>>;
let h: ReturnType<typeof approvalHelpers>;
const REP = 'rep-east-enterprise-1';
const MANAGER = 'manager-east-enterprise';
const DIRECTOR = 'director-east';

beforeAll(async () => {
  api = await testApi({ demo: true });
  h = approvalHelpers(api);
}, 60_000);

describe('tiered approval under the default policy', () => {
  it('300,000.00 at 15% for a tier-A customer: manager approves, director rejects, the rep hears of each step', async () => {
    const deal = await h.createDeal(REP, { amount: 30_000_000, discountPct: 15, tier: 'A', title: 'Jade rollout' });
    const preview = await api.call('POST', '/approval-policy/preview', { as: REP, body: { dealId: deal.id } });
    expect(preview.status).toBe(200);
    expect(preview.body.steps.map((s: any) => [s.id, s.approvers.map((a: any) => a.id)])).toEqual([
      ['manager', [MANAGER]],
      ['director', [DIRECTOR]],
    ]);
    expect(preview.body.steps[1].because).toEqual(['amount ≥ 200000.00', 'customer tier in A']);

    const approval = await h.request(REP, deal.id, 'Multi-year rollout, strategic logo');
    const locked = await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { discountPct: 20 }, headers: { 'if-match': `"${deal.version + 1}"` } });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('deal_locked');
    expect(locked.body.error.message).toContain(approval.id);

    await h.inInbox(MANAGER, approval.id);
    expect((await h.decide(REP, approval.id, 'approve')).status).toBe(403); // the requester and owner
    expect((await h.decide('vp', approval.id, 'approve')).status).toBe(403); // sees it, is not an assignee
    expect((await h.decide('rep-south-enterprise-1', approval.id, 'approve')).status).toBe(404); // cannot see it
    expect((await h.decide(MANAGER, approval.id, 'approve', 'Good logo')).status).toBe(200);
    expect((await h.decide(MANAGER, approval.id, 'approve')).status).toBe(409); // replayed

    await h.inInbox(DIRECTOR, approval.id);
    const replayLater = await h.decide(MANAGER, approval.id, 'approve'); // replayed after the approval moved on
    expect(replayLater.status).toBe(409);
    expect(replayLater.body.error.code).toBe('already_decided');
    expect((await h.decide(DIRECTOR, approval.id, 'reject', 'Discount too deep for this quarter')).status).toBe(200);
    const done = await h.status(approval.id, REP, 'REJECTED');
    expect(done.steps.map((s: any) => s.decisions.map((d: any) => [d.actorId, d.decision, d.comment]))).toEqual([
      [[MANAGER, 'approve', 'Good logo']],
      [[DIRECTOR, 'reject', 'Discount too deep for this quarter']],
    ]);

    const kinds = await eventually(async () => {
      const feed = await api.call('GET', '/notifications?limit=50', { as: REP });
      const mine = (feed.body.items as any[]).filter((n) => n.approvalId === approval.id).map((n) => n.kind);
      return mine.includes('approval.rejected') ? mine : undefined;
    }, 'final notification');
    expect(kinds.sort()).toEqual(['approval.rejected', 'approval.step_approved', 'approval.step_rejected']);

    const dealNow = await eventually(async () => {
      const res = await api.call('GET', `/deals/${deal.id}`, { as: REP });
      return res.body.lockedByApprovalId ? undefined : res.body;
    }, 'deal unlocked');
    expect(dealNow.approval).toMatchObject({ status: 'REJECTED', approvalId: approval.id });
    const edit = await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { discountPct: 12 }, headers: { 'if-match': `"${dealNow.version}"` } });
    expect(edit.status).toBe(200);
  });

  it('the approver’s feed has the request; a notification can be marked read once', async () => {
    const feed = await api.call('GET', '/notifications', { as: MANAGER });
    const request = (feed.body.items as any[]).find((n) => n.kind === 'approval.requested');
    expect(request.readAt).toBeNull();
    const read = await api.call('POST', `/notifications/${request.id}/read`, { as: MANAGER });
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    expect((await api.call('POST', `/notifications/${request.id}/read`, { as: REP })).status).toBe(404);
  });

  it('requestedBy=me lists my approvals; the inbox needs exactly one list', async () => {
    const mine = await api.call('GET', '/approvals?requestedBy=me', { as: REP });
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((a: any) => a.requesterId === REP && a.pendingToken === undefined)).toBe(true);
    expect((await api.call('GET', '/approvals', { as: REP })).status).toBe(400);
    expect((await api.call('GET', '/approvals?inbox=mine&requestedBy=me', { as: REP })).status).toBe(400);
  });

  it('no approval where the policy needs none; a second request on a locked deal is a 409', async () => {
    const small = await h.createDeal(REP, { amount: 100_000, tier: 'C' });
    const none = await api.call('POST', `/deals/${small.id}/approvals`, { as: REP, body: { reason: 'x' } });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('approval_not_required');
    const big = await h.createDeal(REP, { amount: 6_000_000 });
    await h.request(REP, big.id);
    const again = await api.call('POST', `/deals/${big.id}/approvals`, { as: REP, body: { reason: 'again' } });
    expect(again.status).toBe(409);
  });

  it('turnaround per step is reported from counters', async () => {
    const report = await api.call('GET', '/reports/approval-times', { as: DIRECTOR });
    expect(report.status).toBe(200);
    const manager = report.body.items.find((r: any) => r.stepId === 'manager');
    expect(manager.decisions).toBeGreaterThanOrEqual(1);
    expect(manager.medianSeconds).toBeGreaterThan(0);
    expect((await api.call('GET', '/reports/approval-times', { as: REP })).status).toBe(403);
    expect((await api.call('GET', '/reports/approval-times?teamId=x', { as: DIRECTOR })).status).toBe(400);
  });

  it('only an admin changes the policy, with If-Match, and bad policies are 400s naming the field', async () => {
    const current = await api.call('GET', '/approval-policy', { as: REP });
    expect(current.body.version).toBe(0);
    const steps = current.body.policy.steps;
    expect((await api.call('PUT', '/approval-policy', { as: 'vp', body: { steps }, headers: { 'if-match': '"0"' } })).status).toBe(403);
    expect((await api.call('PUT', '/approval-policy', { as: 'admin', body: { steps } })).status).toBe(412);
    const bad = await api.call('PUT', '/approval-policy', { as: 'admin', body: { steps: [{ ...steps[0], slaSeconds: -5 }] }, headers: { 'if-match': '"0"' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toContain('steps.0.slaSeconds');
    const ghost = { ...steps[0], approvers: { type: 'users', userIds: ['ghost'] } };
    const unknown = await api.call('PUT', '/approval-policy', { as: 'admin', body: { steps: [ghost] }, headers: { 'if-match': '"0"' } });
    expect(unknown.status).toBe(400);
    expect(Object.keys(unknown.body.error.fields)).toEqual(['steps.0.approvers.userIds']);
    const saved = await api.call('PUT', '/approval-policy', { as: 'admin', body: { steps }, headers: { 'if-match': '"0"' } });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(1);
    expect((await api.call('PUT', '/approval-policy', { as: 'admin', body: { steps }, headers: { 'if-match': '"0"' } })).status).toBe(409);
  });
});
