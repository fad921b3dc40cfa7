import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';
import { approvalHelpers, eventually, step } from '#test/support/approvals';

/**
 * workflows/approval.asl.json on the local engine with the real task handlers, driven through the API
 * (every test sets the policy it needs; the deal owner is rep-east-enterprise-1).
 */
let api: Awaited<ReturnType<typeof testApi>>;
let h: ReturnType<typeof approvalHelpers>;
const REP = 'rep-east-enterprise-1';
const MANAGER = 'manager-east-enterprise';
const DIRECTOR = 'director-east';

beforeAll(async () => {
  api = await testApi({ demo: true });
  h = approvalHelpers(api);
}, 60_000);

describe('approval workflow', () => {
  it('one step: the manager approves, the deal is unlocked with the approved terms', async () => {
    await h.usePolicy([step('manager', { type: 'owner_manager' })]);
    const deal = await h.createDeal(REP, { amount: 1_000_000 });
    const approval = await h.request(REP, deal.id);
    await h.inInbox(MANAGER, approval.id);
    expect((await h.decide(MANAGER, approval.id, 'approve', 'Fine')).status).toBe(200);
    const done = await h.status(approval.id, REP, 'APPROVED');
    expect(done.steps[0]).toMatchObject({ status: 'APPROVED', decisions: [{ decision: 'approve', actorId: MANAGER, comment: 'Fine' }] });
    const dealNow = await eventually(async () => {
      const res = await api.call('GET', `/deals/${deal.id}`, { as: REP });
      return res.body.lockedByApprovalId ? undefined : res.body;
    }, 'deal unlocked');
    expect(dealNow.approval).toMatchObject({ approvalId: approval.id, status: 'APPROVED', terms: { amount: 1_000_000 } });
    const execution = await api.engine.describeExecution(`arn:aws:states:local:000000000000:execution:approval:${approval.id}`);
    expect(execution.status).toBe('SUCCEEDED');
  });

  it('three steps run in order: manager, director, vp', async () => {
    await h.usePolicy([step('manager', { type: 'owner_manager' }), step('director', { type: 'region_director' }), step('vp', { type: 'role', role: 'vp' })]);
    const deal = await h.createDeal(REP, { amount: 2_000_000 });
    const approval = await h.request(REP, deal.id);
    for (const approver of [MANAGER, DIRECTOR, 'vp']) {
      await h.inInbox(approver, approval.id);
      expect((await h.decide(approver, approval.id, 'approve')).status).toBe(200);
    }
    const done = await h.status(approval.id, REP, 'APPROVED');
    expect(done.steps.map((s: any) => [s.id, s.status, s.decisions[0].actorId])).toEqual([
      ['manager', 'APPROVED', MANAGER],
      ['director', 'APPROVED', DIRECTOR],
      ['vp', 'APPROVED', 'vp'],
    ]);
  });

  it('a rejection ends the approval at that step; later steps never open', async () => {
    await h.usePolicy([step('manager', { type: 'owner_manager' }), step('director', { type: 'region_director' })]);
    const deal = await h.createDeal(REP, { amount: 3_000_000 });
    const approval = await h.request(REP, deal.id);
    await h.inInbox(MANAGER, approval.id);
    await h.decide(MANAGER, approval.id, 'reject', 'Margin too thin');
    const done = await h.status(approval.id, REP, 'REJECTED');
    expect(done.steps.map((s: any) => s.status)).toEqual(['REJECTED', 'WAITING']);
    const inbox = await api.call('GET', '/approvals?inbox=mine', { as: DIRECTOR });
    expect(inbox.body.items.some((e: any) => e.approvalId === approval.id)).toBe(false);
  });

  it('timeout → escalation to the approver’s manager → approved', async () => {
    await h.usePolicy([step('manager', { type: 'owner_manager' }, { slaSeconds: 2, maxEscalations: 1 })]);
    const deal = await h.createDeal(REP, { amount: 4_000_000 });
    const approval = await h.request(REP, deal.id);
    await h.inInbox(MANAGER, approval.id);
    // The manager does not answer; after 2 s the step goes to the manager's manager (the region director).
    await h.inInbox(DIRECTOR, approval.id);
    const mid = await api.call('GET', `/approvals/${approval.id}`, { as: REP });
    expect(mid.body.steps[0].escalations).toEqual([expect.objectContaining({ from: [MANAGER], to: [DIRECTOR] })]);
    expect((await h.decide(MANAGER, approval.id, 'approve')).status).toBe(403);
    expect((await h.decide(DIRECTOR, approval.id, 'approve')).status).toBe(200);
    await h.status(approval.id, REP, 'APPROVED');
  });

  it('expires past the escalation limit and unlocks the deal', async () => {
    await h.usePolicy([step('manager', { type: 'owner_manager' }, { slaSeconds: 1, maxEscalations: 0 })]);
    const deal = await h.createDeal(REP, { amount: 5_000_000 });
    const approval = await h.request(REP, deal.id);
    const done = await h.status(approval.id, REP, 'EXPIRED');
    expect(done.steps[0].status).toBe('EXPIRED');
    const dealNow = await api.call('GET', `/deals/${deal.id}`, { as: REP });
    expect(dealNow.body.lockedByApprovalId).toBeUndefined();
    expect(dealNow.body.approval.status).toBe('EXPIRED');
  });

  it('recall by the requester ends the execution, unlocks the deal and empties the inbox', async () => {
    await h.usePolicy([step('manager', { type: 'owner_manager' })]);
    const deal = await h.createDeal(REP, { amount: 6_000_000 });
    const approval = await h.request(REP, deal.id);
    await h.inInbox(MANAGER, approval.id);
    expect((await api.call('POST', `/approvals/${approval.id}/recall`, { as: MANAGER })).status).toBe(403);
    const stray = await api.call('POST', `/approvals/${approval.id}/recall`, { as: REP, body: { x: 1 } });
    expect(stray.status).toBe(400); // a route without a body takes none; nothing was recalled
    expect((await api.call('GET', `/approvals/${approval.id}`, { as: REP })).body.status).toBe('PENDING');
    const recalled = await api.call('POST', `/approvals/${approval.id}/recall`, { as: REP });
    expect(recalled.status).toBe(200);
    expect(recalled.body.status).toBe('RECALLED');
    await eventually(async () => (await api.engine.describeExecution(`arn:aws:states:local:000000000000:execution:approval:${approval.id}`)).status === 'SUCCEEDED', 'execution ended');
    const inbox = await api.call('GET', '/approvals?inbox=mine', { as: MANAGER });
    expect(inbox.body.items.some((e: any) => e.approvalId === approval.id)).toBe(false);
    expect((await h.decide(MANAGER, approval.id, 'approve')).status).toBe(409);
    expect((await api.call('POST', `/approvals/${approval.id}/recall`, { as: REP })).status).toBe(409);
    const dealNow = await api.call('GET', `/deals/${deal.id}`, { as: REP });
    expect(dealNow.body.lockedByApprovalId).toBeUndefined();
  });

  it('delegation: the delegate sees the step and decides on behalf of the assignee; revoking stops it', async () => {
    await h.usePolicy([step('manager', { type: 'owner_manager' })]);
    const away = await api.call('PUT', `/users/${MANAGER}/delegation`, { as: MANAGER, body: { delegateId: 'manager-east-commercial' } });
    expect(away.status).toBe(200);
    const deal = await h.createDeal(REP, { amount: 7_000_000 });
    const approval = await h.request(REP, deal.id);
    const entry = await h.inInbox('manager-east-commercial', approval.id);
    expect(entry.onBehalfOf).toBe(MANAGER);
    const decided = await h.decide('manager-east-commercial', approval.id, 'approve', 'On behalf of Mia');
    expect(decided.status).toBe(200);
    expect(decided.body.steps[0].decisions[0]).toMatchObject({ actorId: 'manager-east-commercial', onBehalfOf: MANAGER });
    await h.status(approval.id, REP, 'APPROVED');

    // Set while a step is already pending: the delegate gets it; cleared: the delegate can no longer decide.
    await api.call('PUT', `/users/${MANAGER}/delegation`, { as: MANAGER, body: { delegateId: null } });
    const second = await h.request(REP, (await h.createDeal(REP, { amount: 7_100_000 })).id);
    await h.inInbox(MANAGER, second.id);
    await api.call('PUT', `/users/${MANAGER}/delegation`, { as: MANAGER, body: { delegateId: 'manager-east-commercial' } });
    await h.inInbox('manager-east-commercial', second.id);
    await api.call('PUT', `/users/${MANAGER}/delegation`, { as: MANAGER, body: { delegateId: null } });
    expect((await h.decide('manager-east-commercial', second.id, 'approve')).status).toBe(403);
    expect((await h.decide(MANAGER, second.id, 'approve')).status).toBe(200);
  });

  it('`all` needs every assignee; `any` takes the first answer and exactly one of two racing approvers wins', async () => {
    await h.usePolicy([step('board', { type: 'users', userIds: ['vp', 'finance'] }, { mode: 'all' })]);
    const unanimous = await h.request(REP, (await h.createDeal(REP, { amount: 8_000_000 })).id);
    await h.inInbox('vp', unanimous.id);
    await h.decide('vp', unanimous.id, 'approve');
    const half = await api.call('GET', `/approvals/${unanimous.id}`, { as: REP });
    expect(half.body).toMatchObject({ status: 'PENDING', steps: [{ status: 'PENDING' }] });
    expect((await h.decide('vp', unanimous.id, 'approve')).status).toBe(409);
    await h.decide('finance', unanimous.id, 'approve');
    await h.status(unanimous.id, REP, 'APPROVED');

    await h.usePolicy([step('board', { type: 'users', userIds: ['vp', 'finance'] }, { mode: 'any' })]);
    const race = await h.request(REP, (await h.createDeal(REP, { amount: 8_100_000 })).id);
    await h.inInbox('vp', race.id);
    const results = await Promise.all([h.decide('vp', race.id, 'approve'), h.decide('finance', race.id, 'reject')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const final = await h.status(race.id, REP, results[0]!.status === 200 ? 'APPROVED' : 'REJECTED');
    expect(final.steps[0].decisions).toHaveLength(1);
  });
});
