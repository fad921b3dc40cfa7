import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '#infra/local/task-bindings';
import { LocalWorkflowEngine, type LocalWorkflowEngineOptions } from '#infra/local/workflow-engine';
import { WorkflowStore, type TokenRecord } from '#infra/local/workflow-store';
import type { Db } from '#shared/core/db';
import { TaskClosedError } from '#shared/core/workflow-engine';
import { freshTable } from '#test/support/db';
import { slaTestRegistry } from '#test/workflows/sla-test.registry';
import { eventually, fixtureRuns, storedToken, waitForToken, waitUntilSettled } from '#test/workflows/helpers';

// sla-test.asl.json: AwaitStep (callback) has InputPath $.request and TimeoutSecondsPath $.step.slaSeconds; Work
// (Lambda) has InputPath $.work and TimeoutSecondsPath $.timeoutSeconds. Neither path exists in the execution input
// (before InputPath) nor in what Parameters make of it: only the state's input after InputPath has it, as in AWS.

const engines: LocalWorkflowEngine[] = [];
function engineOn(db: Db, options: Partial<LocalWorkflowEngineOptions> = {}) {
  const engine = new LocalWorkflowEngine({ db, registry: slaTestRegistry, ...options });
  engines.push(engine);
  return engine;
}
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.stop()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stepRequest = (step: Record<string, unknown>) => ({ request: { step: { name: 'approval', ...step } } });
const awaitStepToken = async (db: Db, executionName: string): Promise<TokenRecord> =>
  (await new WorkflowStore(db).getToken(mintToken(`sla-test#${executionName}`, 'AwaitStep', 1)))!;
const waitMs = (token: TokenRecord) => Date.parse(token.deadline) - Date.parse(token.waitStartedAt);

describe('TimeoutSecondsPath on a callback task', () => {
  it('persists the deadline from the resolved number; it fires and is caught as States.Timeout (not as States.TaskFailed)', async () => {
    const db = await freshTable();
    const engine = engineOn(db);
    const input = stepRequest({ slaSeconds: 1 });
    const { executionId } = await engine.startExecution({ workflow: 'sla-test', name: 'breach', input });
    const token = await waitForToken(db, 'breach', 'approval');
    const record = await awaitStepToken(db, 'breach');
    expect(waitMs(record)).toBe(1000);

    const done = await waitUntilSettled(engine, executionId);
    expect(done.status).toBe('SUCCEEDED');
    // The Catch on States.TaskFailed comes first: a timeout passes it by, as in Step Functions.
    expect(done.output).toEqual({ ...input, breach: { Error: 'States.Timeout', Cause: expect.any(String) }, outcome: 'sla-breached' });
    const firedAfterDeadline = Date.parse(done.stoppedAt!) - Date.parse(record.deadline);
    expect(firedAfterDeadline).toBeGreaterThanOrEqual(0);
    expect(firedAfterDeadline).toBeLessThan(1000);
    const late = await engine.sendTaskSuccess(token, {}).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(TaskClosedError);
    expect((late as TaskClosedError).reason).toBe('TaskTimedOut');
    expect((await awaitStepToken(db, 'breach')).status).toBe('TIMED_OUT');
  });

  it('lets a decision sent before the deadline win', async () => {
    const db = await freshTable();
    const engine = engineOn(db);
    const input = stepRequest({ slaSeconds: 2 });
    const { executionId } = await engine.startExecution({ workflow: 'sla-test', name: 'decided', input });
    const token = await waitForToken(db, 'decided', 'approval');
    expect(waitMs(await awaitStepToken(db, 'decided'))).toBe(2000);
    await engine.sendTaskSuccess(token, { approvedBy: 'manager-1' });

    const done = await waitUntilSettled(engine, executionId);
    expect(done.output).toEqual({ ...input, decision: { approvedBy: 'manager-1' }, outcome: 'decided' });
    expect(Date.parse(done.stoppedAt!)).toBeLessThan(Date.parse((await awaitStepToken(db, 'decided')).deadline));
    expect((await awaitStepToken(db, 'decided')).status).toBe('SUCCEEDED');
  });

  it('keeps the deadline across a restart (stop, new engine, resume): it fires at the original time, not one reset by the resume', async () => {
    const db = await freshTable();
    const first = engineOn(db);
    const { executionId } = await first.startExecution({ workflow: 'sla-test', name: 'restart', input: stepRequest({ slaSeconds: 3 }) });
    await waitForToken(db, 'restart', 'approval');
    const record = await awaitStepToken(db, 'restart');
    await first.stop();
    expect((await first.describeExecution(executionId)).status).toBe('RUNNING');

    await sleep(1000); // nothing runs the execution for a second
    const second = engineOn(db);
    const resumedAt = Date.now();
    expect(await second.resume()).toEqual([executionId]);
    const done = await waitUntilSettled(second, executionId);
    expect(done.output).toMatchObject({ breach: { Error: 'States.Timeout' }, outcome: 'sla-breached' });

    const stoppedAt = Date.parse(done.stoppedAt!);
    expect(stoppedAt).toBeGreaterThanOrEqual(Date.parse(record.deadline));
    expect(stoppedAt - Date.parse(record.deadline)).toBeLessThan(1000);
    expect(stoppedAt).toBeLessThan(resumedAt + 3000); // a deadline re-resolved at the resume would be 3 s after it
    expect((await awaitStepToken(db, 'restart')).deadline).toBe(record.deadline);
    expect(await fixtureRuns(db, 'await-decision#approval')).toBe(1); // the replay did not run the handler again
  });

  it("re-arms a path-resolved wait before the library's task timer would cut it", async () => {
    const db = await freshTable();
    // A 1 s library timer: without the re-arm (at 0.9 s) the wait would time out after 1 s, not at its 2 s deadline.
    const engine = engineOn(db, { taskTimerCeilingSeconds: 1 });
    const { executionId } = await engine.startExecution({ workflow: 'sla-test', name: 'rearm', input: stepRequest({ slaSeconds: 2 }) });
    await waitForToken(db, 'rearm', 'approval');
    const record = await awaitStepToken(db, 'rearm');
    const done = await waitUntilSettled(engine, executionId);
    expect(done.output).toMatchObject({ outcome: 'sla-breached' });
    expect(Date.parse(done.stoppedAt!)).toBeGreaterThanOrEqual(Date.parse(record.deadline));
    expect(waitMs(await awaitStepToken(db, 'rearm'))).toBe(2000);
    expect(await fixtureRuns(db, 'await-decision#approval')).toBe(1);
  });

  describe('a value that is not a positive integer fails the execution with States.Runtime, before the task runs', () => {
    let db: Db;
    beforeAll(async () => {
      db = await freshTable();
    });

    it.each([
      ['missing', {}],
      ['zero', { slaSeconds: 0 }],
      ['negative', { slaSeconds: -5 }],
      ['fractional', { slaSeconds: 1.5 }],
      ['a string', { slaSeconds: '60' }],
      ['null', { slaSeconds: null }],
    ])('%s', async (label, sla) => {
      const engine = engineOn(db);
      const name = `bad-${label.replace(/\s/g, '-')}`;
      const { executionId } = await engine.startExecution({ workflow: 'sla-test', name, input: { request: { step: { name, ...sla } } } });
      const done = await waitUntilSettled(engine, executionId);
      expect(done.status).toBe('FAILED');
      expect(done.error?.error).toBe('States.Runtime');
      expect(done.error?.cause).toContain('$.step.slaSeconds');
      expect(await storedToken(db, name, name)).toBeUndefined();
      expect(await fixtureRuns(db, `await-decision#${name}`)).toBe(0);
    });
  });
});

describe('TimeoutSecondsPath on a Lambda task', () => {
  it('fires and is caught as States.Timeout; the recorded timeout stands when the late result comes in', async () => {
    const db = await freshTable();
    const engine = engineOn(db);
    const input = { work: { ms: 3000, timeoutSeconds: 1 } };
    const { executionId } = await engine.startExecution({ workflow: 'sla-test', name: 'slow', input });
    const done = await waitUntilSettled(engine, executionId);
    const ranFor = Date.parse(done.stoppedAt!) - Date.parse(done.startedAt);
    expect(ranFor).toBeGreaterThanOrEqual(1000);
    expect(ranFor).toBeLessThan(2500); // it did not wait for the 3 s of work
    expect(done.output).toEqual({ ...input, breach: { Error: 'States.Timeout', Cause: expect.any(String) }, outcome: 'sla-breached' });

    await eventually(async () => ((await fixtureRuns(db, 'work')) === 1 ? true : undefined), 'the late work to finish');
    await engine.stop(); // waits for the late result to be recorded (or not)
    // A replay reads this: the timeout, not the result that came in after it.
    expect(await new WorkflowStore(db).getStep('sla-test#slow', 'Work', 1)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('returns the result of work done within its timeout', async () => {
    const db = await freshTable();
    const engine = engineOn(db);
    const input = { work: { ms: 10, timeoutSeconds: 5 } };
    const { executionId } = await engine.startExecution({ workflow: 'sla-test', name: 'quick', input });
    expect((await waitUntilSettled(engine, executionId)).output).toEqual({ ...input, workResult: { worked: 10 }, outcome: 'decided' });
  });

  it('fails the execution with States.Runtime, without running the task, when the value is not a positive integer', async () => {
    const db = await freshTable();
    const engine = engineOn(db);
    const { executionId } = await engine.startExecution({ workflow: 'sla-test', name: 'zero', input: { work: { ms: 10, timeoutSeconds: 0 } } });
    const done = await waitUntilSettled(engine, executionId);
    expect(done.error).toMatchObject({ error: 'States.Runtime', cause: expect.stringContaining('$.timeoutSeconds') });
    await engine.stop();
    expect(await fixtureRuns(db, 'work')).toBe(0);
  });
});
