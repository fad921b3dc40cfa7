import type { WorkflowRegistry } from '#workflows/index';

/** A registry of one test workflow proving TimeoutSecondsPath on the local engine (kept apart from engine-test's CDK wiring). */
export const slaTestRegistry: WorkflowRegistry = {
  workflows: [
    {
      name: 'sla-test',
      aslPath: 'test/workflows/sla-test.asl.json',
      tasks: {
        SlaWorkFunctionArn: { handler: 'test/workflows/fixtures/work' },
        SlaAwaitDecisionFunctionArn: { handler: 'test/workflows/fixtures/await-decision', callback: true },
      },
    },
  ],
  schedules: [],
};
