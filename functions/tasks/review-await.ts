import type { TaskDeps } from '#shared/core/task';
import { awaitAcknowledgement, awaitAssessment } from '#shared/reviews/cycle-tasks';
import { lambdaTask } from './lambda-task.ts';

/** The review's callback tasks: store the token on the scorecard and ask the assessor or the rep. */
export async function run(event: { action: 'assessment' | 'acknowledgement'; cycleId: string; userId: string; round?: number; taskToken: string }, deps: TaskDeps) {
  return event.action === 'assessment' ? awaitAssessment({ ...event, round: event.round ?? 0 }, deps) : awaitAcknowledgement(event, deps);
}
export const handler = lambdaTask(run);
