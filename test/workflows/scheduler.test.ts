import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalWorkflowEngine } from '#infra/local/workflow-engine';
import { fireSchedule, scheduledExecutionName, scheduledInput, startScheduler, type LocalScheduler } from '#infra/local/scheduler';
import { freshTable } from '#test/support/db';
import { engineTestRegistry } from '#test/workflows/engine-test.registry';
import { waitUntilSettled } from '#test/workflows/helpers';

const nightly = engineTestRegistry.schedules[0]!;
const firedAt = new Date('2025-03-01T02:00:00.000Z');

describe('local scheduler', () => {
  let engine: LocalWorkflowEngine;
  let scheduler: LocalScheduler | undefined;

  beforeEach(async () => {
    engine = new LocalWorkflowEngine({ db: await freshTable(), registry: engineTestRegistry });
  });
  afterEach(async () => {
    scheduler?.stop();
    await engine.stop();
  });

  it('names executions by schedule and firing minute, in characters Step Functions accepts', () => {
    expect(scheduledExecutionName('engine-test-nightly', firedAt)).toBe('engine-test-nightly-20250301T0200Z');
    expect(scheduledInput({ at: '{{scheduledAt}}', nested: ['since {{scheduledAt}}'], n: 1 }, firedAt)).toEqual({
      at: '2025-03-01T02:00:00.000Z',
      nested: ['since 2025-03-01T02:00:00.000Z'],
      n: 1,
    });
  });

  it('starts the scheduled workflow once per firing, with the firing time in its input', async () => {
    const first = await fireSchedule(engine, nightly, firedAt);
    const again = await fireSchedule(engine, nightly, firedAt);
    expect(first.alreadyStarted).toBe(false);
    expect(again).toEqual({ executionId: first.executionId, alreadyStarted: true });
    const done = await waitUntilSettled(engine, first.executionId);
    expect(done).toMatchObject({ name: 'engine-test-nightly-20250301T0200Z', status: 'SUCCEEDED', input: { score: 10, scheduledAt: '2025-03-01T02:00:00.000Z' } });
  });

  it('arms every registry schedule in UTC and refuses one that starts an unknown workflow', () => {
    scheduler = startScheduler({ registry: engineTestRegistry, engine });
    const next = scheduler.nextRun('engine-test-nightly')!;
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);
    expect([next.getUTCHours(), next.getUTCMinutes(), next.getUTCSeconds()]).toEqual([2, 0, 0]);

    const orphan = { ...engineTestRegistry, schedules: [{ ...nightly, workflow: 'missing' }] };
    expect(() => startScheduler({ registry: orphan, engine })).toThrow(/unknown workflow missing/);
  });
});
