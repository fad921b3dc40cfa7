import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalWorkflowEngine } from '#infra/local/workflow-engine';
import { mintToken } from '#infra/local/task-bindings';
import type { Db } from '#shared/core/db';
import { ExecutionNotFoundError, TaskClosedError } from '#shared/core/workflow-engine';
import type { WorkflowRegistry } from '#workflows/index';
import { freshTable } from '#test/support/db';
import { engineTestRegistry } from '#test/workflows/engine-test.registry';
import { fixtureRuns, storedToken, waitForToken, waitUntilSettled } from '#test/workflows/helpers';

const closedReason = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof TaskClosedError ? error.reason : error),
  );

describe('local workflow engine running engine-test.asl.json', () => {
  let db: Db;
  let engine: LocalWorkflowEngine;

  beforeEach(async () => {
    db = await freshTable();
    engine = new LocalWorkflowEngine({ db, registry: engineTestRegistry });
    await engine.load();
  });
  afterEach(() => engine.stop());

  it('routes a low score to Rejected without waiting for anyone', async () => {
    const { executionId, alreadyStarted } = await engine.startExecution({ workflow: 'engine-test', name: 'low-1', input: { score: 10 } });
    expect(alreadyStarted).toBe(false);
    const done = await waitUntilSettled(engine, executionId);
    expect(done).toMatchObject({ name: 'low-1', workflow: 'engine-test', status: 'SUCCEEDED', input: { score: 10 } });
    expect(done.output).toEqual({ score: 10, scored: { score: 10 } });
    expect(done.stoppedAt! >= done.startedAt).toBe(true);
    expect(await storedToken(db, 'low-1', 'approval')).toBeUndefined();
    expect(await fixtureRuns(db, 'score')).toBe(1);
    // A finished execution leaves the running index: the next start-up has nothing to resume.
    const next = new LocalWorkflowEngine({ db, registry: engineTestRegistry });
    expect(await next.resume()).toEqual([]);
    await next.stop();
  });

  it('waits for decisions on a high score, catches Declined and States.Timeout, and escalates', async () => {
    const { executionId } = await engine.startExecution({ workflow: 'engine-test', name: 'high-1', input: { score: 80 } });
    const approval = await waitForToken(db, 'high-1', 'approval');
    expect((await engine.describeExecution(executionId)).status).toBe('RUNNING');

    await engine.sendTaskSuccess(approval, { approvedBy: 'manager-1' });
    const countersign = await waitForToken(db, 'high-1', 'countersign');
    expect(countersign).not.toBe(approval); // one token per task, not the library's static one

    await engine.sendTaskFailure(countersign, 'Declined', 'Over the discount limit');
    const lastWord = await waitForToken(db, 'high-1', 'last-word');
    const waitingSince = Date.now();

    const done = await waitUntilSettled(engine, executionId);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({ outcome: 'escalated', approval: { approvedBy: 'manager-1' }, declined: 'Declined' });
    // AwaitLastWord's TimeoutSeconds is 1: it fired after about a second, not at the library's 60 s default.
    expect(Date.now() - waitingSince).toBeGreaterThan(700);

    expect(await closedReason(engine.sendTaskSuccess(approval, {}))).toBe('TaskTimedOut');
    expect(await closedReason(engine.sendTaskSuccess(lastWord, {}))).toBe('TaskTimedOut');
    expect(await closedReason(engine.sendTaskFailure(mintToken('engine-test#nobody', 'AwaitApproval', 1), 'Declined'))).toBe('TaskDoesNotExist');
    expect(await closedReason(engine.sendTaskSuccess('not-a-token', {}))).toBe('InvalidToken');
  });

  it('returns the first execution when the same name is started twice', async () => {
    const first = await engine.startExecution({ workflow: 'engine-test', name: 'twice', input: { score: 10 } });
    const second = await engine.startExecution({ workflow: 'engine-test', name: 'twice', input: { score: 99 } });
    expect(second).toEqual({ executionId: first.executionId, alreadyStarted: true });
    const done = await waitUntilSettled(engine, first.executionId);
    expect(done.input).toEqual({ score: 10 });
    expect(await fixtureRuns(db, 'score')).toBe(1);
  });

  it('retries a task error matched by Retry, by the name the task threw', async () => {
    const input = { score: 10, failWith: 'Lambda.TooManyRequestsException', failTimes: 1 };
    const { executionId } = await engine.startExecution({ workflow: 'engine-test', name: 'retried', input });
    expect((await waitUntilSettled(engine, executionId)).status).toBe('SUCCEEDED');
    expect(await fixtureRuns(db, 'score')).toBe(2);
  });

  it('fails the execution with the name and message of an uncaught task error', async () => {
    const { executionId } = await engine.startExecution({ workflow: 'engine-test', name: 'broken', input: { score: 10, failWith: 'ScoringUnavailable' } });
    const done = await waitUntilSettled(engine, executionId);
    expect(done.status).toBe('FAILED');
    expect(done.error?.error).toBe('ScoringUnavailable');
    expect(JSON.parse(done.error!.cause!)).toEqual({ errorType: 'ScoringUnavailable', errorMessage: 'Scoring failed on run 1' });
    expect(await fixtureRuns(db, 'score')).toBe(1); // not in Retry's ErrorEquals: no retry
  });

  it('refuses what Step Functions refuses and reports unknown executions', async () => {
    await expect(engine.startExecution({ workflow: 'nope', name: 'x', input: {} })).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(engine.startExecution({ workflow: 'engine-test', name: 'at 02:00', input: {} })).rejects.toMatchObject({ name: 'InvalidName' });
    await expect(engine.describeExecution('arn:aws:states:local:000000000000:execution:engine-test:ghost')).rejects.toBeInstanceOf(ExecutionNotFoundError);
    expect(await engine.ready()).toBe(true);
    await engine.stop();
    expect(await engine.ready()).toBe(false);
  });
});

describe('loading a registry', () => {
  const withTasks = (tasks: WorkflowRegistry['workflows'][number]['tasks']): WorkflowRegistry => ({
    workflows: [{ ...engineTestRegistry.workflows[0]!, tasks }],
    schedules: [],
  });
  const load = async (registry: WorkflowRegistry) => new LocalWorkflowEngine({ db: await freshTable(), registry }).load();

  it('fails fast when a placeholder has no binding', async () => {
    await expect(load(withTasks({ ScoreFunctionArn: { handler: 'test/workflows/fixtures/score' } }))).rejects.toThrow(/\$\{AwaitDecisionFunctionArn\}/);
  });

  it('fails fast when a binding disagrees with its Task about waiting for a token', async () => {
    const tasks = {
      ScoreFunctionArn: { handler: 'test/workflows/fixtures/score' },
      AwaitDecisionFunctionArn: { handler: 'test/workflows/fixtures/await-decision' },
    };
    await expect(load(withTasks(tasks))).rejects.toThrow(/AwaitApproval.*callback: false/);
  });

  it('fails fast when a handler module has no run', async () => {
    const tasks = { ...engineTestRegistry.workflows[0]!.tasks, ScoreFunctionArn: { handler: 'test/workflows/helpers' } };
    await expect(load(withTasks(tasks))).rejects.toThrow(/does not export run/);
  });

  it('fails fast when a Task is not a bound Lambda (it would call real AWS)', async () => {
    const asl = JSON.parse(await readFile('test/workflows/engine-test.asl.json', 'utf8'));
    asl.States.Score.Resource = 'arn:aws:states:::dynamodb:putItem';
    const dir = await mkdtemp(join(tmpdir(), 'pentad-asl-'));
    await writeFile(join(dir, 'put-item.asl.json'), JSON.stringify(asl));
    const registry = { workflows: [{ ...engineTestRegistry.workflows[0]!, aslPath: join(dir, 'put-item.asl.json') }], schedules: [] };
    await expect(load(registry)).rejects.toThrow(/Task "Score" \(arn:aws:states:::dynamodb:putItem\) is not a Lambda bound/);
  });
});
