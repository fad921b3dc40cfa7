import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { SfnWorkflowEngine } from '#shared/core/sfn-workflow-engine';
import { ExecutionNotFoundError, TaskClosedError } from '#shared/core/workflow-engine';

const prefix = 'arn:aws:states:eu-west-1:123456789012:stateMachine:';
const executionArn = 'arn:aws:states:eu-west-1:123456789012:execution:engine-test:deal-42';
const sfn = mockClient(SFNClient);
const engine = new SfnWorkflowEngine({ client: new SFNClient({ region: 'eu-west-1' }), stateMachineArnPrefix: prefix });
const meta = { $metadata: {}, message: 'from Step Functions' };

beforeEach(() => sfn.reset());

describe('SfnWorkflowEngine', () => {
  it('starts the workflow state machine by name with JSON input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date() });
    await expect(engine.startExecution({ workflow: 'engine-test', name: 'deal-42', input: { score: 80 } })).resolves.toEqual({
      executionId: executionArn,
      alreadyStarted: false,
    });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: `${prefix}engine-test`,
      name: 'deal-42',
      input: '{"score":80}',
    });
  });

  it('returns the existing execution when the name is taken', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists(meta));
    sfn.on(DescribeExecutionCommand).resolves({ executionArn, status: 'RUNNING', startDate: new Date() });
    await expect(engine.startExecution({ workflow: 'engine-test', name: 'deal-42', input: {} })).resolves.toEqual({
      executionId: executionArn,
      alreadyStarted: true,
    });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn });
  });

  it('sends task success and failure with the token', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
    await engine.sendTaskSuccess('tok-1', { approved: true });
    await engine.sendTaskFailure('tok-2', 'Declined', 'not this quarter');
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'tok-1', output: '{"approved":true}' });
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: 'tok-2', error: 'Declined', cause: 'not this quarter' });
  });

  it.each([
    ['TaskTimedOut', new TaskTimedOut(meta)],
    ['TaskDoesNotExist', new TaskDoesNotExist(meta)],
    ['InvalidToken', new InvalidToken(meta)],
  ])('maps %s to TaskClosedError on success and on failure', async (reason, error) => {
    sfn.on(SendTaskSuccessCommand).rejects(error);
    sfn.on(SendTaskFailureCommand).rejects(error);
    const success = await engine.sendTaskSuccess('tok', {}).catch((e: unknown) => e);
    const failure = await engine.sendTaskFailure('tok', 'Declined').catch((e: unknown) => e);
    for (const caught of [success, failure]) {
      expect(caught).toBeInstanceOf(TaskClosedError);
      expect((caught as TaskClosedError).reason).toBe(reason);
    }
  });

  it('lets other errors through unchanged', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new Error('throttled'));
    await expect(engine.sendTaskSuccess('tok', {})).rejects.toThrow('throttled');
    await expect(engine.sendTaskSuccess('tok', {})).rejects.not.toBeInstanceOf(TaskClosedError);
  });

  it('describes an execution in the port shape', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn,
      stateMachineArn: `${prefix}engine-test`,
      name: 'deal-42',
      status: 'SUCCEEDED',
      input: '{"score":80}',
      output: '{"outcome":"escalated"}',
      startDate: new Date('2025-01-01T10:00:00Z'),
      stopDate: new Date('2025-01-01T10:05:00Z'),
    });
    await expect(engine.describeExecution(executionArn)).resolves.toEqual({
      name: 'deal-42',
      workflow: 'engine-test',
      status: 'SUCCEEDED',
      input: { score: 80 },
      output: { outcome: 'escalated' },
      startedAt: '2025-01-01T10:00:00.000Z',
      stoppedAt: '2025-01-01T10:05:00.000Z',
    });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn });
  });

  it('reports a failed execution with its error and cause', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn,
      stateMachineArn: `${prefix}engine-test`,
      name: 'deal-42',
      status: 'FAILED',
      input: '{}',
      error: 'Declined',
      cause: 'no budget',
      startDate: new Date('2025-01-01T10:00:00Z'),
      stopDate: new Date('2025-01-01T10:01:00Z'),
    });
    const description = await engine.describeExecution(executionArn);
    expect(description.status).toBe('FAILED');
    expect(description.error).toEqual({ error: 'Declined', cause: 'no budget' });
  });

  it('maps ExecutionDoesNotExist to ExecutionNotFoundError', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist(meta));
    await expect(engine.describeExecution(executionArn)).rejects.toBeInstanceOf(ExecutionNotFoundError);
  });
});
