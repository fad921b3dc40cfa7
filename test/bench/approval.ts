/**
 * State transitions of one 3-step approval (manager → director → vp, each approves), workflows/approval.asl.json
 * on the local engine with the real task handlers, driven through the API as a user would.
 */
import { benchApi, log } from './support.ts';
import { tapTransitions, transitionsOf } from './transitions.ts';

const GOAL = 15;
const REP = 'rep-east-enterprise-1';
const APPROVERS = ['manager-east-enterprise', 'director-east', 'vp'];

async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`bench approval: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function approval() {
  tapTransitions();
  const api = await benchApi({ demo: true });
  const step = (id: string, approvers: unknown) => ({ id, name: id, when: [{ field: 'amount', op: 'gte', value: 0 }], approvers, mode: 'any', slaSeconds: 3600, maxEscalations: 1 });
  const current = await api.call('GET', '/approval-policy', { as: 'admin' });
  await api.ok('PUT', '/approval-policy', {
    as: 'admin',
    headers: { 'if-match': current.headers.get('etag')! },
    body: { steps: [step('manager', { type: 'owner_manager' }), step('director', { type: 'region_director' }), step('vp', { type: 'role', role: 'vp' })] },
  });
  const customerId = (await api.ok('GET', '/customers?limit=1', { as: REP })).items[0].id;
  const deal = await api.ok('POST', '/deals', {
    as: REP,
    body: { customerId, title: 'Bench approval', amount: 2_000_000, productLineId: 'crm-suite', expectedCloseDate: '2026-12-31', discountPct: 0, paymentTermsDays: 30 },
  });
  const started = performance.now();
  const requested = await api.ok('POST', `/deals/${deal.id}/approvals`, { as: REP, body: { reason: 'Strategic account' } });
  for (const approver of APPROVERS) {
    await until(async () => {
      const inbox = await api.ok('GET', '/approvals?inbox=mine&limit=100', { as: approver });
      return (inbox.items as { approvalId: string }[]).some((e) => e.approvalId === requested.id);
    }, `${requested.id} in ${approver}'s inbox`);
    await api.ok('POST', `/approvals/${requested.id}/decisions`, { as: approver, body: { decision: 'approve' } });
  }
  const executionId = `arn:aws:states:local:000000000000:execution:approval:${requested.id}`;
  const execution = await until(async () => {
    const d = await api.engine.describeExecution(executionId);
    return d.status !== 'RUNNING' && d;
  }, 'the execution to end');
  const seconds = (performance.now() - started) / 1000;
  const final = await api.ok('GET', `/approvals/${requested.id}`, { as: REP });
  await api.stop();
  if (execution.status !== 'SUCCEEDED' || final.status !== 'APPROVED') throw new Error(`bench approval: ended ${execution.status} / ${final.status}`);
  const { total, byState } = transitionsOf(requested.id);
  log(`approval: ${total} state transitions`);
  return {
    goal: GOAL,
    stateTransitions: total,
    steps: APPROVERS.length,
    byState,
    approvalStatus: final.status,
    executionStatus: execution.status,
    secondsEndToEnd: Number(seconds.toFixed(2)),
  };
}
