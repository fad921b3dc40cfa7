import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '#test/support/approvals';
import { crash, startStackProcess, stackClient, type RunningStack, type StackResponse } from '#test/support/local-stack-process';

/**
 * Durability of `npm start`: with a pending approval, a churn recovery waiting for its outcome, a team review cycle
 * waiting for assessments and a company review cycle in its scoring burst, the stack is killed with SIGKILL and
 * started again on the same data folder. Every execution resumes where it was, nothing is lost or done twice, and
 * each runs to completion through the public API. One crash for all four keeps the file to two stack starts.
 */
const DAY = 86_400_000;
const now = new Date();
/** The first day of the month `back` months before this one (UTC), as YYYY-MM-DD. */
const monthStart = (back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 10);
/** Reviews need a period that has ended: last month, and last quarter. */
const MONTH = monthStart(1).slice(0, 7);
const QUARTER = (() => {
  const q = Math.floor(now.getUTCMonth() / 3); // this quarter, 0-based
  return q === 0 ? `${now.getUTCFullYear() - 1}-Q4` : `${now.getUTCFullYear()}-Q${q}`;
})();

const APPROVAL = { rep: 'rep-east-commercial-1', manager: 'manager-east-commercial' };
const CHURN = { rep: 'rep-south-enterprise-1', manager: 'manager-south-enterprise' };
const TEAM = 'east-enterprise';
const TEAM_MANAGER = `manager-${TEAM}`;
const [R1, R2, R3] = [1, 2, 3].map((n) => `rep-${TEAM}-${n}`) as [string, string, string];
const TEAM_CYCLE = `${MONTH}-${TEAM}`;

type Call = ReturnType<typeof stackClient>;
const ok = (res: StackResponse, status = 200) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};
const firstCustomer = async (call: Call, rep: string, tier = 'C') => ok(await call('GET', `/customers?limit=1&tier=${tier}`, { as: rep })).items[0].id as string;
const notificationsOf = async (call: Call, userId: string, kind: string) =>
  (ok(await call('GET', '/notifications?limit=100', { as: userId })).items as any[]).filter((n) => n.kind === kind);

/** A pending 60,000.00 deal approval (tier-C customer: the default policy asks the manager only). */
async function pendingApproval(call: Call) {
  const deal = ok(
    await call('POST', '/deals', {
      as: APPROVAL.rep,
      body: { customerId: await firstCustomer(call, APPROVAL.rep), title: 'Harbor expansion', amount: 6_000_000, productLineId: 'analytics', expectedCloseDate: new Date(now.getTime() + 30 * DAY).toISOString().slice(0, 10), discountPct: 5, paymentTermsDays: 30 },
    }),
    201,
  );
  const approval = ok(await call('POST', `/deals/${deal.id}/approvals`, { as: APPROVAL.rep, body: { reason: 'Above my limit' } }), 202);
  await eventually(async () => ok(await call('GET', '/approvals?inbox=mine', { as: APPROVAL.manager })).items.some((e: any) => e.approvalId === approval.id), 'the step to open', 20_000);
  return { dealId: deal.id as string, approvalId: approval.id as string };
}

/**
 * A monthly buyer that stopped ordering three months ago (orders on the 15th of months 5, 4 and 3 back) and then
 * complains twice: health falls to red, an alert opens and its recovery waits for the outcome.
 */
async function waitingChurnRecovery(call: Call) {
  const customerId = await firstCustomer(call, CHURN.rep);
  for (const back of [5, 4, 3]) {
    ok(await call('POST', `/customers/${customerId}/orders`, { as: CHURN.rep, body: { amount: 300_000, date: `${monthStart(back).slice(0, 8)}15`, productLineId: 'crm-suite' } }), 201);
  }
  for (const subject of ['Invoices wrong again', 'Nobody answers the support line']) {
    ok(await call('POST', `/customers/${customerId}/tickets`, { as: CHURN.rep, body: { type: 'complaint', severity: 'high', subject } }), 201);
  }
  const health = ok(await call('GET', `/customers/${customerId}/health`, { as: CHURN.rep }));
  expect(health.band).toBe('red');
  expect(health.openAlertId).toEqual(expect.any(String));
  const alertId = health.openAlertId as string;
  await eventually(async () => ok(await call('GET', `/churn/alerts/${alertId}`, { as: CHURN.rep })).stage === 'awaiting_outcome', 'the plan and the wait', 20_000);
  ok(await call('POST', `/churn/alerts/${alertId}/actions`, { as: CHURN.rep, body: { type: 'call', note: 'Called the purchasing manager' } }));
  return { customerId, alertId };
}

/**
 * Last month's review of one team, scored on activity alone (4 e-mails a month is the full mark): R1 logs 4, R2 3,
 * R3 none — scores 100, 75 and 0. All three on a commission plan; R1 sold 1,000,000 in the month.
 */
async function teamCycleAwaitingAssessment(call: Call) {
  const policy = await call('GET', '/review-policy', { as: 'admin' });
  ok(await call('PUT', '/review-policy', { as: 'admin', headers: { 'if-match': policy.headers.get('etag')! }, body: { ...policy.body.policy, activitiesPerMonthTarget: 4 } }));
  for (const [rep, emails] of [[R1, 4], [R2, 3]] as const) {
    const customerId = await firstCustomer(call, rep);
    for (let i = 0; i < emails; i += 1) {
      ok(await call('POST', `/customers/${customerId}/interactions`, { as: rep, body: { type: 'email', at: `${MONTH}-1${i}T09:00:00Z`, note: `Proposal follow-up ${i + 1}` } }), 201);
    }
  }
  ok(await call('POST', `/customers/${await firstCustomer(call, R1)}/orders`, { as: R1, body: { amount: 1_000_000, date: `${MONTH}-20`, productLineId: 'crm-suite' } }), 201);
  const plan = ok(
    await call('POST', '/commission-plans', { as: 'finance', body: { name: `Flat ${MONTH}`, period: MONTH, baseRate: 0.02, bands: [{ fromAttainment: 0, rate: 0.03 }], mode: 'tiered', clawbackDays: 30 } }),
    201,
  );
  for (const rep of [R1, R2, R3]) ok(await call('POST', `/commission-plans/${plan.id}/assignments`, { as: 'finance', body: { userId: rep } }), 201);
  expect(ok(await call('POST', '/review-cycles', { as: 'admin', body: { period: MONTH, teamId: TEAM } }), 202).id).toBe(TEAM_CYCLE);
  // The workflow waits for each assessment once it has asked the manager for it.
  await eventually(async () => (await notificationsOf(call, TEAM_MANAGER, 'review.assessment_requested')).length === 3, 'three assessment requests', 30_000);
}

const cyclesOf = (call: Call, id: string, as = 'admin') => call('GET', `/review-cycles/${id}`, { as }).then((r) => ok(r));
const cardsOf = async (call: Call, cycleId: string) => ok(await call('GET', `/scorecards?cycleId=${cycleId}&limit=100`, { as: 'admin' })).items as any[];

/** Assesses (as each card's assessor, no adjustment) and acknowledges (as the rep) every card, then waits for the close. */
async function completeCycle(call: Call, cycleId: string) {
  for (const card of await cardsOf(call, cycleId)) {
    ok(await call('POST', `/scorecards/${card.id}/assessment`, { as: card.assessorIds[0], body: { comment: 'Talked it through', ratingAdjustment: 0, goalsNextPeriod: ['Ten customer contacts a week'] } }));
    ok(await call('POST', `/scorecards/${card.id}/acknowledgement`, { as: card.userId, body: { comment: 'Seen' } }));
  }
  return eventually(async () => {
    const cycle = await cyclesOf(call, cycleId);
    return cycle.status === 'closed' && cycle;
  }, `cycle ${cycleId} closed`, 30_000);
}

describe('kill -9 of the local stack with an approval, a churn recovery and two review cycles in flight', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pentad-durable-'));
  let first: RunningStack | undefined;
  let second: RunningStack | undefined;
  let call: Call;
  let approval: Awaited<ReturnType<typeof pendingApproval>>;
  let churn: Awaited<ReturnType<typeof waitingChurnRecovery>>;
  let companyReps = 0;

  afterAll(async () => {
    await first?.stop('SIGKILL');
    await second?.stop('SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('before the crash: the approval, the churn recovery and the team review each wait for a person', async () => {
    first = await startStackProcess({ PENTAD_DATA_DIR: dataDir });
    call = stackClient(first);
    [approval, churn] = await Promise.all([pendingApproval(call), waitingChurnRecovery(call), teamCycleAwaitingAssessment(call)]);
  }, 360_000);

  it('kill -9 while the company review is scoring; after the restart every execution resumes', async () => {
    ok(await call('POST', '/review-cycles', { as: 'admin', body: { period: QUARTER } }), 202);
    // Into the burst: the first scorecard is stored (the ten-at-a-time Map is then under way).
    await eventually(async () => (await cyclesOf(call, QUARTER)).progress.scored >= 1, 'the first scorecard', 30_000);
    expect(await crash(first!)).toBe(null);

    second = await startStackProcess({ PENTAD_DATA_DIR: dataDir });
    call = stackClient(second);
    expect(second.output()).toMatch(/4 execution\(s\) resumed/);
  }, 300_000);

  it('the approval: still in the manager’s inbox; the decision completes it and frees the deal', async () => {
    expect(ok(await call('GET', '/approvals?inbox=mine', { as: APPROVAL.manager })).items.map((e: any) => e.approvalId)).toContain(approval.approvalId);
    ok(await call('POST', `/approvals/${approval.approvalId}/decisions`, { as: APPROVAL.manager, body: { decision: 'approve', comment: 'After the restart' } }));
    const done = await eventually(async () => {
      const res = ok(await call('GET', `/approvals/${approval.approvalId}`, { as: APPROVAL.rep }));
      return res.status === 'APPROVED' && res;
    }, 'APPROVED', 30_000);
    expect(done.steps[0].decisions[0]).toMatchObject({ actorId: APPROVAL.manager, comment: 'After the restart' });
    const deal = ok(await call('GET', `/deals/${approval.dealId}`, { as: APPROVAL.rep }));
    expect(deal.lockedByApprovalId).toBeUndefined();
    expect(deal.approval.status).toBe('APPROVED');
  }, 90_000);

  it('the churn recovery: the alert still waits with its plan and action; the outcome closes it and counts in the report', async () => {
    const alert = ok(await call('GET', `/churn/alerts/${churn.alertId}`, { as: CHURN.rep }));
    expect(alert).toMatchObject({ status: 'open', stage: 'awaiting_outcome', assigneeIds: [CHURN.rep], actions: [{ type: 'call', by: CHURN.rep }] });
    expect(alert.plan.map((t: any) => t.type)).toContain('service_review');
    // The replay returned the recorded steps instead of running them again: the owner was told once.
    expect(await notificationsOf(call, CHURN.rep, 'churn.assigned')).toHaveLength(1);
    const open = ok(await call('GET', '/churn/alerts?status=open&limit=100', { as: CHURN.rep })).items as any[];
    expect(open.filter((a) => a.customerId === churn.customerId).map((a) => a.id)).toEqual([churn.alertId]);

    ok(await call('POST', `/churn/alerts/${churn.alertId}/actions`, { as: CHURN.rep, body: { type: 'service_review', note: 'Fixed the invoice run with support' } }));
    ok(await call('POST', `/churn/alerts/${churn.alertId}/outcome`, { as: CHURN.rep, body: { outcome: 'recovered', reason: 'Service plan agreed' } }));
    const closed = await eventually(async () => {
      const a = ok(await call('GET', `/churn/alerts/${churn.alertId}`, { as: CHURN.rep }));
      return a.status === 'closed' && a;
    }, 'the alert closed', 30_000);
    expect(closed).toMatchObject({ stage: 'closed', outcome: { outcome: 'recovered', reason: 'Service plan agreed', by: CHURN.rep } });
    expect(closed.actions.map((a: any) => a.type)).toEqual(['call', 'service_review']);
    expect(ok(await call('GET', `/customers/${churn.customerId}`, { as: CHURN.rep })).health.openAlertId).toBeUndefined();
    const report = ok(await call('GET', '/reports/churn', { as: CHURN.manager }));
    expect(report).toMatchObject({ closed: 1, outcomes: { recovered: 1, lost: 0, still_at_risk: 0 }, recoveryRate: 1 });
    expect(report.reasons.service).toBe(1);
  }, 90_000);

  it('the team review: its scorecards still wait for the manager; assessed and acknowledged, the cycle closes', async () => {
    const cycle = await cyclesOf(call, TEAM_CYCLE, TEAM_MANAGER);
    expect(cycle).toMatchObject({ status: 'open', progress: { reps: 3, scored: 3, assessed: 0, acknowledged: 0, escalated: 0 } });
    const cards = await cardsOf(call, TEAM_CYCLE);
    expect(cards.map((c) => [c.userId, c.score, c.rating, c.status]).sort()).toEqual([
      [R1, 100, 5, 'scored'],
      [R2, 75, 4, 'scored'],
      [R3, 0, 1, 'scored'],
    ]);
    // The manager's worklist (the company cycle adds the same reps' quarter cards to it).
    const toAssess = ok(await call('GET', '/scorecards?assessor=me&limit=100', { as: TEAM_MANAGER })).items as any[];
    expect(toAssess.filter((c) => c.cycleId === TEAM_CYCLE).map((c) => c.userId).sort()).toEqual([R1, R2, R3]);
    // The waits were taken over, not opened again: one request per card.
    const requests = await notificationsOf(call, TEAM_MANAGER, 'review.assessment_requested');
    expect(requests.filter((n) => n.body.startsWith(`Period ${MONTH}:`))).toHaveLength(3);

    const closed = await completeCycle(call, TEAM_CYCLE);
    expect(closed.progress).toEqual({ reps: 3, scored: 3, assessed: 3, acknowledged: 3, escalated: 0 });
    expect(closed.improvementPlans).toBe(1);
    const plans = ok(await call('GET', `/improvement-plans?userId=${R3}`, { as: TEAM_MANAGER })).items;
    expect(plans).toEqual([expect.objectContaining({ rating: 1, ownerId: TEAM_MANAGER, status: 'open', period: MONTH })]);
    for (const rep of [R1, R2]) expect(ok(await call('GET', `/improvement-plans?userId=${rep}`, { as: TEAM_MANAGER })).items).toEqual([]);
    const statements = await Promise.all([R1, R2, R3].map(async (rep) => ok(await call('GET', `/users/${rep}/commission?period=${MONTH}`, { as: 'finance' }))));
    expect(statements.map((s) => s.status)).toEqual(['final', 'final', 'final']);
    // No target for the month: R1's order earns the base rate, 2 % of 1,000,000.
    expect([statements[0].revenue, statements[0].totals.payable]).toEqual([1_000_000, 20_000]);
    expect(await cardsOf(call, TEAM_CYCLE)).toHaveLength(3);
  }, 90_000);

  it('the company review killed while scoring: every rep scored exactly once, and it runs to its close', async () => {
    const scored = await eventually(async () => {
      const cycle = await cyclesOf(call, QUARTER);
      return cycle.progress.reps > 0 && cycle.progress.scored === cycle.progress.reps && cycle;
    }, 'every rep scored', 30_000);
    companyReps = scored.progress.reps;
    const users = ok(await call('GET', '/users?limit=100', { as: 'admin' })).items as any[];
    const reps = users.filter((u) => u.roles.includes('rep')).map((u) => u.id).sort();
    const cards = await cardsOf(call, QUARTER);
    expect(cards.map((c) => c.userId).sort()).toEqual(reps);
    expect(companyReps).toBe(reps.length);

    const closed = await completeCycle(call, QUARTER);
    expect(closed.progress).toEqual({ reps: companyReps, scored: companyReps, assessed: companyReps, acknowledged: companyReps, escalated: 0 });
    expect(await cardsOf(call, QUARTER)).toHaveLength(companyReps);
  }, 90_000);
});
