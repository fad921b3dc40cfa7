import { dailyCareStep } from '#shared/jobs/daily-care';
import { lambdaTask } from './lambda-task.ts';

/** Daily customer-care workflow task (workflows/daily-customer-care.asl.json): one page of one phase. */
export const run = dailyCareStep;
export const handler = lambdaTask(run);
