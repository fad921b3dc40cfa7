import { requestDecision } from '#shared/approvals/workflow-tasks';
import { lambdaTask } from './lambda-task.ts';

/** Approval workflow task (workflows/approval.asl.json). */
export const run = requestDecision;
export const handler = lambdaTask(run);
