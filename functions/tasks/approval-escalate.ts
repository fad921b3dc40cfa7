import { escalate } from '#shared/approvals/workflow-tasks';
import { lambdaTask } from './lambda-task.ts';

/** Approval workflow task (workflows/approval.asl.json). */
export const run = escalate;
export const handler = lambdaTask(run);
