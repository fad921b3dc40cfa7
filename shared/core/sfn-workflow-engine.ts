import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import {
  ExecutionNotFoundError,
  TaskClosedError,
  type ExecutionDescription,
  type ExecutionStatus,
  type StartExecutionInput,
  type WorkflowEngine,
} from '#shared/core/workflow-engine';

export interface SfnWorkflowEngineOptions {
  client: SFNClient;
  /** arn:aws:states:<region>:<account>:stateMachine: — a workflow's ARN is this + its registry name. */
  stateMachineArnPrefix: string;
}

const closedTaskErrors = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);
const errorName = (error: unknown) => (error as { name?: string } | null)?.name;

/** The WorkflowEngine port on AWS Step Functions (Standard workflows). */
export class SfnWorkflowEngine implements WorkflowEngine {
  constructor(private readonly options: SfnWorkflowEngineOptions) {}

  stateMachineArn(workflow: string): string {
    return this.options.stateMachineArnPrefix + workflow;
  }

  async startExecution({ workflow, name, input }: StartExecutionInput) {
    const stateMachineArn = this.stateMachineArn(workflow);
    try {
      const out = await this.options.client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input ?? {}) }),
      );
      return { executionId: out.executionArn!, alreadyStarted: false };
    } catch (error) {
      // Same name, different input (or the first one has finished): the name is taken, return the first one.
      if (errorName(error) !== 'ExecutionAlreadyExists') throw error;
      const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
      const existing = await this.options.client.send(new DescribeExecutionCommand({ executionArn }));
      return { executionId: existing.executionArn ?? executionArn, alreadyStarted: true };
    }
  }

  async sendTaskSuccess(taskToken: string, output: unknown) {
    await this.closingTask(() =>
      this.options.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? null) })),
    );
  }

  async sendTaskFailure(taskToken: string, error: string, cause?: string) {
    await this.closingTask(() => this.options.client.send(new SendTaskFailureCommand({ taskToken, error, cause })));
  }

  async describeExecution(executionId: string): Promise<ExecutionDescription> {
    let out: DescribeExecutionCommandOutput;
    try {
      out = await this.options.client.send(new DescribeExecutionCommand({ executionArn: executionId }));
    } catch (error) {
      if (errorName(error) === 'ExecutionDoesNotExist') throw new ExecutionNotFoundError(executionId);
      throw error;
    }
    const status: ExecutionStatus = out.status === 'PENDING_REDRIVE' ? 'FAILED' : (out.status ?? 'RUNNING');
    return {
      name: out.name!,
      workflow: workflowName(out.stateMachineArn ?? '', this.options.stateMachineArnPrefix),
      status,
      input: out.input === undefined ? undefined : JSON.parse(out.input),
      ...(out.output !== undefined ? { output: JSON.parse(out.output) } : {}),
      ...(out.error !== undefined ? { error: { error: out.error, ...(out.cause !== undefined ? { cause: out.cause } : {}) } } : {}),
      startedAt: out.startDate!.toISOString(),
      ...(out.stopDate ? { stoppedAt: out.stopDate.toISOString() } : {}),
    };
  }

  async ready() {
    return true;
  }

  private async closingTask(send: () => Promise<unknown>) {
    try {
      await send();
    } catch (error) {
      const name = errorName(error);
      if (name && closedTaskErrors.has(name)) {
        throw new TaskClosedError(name as TaskClosedError['reason'], (error as Error).message);
      }
      throw error;
    }
  }
}

function workflowName(stateMachineArn: string, prefix: string): string {
  if (prefix && stateMachineArn.startsWith(prefix)) return stateMachineArn.slice(prefix.length);
  return stateMachineArn.split(':stateMachine:')[1] ?? stateMachineArn;
}
