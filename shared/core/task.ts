/**
 * The contract every workflow task module follows (functions/tasks/*.ts for product workflows,
 * test/workflows/fixtures/*.ts for the test workflow):
 *
 *   export async function run(event, deps: TaskDeps) { … }   // the logic; the local engine calls it in-process
 *   export const handler = lambdaTask(run);                    // the Lambda entry (functions/tasks/lambda-task.ts)
 *
 * `event` is the Lambda payload the ASL builds (the `Payload` of `arn:aws:states:::lambda:invoke`). A callback
 * task (`.waitForTaskToken`) receives `taskToken` in its payload (from "$$.Task.Token"), stores it server side
 * and returns; the workflow resumes when a decision calls WorkflowEngine.sendTaskSuccess / sendTaskFailure.
 * An error thrown by `run` fails the task with the error's `name` as the ASL error (what Retry / Catch match).
 * Tasks are idempotent: a retry or a replay may call `run` again with the same event.
 */
import type { Clock } from '#shared/core/clock';
import type { Db } from '#shared/core/db';
import type { WorkflowEngine } from '#shared/core/workflow-engine';

export interface TaskDeps {
  db: Db;
  engine: WorkflowEngine;
  clock: Clock;
}

// `any` by default so a module can declare its own event type and still satisfy TaskModule.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaskRun<E = any, R = unknown> = (event: E, deps: TaskDeps) => Promise<R>;

export interface TaskModule {
  run: TaskRun;
  handler?: (event: unknown) => Promise<unknown>;
}

/** The part of a callback task's payload the engine provides. */
export interface CallbackEvent {
  taskToken: string;
}

export function isTaskModule(value: unknown): value is TaskModule {
  return typeof (value as { run?: unknown } | null)?.run === 'function';
}
