import type { WorkflowRegistry } from '#workflows/index';

/** A registry of test workflows: proves the local engine, the scheduler and the CDK wiring. */
export const engineTestRegistry: WorkflowRegistry = {
  workflows: [
    {
      name: 'engine-test',
      aslPath: 'test/workflows/engine-test.asl.json',
      tasks: {
        ScoreFunctionArn: { handler: 'test/workflows/fixtures/score' },
        AwaitDecisionFunctionArn: { handler: 'test/workflows/fixtures/await-decision', callback: true },
      },
    },
  ],
  schedules: [
    {
      name: 'engine-test-nightly',
      workflow: 'engine-test',
      cron: '0 2 * * *',
      input: { score: 10, scheduledAt: '{{scheduledAt}}' },
      description: 'Starts a low-score engine-test run every night at 02:00 UTC',
    },
  ],
};
