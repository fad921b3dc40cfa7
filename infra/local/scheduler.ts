/**
 * The registry's schedules on this machine (EventBridge in AWS): croner fires each five-field UTC cron and
 * starts its workflow through the WorkflowEngine port. The execution name is the schedule name plus the firing
 * minute, so a second scheduler on the same table or a re-fire in the same minute does not start it twice.
 */
import { Cron } from 'croner';
import type { WorkflowEngine } from '#shared/core/workflow-engine';
import type { ScheduleDefinition, WorkflowRegistry } from '#workflows/index';
import { scheduledExecutionName, scheduledInput } from '#workflows/schedules';

export { scheduledExecutionName, scheduledInput };

export interface LocalSchedulerOptions {
  registry: WorkflowRegistry;
  engine: WorkflowEngine;
  onError?: (error: unknown, schedule: ScheduleDefinition) => void;
}

export interface LocalScheduler {
  /** The next firing time of a schedule, or null when it has none (or does not exist). */
  nextRun(scheduleName: string): Date | null;
  stop(): void;
}

/** Starts one firing of a schedule; firing the same minute again returns alreadyStarted. */
export function fireSchedule(engine: WorkflowEngine, schedule: ScheduleDefinition, firedAt: Date) {
  return engine.startExecution({
    workflow: schedule.workflow,
    name: scheduledExecutionName(schedule.name, firedAt),
    input: scheduledInput(schedule.input, firedAt),
  });
}

export function startScheduler({ registry, engine, onError }: LocalSchedulerOptions): LocalScheduler {
  const workflows = new Set(registry.workflows.map((w) => w.name));
  for (const schedule of registry.schedules) {
    if (!workflows.has(schedule.workflow)) throw new Error(`Schedule ${schedule.name} starts unknown workflow ${schedule.workflow}`);
  }
  const report = onError ?? ((error, schedule) => console.error(`[scheduler] ${schedule.name}:`, error));
  const jobs = new Map(
    registry.schedules.map((schedule) => {
      // mode 5-part rejects a seconds field, which EventBridge could not express either.
      const job = new Cron(schedule.cron, { timezone: 'UTC', mode: '5-part', protect: true }, async () => {
        // croner fires at or just after the scheduled minute; the minute is what names the execution.
        const firedAt = new Date(Math.floor(Date.now() / 60_000) * 60_000);
        try {
          await fireSchedule(engine, schedule, firedAt);
        } catch (error) {
          report(error, schedule);
        }
      });
      return [schedule.name, job] as const;
    }),
  );
  return {
    nextRun: (name) => jobs.get(name)?.nextRun() ?? null,
    stop: () => jobs.forEach((job) => job.stop()),
  };
}
