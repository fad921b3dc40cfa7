import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalWorkflowEngine, type LocalWorkflowEngineOptions } from '#infra/local/workflow-engine';
import type { Db } from '#shared/core/db';
import { TaskClosedError } from '#shared/core/workflow-engine';
import type { WorkflowRegistry } from '#workflows/index';
import { freshTable } from '#test/support/db';
import { engineTestRegistry } from '#test/workflows/engine-test.registry';
import { fixtureRuns, waitForToken, waitUntilSettled } from '#test/workflows/helpers';

const engines: LocalWorkflowEngine[] = [];
function engineOn(db: Db, options: Partial<LocalWorkflowEngineOptions> = {}) {
  const engine = new LocalWorkflowEngine({ db, registry: engineTestRegistry, ...options });
  engines.push(engine);
  return engine;
}
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.stop()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('local executions survive a restart', () => {
  it('resumes a waiting execution in a new engine, which accepts the token the first engine minted', async () => {
    const db = await freshTable();
    const first = engineOn(db);
    const { executionId } = await first.startExecution({ workflow: 'engine-test', name: 'restart-1', input: { score: 90 } });
    const approval = await waitForToken(db, 'restart-1', 'approval');
    await first.stop();
    expect((await first.describeExecution(executionId)).status).toBe('RUNNING'); // stopping is not failing

    const second = engineOn(db);
    expect(await second.resume()).toEqual([executionId]);
    await second.sendTaskSuccess(approval, { approvedBy: 'vp-1' });
    await second.sendTaskFailure(await waitForToken(db, 'restart-1', 'countersign'), 'Declined');

    const done = await waitUntilSettled(second, executionId);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({ outcome: 'escalated', approval: { approvedBy: 'vp-1' }, declined: 'Declined' });
    // The replay returned the recorded results: Score and the approval handler ran once each.
    expect(await fixtureRuns(db, 'score')).toBe(1);
    expect(await fixtureRuns(db, 'await-decision#approval')).toBe(1);
  });

  it('applies a decision sent while no engine ran it, and a deadline that passed meanwhile', async () => {
    const db = await freshTable();
    const first = engineOn(db);
    const { executionId } = await first.startExecution({ workflow: 'engine-test', name: 'restart-2', input: { score: 90 } });
    const approval = await waitForToken(db, 'restart-2', 'approval');
    await first.stop();

    // The decision lands while the execution is not running anywhere: it is persisted, not lost.
    const second = engineOn(db);
    await second.sendTaskSuccess(approval, { approvedBy: 'director-1' });
    await second.resume();
    await second.sendTaskFailure(await waitForToken(db, 'restart-2', 'countersign'), 'Declined');
    const lastWord = await waitForToken(db, 'restart-2', 'last-word');
    await second.stop();

    await sleep(1100); // AwaitLastWord's 1 s deadline passes while nothing runs
    const third = engineOn(db);
    const late = await third.sendTaskSuccess(lastWord, {}).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(TaskClosedError);
    expect((late as TaskClosedError).reason).toBe('TaskTimedOut');
    await third.resume();
    const done = await waitUntilSettled(third, executionId);
    expect(done.output).toEqual({ outcome: 'escalated', approval: { approvedBy: 'director-1' }, declined: 'Declined' });
    expect(await fixtureRuns(db, 'score')).toBe(1);
    expect(await fixtureRuns(db, 'await-decision#countersign')).toBe(1);
  });
});

describe('long human waits', () => {
  async function registryWithApprovalTimeout(seconds: number): Promise<WorkflowRegistry> {
    const asl = JSON.parse(await readFile('test/workflows/engine-test.asl.json', 'utf8'));
    asl.States.AwaitApproval.TimeoutSeconds = seconds;
    const path = join(await mkdtemp(join(tmpdir(), 'pentad-asl-')), 'long-wait.asl.json');
    await writeFile(path, JSON.stringify(asl));
    return { workflows: [{ ...engineTestRegistry.workflows[0]!, aslPath: path }], schedules: [] };
  }

  it('keeps a 30-day wait open, past what setTimeout can hold', async () => {
    const db = await freshTable();
    const engine = engineOn(db, { registry: await registryWithApprovalTimeout(30 * 24 * 3600) });
    const { executionId } = await engine.startExecution({ workflow: 'engine-test', name: 'month', input: { score: 90 } });
    const approval = await waitForToken(db, 'month', 'approval');
    await sleep(300); // a 30-day timer handed to setTimeout as is would have fired after 1 ms
    expect((await engine.describeExecution(executionId)).status).toBe('RUNNING');
    await engine.sendTaskSuccess(approval, { approvedBy: 'cfo' });
    expect(await waitForToken(db, 'month', 'countersign')).toBeTruthy();
  });

  it("re-arms a wait before the library's task timer would cut it, by replaying without re-running tasks", async () => {
    const db = await freshTable();
    // A 1 s library timer: without the re-arm (at 0.9 s) AwaitApproval would fail with States.Timeout.
    const engine = engineOn(db, { registry: await registryWithApprovalTimeout(3600), taskTimerCeilingSeconds: 1 });
    const { executionId } = await engine.startExecution({ workflow: 'engine-test', name: 'rearm', input: { score: 90 } });
    const approval = await waitForToken(db, 'rearm', 'approval');
    await sleep(2200);

    expect((await engine.describeExecution(executionId)).status).toBe('RUNNING');
    expect(await waitForToken(db, 'rearm', 'approval')).toBe(approval); // same token across replays
    await engine.sendTaskSuccess(approval, { approvedBy: 'cfo' });
    await engine.sendTaskFailure(await waitForToken(db, 'rearm', 'countersign'), 'Declined');
    expect((await waitUntilSettled(engine, executionId)).output).toMatchObject({ outcome: 'escalated', approval: { approvedBy: 'cfo' } });
    expect(await fixtureRuns(db, 'score')).toBe(1);
    expect(await fixtureRuns(db, 'await-decision#approval')).toBe(1);
  });
});
