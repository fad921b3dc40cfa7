/**
 * The port every service uses to run long processes. Two adapters: Step Functions in AWS
 * (sfn-workflow-engine.ts) and the local engine in infra/local, which runs the same ASL files.
 */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface StartExecutionInput {
  /** Registry name of the workflow (workflows/index.ts). */
  workflow: string;
  /** Deterministic per business event, so starting twice is harmless (the second start returns the first). */
  name: string;
  input: unknown;
}

export interface ExecutionDescription {
  name: string;
  workflow: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  error?: { error: string; cause?: string };
  startedAt: string;
  stoppedAt?: string;
}

export interface WorkflowEngine {
  startExecution(input: StartExecutionInput): Promise<{ executionId: string; alreadyStarted: boolean }>;
  sendTaskSuccess(taskToken: string, output: unknown): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause?: string): Promise<void>;
  describeExecution(executionId: string): Promise<ExecutionDescription>;
  /** True when the engine can accept work (used by GET /health). */
  ready(): Promise<boolean>;
}

/**
 * A task token that no longer accepts a result (closed, timed out, unknown). Services map it to 409,
 * whichever adapter raised it (TaskTimedOut, TaskDoesNotExist, InvalidToken in Step Functions).
 */
export class TaskClosedError extends Error {
  constructor(readonly reason: 'TaskTimedOut' | 'TaskDoesNotExist' | 'InvalidToken', message: string) {
    super(message);
    this.name = 'TaskClosedError';
  }
}

export class ExecutionNotFoundError extends Error {
  constructor(executionId: string) {
    super(`Execution ${executionId} does not exist`);
    this.name = 'ExecutionNotFoundError';
  }
}

/**
 * Sends a decision to a waiting task, accepting that the wait may have ended at the same moment (an SLA timeout):
 * the workflow's timeout branch then finds the decision already recorded, so a closed task is not an error here.
 */
export async function resumeIfOpen(token: string | undefined, send: (token: string) => Promise<void>): Promise<void> {
  if (!token) return;
  try {
    await send(token);
  } catch (error) {
    if (!(error instanceof TaskClosedError)) throw error;
  }
}
