import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';
import { approvalHelpers, eventually } from '#test/support/approvals';

/**
 * A record is written, then its workflow is started: a crash between the two (the process killed, a Lambda timing
 * out) leaves a record with nothing running. Simulated here by the engine failing that one start; the next request
 * for the same thing starts the workflow by its name, and the process goes on.
 */
type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

/** The next start fails as if the process died right after the write. */
function crashOnNextStart() {
  const start = api.engine.startExecution.bind(api.engine);
  api.engine.startExecution = async () => {
    api.engine.startExecution = start;
    throw new Error('process died before the workflow started');
  };
}

describe('a workflow whose start was lost is started by the next request for it', () => {
  it('deal approval: the deal stays locked with nothing running until the rep asks again; then the manager gets the step', async () => {
    const { createDeal } = approvalHelpers(api);
    const rep = 'rep-east-commercial-1';
    const deal = await createDeal(rep, { amount: 6_000_000, discountPct: 5 });
    crashOnNextStart();
    const lost = await api.call('POST', `/deals/${deal.id}/approvals`, { as: rep, body: { reason: 'Above my limit' } });
    expect(lost.status).toBe(500);
    const locked = await api.call('GET', `/deals/${deal.id}`, { as: rep });
    const approvalId = locked.body.lockedByApprovalId as string;
    expect(approvalId).toBeTruthy();
    const inbox = async () => (await api.call('GET', '/approvals?inbox=mine', { as: 'manager-east-commercial' })).body.items.find((e: { approvalId: string }) => e.approvalId === approvalId);
    await new Promise((r) => setTimeout(r, 300));
    expect(await inbox()).toBeUndefined();

    const again = await api.call('POST', `/deals/${deal.id}/approvals`, { as: rep, body: { reason: 'Above my limit' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('deal_locked');
    await eventually(inbox, 'the manager’s step to open');
    const decided = await api.call('POST', `/approvals/${approvalId}/decisions`, { as: 'manager-east-commercial', body: { decision: 'approve', comment: 'OK' } });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    await eventually(async () => (await api.call('GET', `/approvals/${approvalId}`, { as: rep })).body.status === 'APPROVED', 'the approval to close');
    // A second nudge on a running or finished workflow changes nothing: still one approval for the deal.
    expect((await api.call('GET', '/approvals?requestedBy=me&limit=100', { as: rep })).body.items.filter((a: { subject: { id: string } }) => a.subject.id === deal.id)).toHaveLength(1);
  });

  it('review cycle: an open cycle whose run never started is started by POST /review-cycles (still a 409 for the caller)', async () => {
    const period = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 7);
    crashOnNextStart();
    const lost = await api.call('POST', '/review-cycles', { as: 'admin', body: { period, teamId: 'south-commercial' } });
    expect(lost.status).toBe(500);
    const id = `${period}-south-commercial`;
    const cycle = async () => (await api.call('GET', `/review-cycles/${id}`, { as: 'admin' })).body;
    expect(await cycle()).toMatchObject({ status: 'open', progress: { reps: 0, scored: 0 } });

    const again = await api.call('POST', '/review-cycles', { as: 'admin', body: { period, teamId: 'south-commercial' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('cycle_exists');
    const scored = await eventually(async () => {
      const c = await cycle();
      return c.progress.reps === 3 && c.progress.scored === 3 && c;
    }, 'the cycle to score its reps', 30_000);
    expect(scored.status).toBe('open');
    // A third click is a plain 409 and scores nobody twice.
    expect((await api.call('POST', '/review-cycles', { as: 'admin', body: { period, teamId: 'south-commercial' } })).status).toBe(409);
    expect((await api.call('GET', `/scorecards?cycleId=${id}&limit=100`, { as: 'admin' })).body.items).toHaveLength(3);
  });
});
