import { SFNClient } from '@aws-sdk/client-sfn';
import { systemClock } from '#shared/core/clock';
import { createDb } from '#shared/core/db';
import { SfnWorkflowEngine } from '#shared/core/sfn-workflow-engine';
import type { TaskDeps, TaskRun } from '#shared/core/task';

/** Builds a task's dependencies from the Lambda environment, failing fast on a missing variable. */
export function taskDepsFromEnv(env: Record<string, string | undefined> = process.env): TaskDeps {
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`Invalid environment: ${name} is required by workflow tasks`);
    return value;
  };
  const region = env.AWS_REGION ?? 'eu-west-1';
  return {
    db: createDb(required('TABLE_NAME'), { region }),
    engine: new SfnWorkflowEngine({
      client: new SFNClient({ region }),
      stateMachineArnPrefix: required('STATE_MACHINE_ARN_PREFIX'),
    }),
    clock: systemClock,
  };
}

/** The Lambda entry for a task module: `export const handler = lambdaTask(run)`. Deps are built once per cold start. */
export function lambdaTask<E, R>(run: TaskRun<E, R>, env: Record<string, string | undefined> = process.env): (event: E) => Promise<R> {
  let deps: TaskDeps | undefined;
  return async (event: E) => run(event, (deps ??= taskDepsFromEnv(env)));
}
