import type { TaskDeps } from '#shared/core/task';
import { acknowledgementOverdue, autoAssess, escalate, fail, listReps, open, score } from '#shared/reviews/cycle-tasks';
import { close } from '#shared/reviews/cycle-close';
import { lambdaTask } from './lambda-task.ts';

const actions = { open, listReps, score, escalate, autoAssess, acknowledgementOverdue, close, fail } as const;

/** Performance-review workflow steps (workflows/performance-review.asl.json), one Lambda dispatching on `action`. */
export async function run(event: { action: keyof typeof actions } & Record<string, unknown>, deps: TaskDeps) {
  const action = actions[event.action];
  if (!action) throw Object.assign(new Error(`Unknown review action ${String(event.action)}`), { name: 'UnknownAction' });
  return action(event as never, deps);
}
export const handler = lambdaTask(run);
