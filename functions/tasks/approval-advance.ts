import { advance } from '#shared/approvals/workflow-tasks';
import { lambdaTask } from './lambda-task.ts';

/** Approval workflow task (workflows/approval.asl.json). */
export const run = advance;
export const handler = lambdaTask(run);
