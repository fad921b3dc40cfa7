import { goalPaceStep } from '#shared/jobs/goal-pace';
import { lambdaTask } from './lambda-task.ts';

/** Daily goal-pace workflow task (workflows/daily-goal-pace.asl.json): one page of target nodes. */
export const run = goalPaceStep;
export const handler = lambdaTask(run);
