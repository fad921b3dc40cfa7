import { awaitOutcome } from '#shared/churn/workflow-tasks';
import { lambdaTask } from './lambda-task.ts';

/** Churn-recovery workflow task (workflows/churn-recovery.asl.json). */
export const run = awaitOutcome;
export const handler = lambdaTask(run);
