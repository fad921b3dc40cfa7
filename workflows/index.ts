/**
 * The workflow registry: the one list of state machines, the Lambda tasks their ASL placeholders bind to,
 * and the schedules that start them. The CDK stack and the local engine + scheduler both read it.
 */
export interface TaskBinding {
  /**
   * Module path relative to the project root, without extension (functions/tasks/… for product workflows).
   * It exports `run(event, deps)` (called in-process by the local engine) and `handler` (the Lambda entry).
   */
  handler: string;
  /** True for `.waitForTaskToken` tasks: the handler stores $$.Task.Token and returns; a decision resumes the workflow. */
  callback?: boolean;
}

export interface WorkflowDefinition {
  /** Registry name; also the state machine's logical name. */
  name: string;
  /** ASL file, relative to the project root. */
  aslPath: string;
  /** Placeholder (without `${}`) → task binding, e.g. RequestDecisionFunctionArn. */
  tasks: Record<string, TaskBinding>;
}

export interface ScheduleDefinition {
  name: string;
  workflow: string;
  /** Five-field cron in UTC (minute hour day-of-month month day-of-week), understood by croner and mapped for EventBridge. */
  cron: string;
  /** Static execution input; `{{scheduledAt}}` values are replaced by the firing time (ISO-8601). */
  input: Record<string, unknown>;
  description: string;
}

export interface WorkflowRegistry {
  workflows: readonly WorkflowDefinition[];
  schedules: readonly ScheduleDefinition[];
}

/**
 * Product workflows: approvals, churn recovery, the daily customer-care and goal-pace runs, and performance reviews.
 * test/workflows proves the engine and the CDK wiring with a registry of test workflows as well.
 */
export const registry: WorkflowRegistry = {
  workflows: [
    {
      name: 'approval',
      aslPath: 'workflows/approval.asl.json',
      tasks: {
        ApprovalAdvanceFunctionArn: { handler: 'functions/tasks/approval-advance' },
        ApprovalRequestDecisionFunctionArn: { handler: 'functions/tasks/approval-request-decision', callback: true },
        ApprovalEscalateFunctionArn: { handler: 'functions/tasks/approval-escalate' },
      },
    },
    {
      name: 'churn-recovery',
      aslPath: 'workflows/churn-recovery.asl.json',
      tasks: {
        ChurnRecoveryStepFunctionArn: { handler: 'functions/tasks/churn-step' },
        ChurnAwaitOutcomeFunctionArn: { handler: 'functions/tasks/churn-await-outcome', callback: true },
      },
    },
    {
      name: 'daily-customer-care',
      aslPath: 'workflows/daily-customer-care.asl.json',
      tasks: { DailyCareStepFunctionArn: { handler: 'functions/tasks/daily-care-step' } },
    },
    {
      name: 'daily-goal-pace',
      aslPath: 'workflows/daily-goal-pace.asl.json',
      tasks: { GoalPaceStepFunctionArn: { handler: 'functions/tasks/goal-pace-step' } },
    },
    {
      name: 'performance-review',
      aslPath: 'workflows/performance-review.asl.json',
      tasks: {
        ReviewStepFunctionArn: { handler: 'functions/tasks/review-step' },
        ReviewAwaitFunctionArn: { handler: 'functions/tasks/review-await', callback: true },
      },
    },
    {
      name: 'csv-import',
      aslPath: 'workflows/csv-import.asl.json',
      tasks: { ImportChunkFunctionArn: { handler: 'functions/tasks/import-chunk' } },
    },
  ],
  schedules: [
    {
      name: 'daily-customer-care',
      workflow: 'daily-customer-care',
      cron: '0 1 * * *',
      input: { scheduledAt: '{{scheduledAt}}' },
      description: 'Every day at 01:00 UTC: re-grade, refresh intent, evaluate churn health, mark overdue follow-ups, emit care reminders',
    },
    {
      name: 'daily-goal-pace',
      workflow: 'daily-goal-pace',
      cron: '30 1 * * *',
      input: { scheduledAt: '{{scheduledAt}}' },
      description: 'Every day at 01:30 UTC: compare each running target with its expected-to-date; off pace opens one revision suggestion per target and period and notifies the owner',
    },
    {
      name: 'monthly-performance-review',
      workflow: 'performance-review',
      cron: '0 2 1 * *',
      input: { cycleId: null, scheduledAt: '{{scheduledAt}}', cadence: 'monthly' },
      description: 'On the 1st at 02:00 UTC: the performance review of the month before, for every rep',
    },
    {
      name: 'quarterly-performance-review',
      workflow: 'performance-review',
      cron: '0 3 1 1,4,7,10 *',
      input: { cycleId: null, scheduledAt: '{{scheduledAt}}', cadence: 'quarterly' },
      description: 'On the 1st of each quarter at 03:00 UTC: the performance review of the quarter before, for every rep',
    },
  ],
};
