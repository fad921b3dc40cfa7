import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { lambdaTask } from '#functions/tasks/lambda-task';
import type { TaskDeps } from '#shared/core/task';

const env = {
  TABLE_NAME: 'pentad-table',
  AWS_REGION: 'eu-west-1',
  STATE_MACHINE_ARN_PREFIX: 'arn:aws:states:eu-west-1:123456789012:stateMachine:',
};

describe('lambdaTask', () => {
  it('builds deps once from the environment and starts workflows by registry name', async () => {
    const sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
    const seen: TaskDeps[] = [];
    const handler = lambdaTask(async (event: { n: number }, deps) => {
      seen.push(deps);
      await deps.engine.startExecution({ workflow: 'engine-test', name: `run-${event.n}`, input: event });
      return event.n * 2;
    }, env);

    expect(await handler({ n: 1 })).toBe(2);
    expect(await handler({ n: 2 })).toBe(4);
    expect(seen[0]).toBe(seen[1]); // once per cold start
    expect(seen[0]!.db.tableName).toBe('pentad-table');
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:engine-test',
      name: 'run-1',
    });
    sfn.restore();
  });

  it('fails with the missing variable named', async () => {
    const handler = lambdaTask(async () => 1, { AWS_REGION: 'eu-west-1', TABLE_NAME: 't' });
    await expect(handler({})).rejects.toThrow(/STATE_MACHINE_ARN_PREFIX/);
  });
});
