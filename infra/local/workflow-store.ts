/**
 * The local engine's durable state in the single table (keys from shared/core/keys.ts):
 *   execution   EXECUTION#<key> / EXECUTION      name, workflow, input, status, output/error; GSI1 only while RUNNING
 *   step result EXECUTION#<key> / STEP#<state>#<visit>   a task's recorded outcome, replayed instead of re-running
 *   task token  TASK_TOKEN#<token> / TASK_TOKEN   an open or closed callback: deadline, decision
 * JSON payloads are stored as JSON strings, as Step Functions keeps them.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { isConditionFailure } from '#shared/core/errors';
import { keys } from '#shared/core/keys';
import type { ExecutionStatus } from '#shared/core/workflow-engine';

export interface TaskFailure {
  error: string;
  cause?: string;
}

export type StepOutcome = { status: 'SUCCEEDED'; output: unknown } | ({ status: 'FAILED' } & TaskFailure);

export interface ExecutionRecord {
  key: string;
  workflow: string;
  name: string;
  input: unknown;
  status: ExecutionStatus;
  output?: unknown;
  error?: TaskFailure;
  startedAt: string;
  stoppedAt?: string;
}

export type TokenStatus = 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'CLOSED';

export interface TokenRecord {
  token: string;
  executionKey: string;
  state: string;
  visit: string;
  status: TokenStatus;
  /** The callback handler has returned (it stored the token); a replay must not run it again. */
  handlerDone: boolean;
  waitStartedAt: string;
  deadline: string;
  output?: unknown;
  error?: TaskFailure;
}

type Item = Record<string, unknown>;

/** `SET #a = :a, …` for the defined fields (DynamoDB rejects names or values an expression does not use). */
function setFields(fields: Item) {
  const defined = Object.entries(fields).filter(([, value]) => value !== undefined);
  return {
    set: `SET ${defined.map(([name]) => `#${name} = :${name}`).join(', ')}`,
    names: Object.fromEntries(defined.map(([name]) => [`#${name}`, name])),
    values: Object.fromEntries(defined.map(([name, value]) => [`:${name}`, value])),
  };
}
const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));
const parse = (json: unknown) => (typeof json === 'string' ? JSON.parse(json) : undefined);
const failureOf = (item: Item): TaskFailure | undefined =>
  typeof item.error === 'string' ? { error: item.error, ...(typeof item.cause === 'string' ? { cause: item.cause } : {}) } : undefined;

export class WorkflowStore {
  constructor(private readonly db: Db) {}

  /** False when an execution with this key exists already (running or finished). */
  async createExecution(record: ExecutionRecord): Promise<boolean> {
    try {
      await this.put(
        {
          ...keys.execution(record.key),
          ...keys.runningExecutionIndex(record.key),
          type: 'WorkflowExecution',
          executionKey: record.key,
          workflow: record.workflow,
          name: record.name,
          input: JSON.stringify(record.input),
          status: 'RUNNING',
          startedAt: record.startedAt,
        },
        'attribute_not_exists(PK)',
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async getExecution(key: string): Promise<ExecutionRecord | undefined> {
    const item = await this.get(keys.execution(key));
    return item && this.toExecution(key, item);
  }

  /** RUNNING → final status, leaving the sparse running index; a no-op if it already finished. */
  async finishExecution(key: string, status: Exclude<ExecutionStatus, 'RUNNING'>, result: { output?: unknown; error?: TaskFailure }, stoppedAt: string) {
    const { set, names, values } = setFields({
      status,
      stoppedAt,
      output: json(result.output),
      error: result.error?.error,
      cause: result.error?.cause,
    });
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.execution(key),
          UpdateExpression: `${set} REMOVE GSI1PK, GSI1SK`,
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':running': 'RUNNING' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Every RUNNING execution: one Query on the sparse GSI1 partition (paged). */
  async runningExecutions(): Promise<ExecutionRecord[]> {
    const found: ExecutionRecord[] = [];
    let start: Item | undefined;
    do {
      const page = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.runningExecutionsPartition },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) found.push(this.toExecution(String(item.executionKey), item));
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  }

  async getStep(key: string, state: string, visit: string | number): Promise<StepOutcome | undefined> {
    const item = await this.get(keys.executionStep(key, state, visit));
    if (!item) return undefined;
    return item.status === 'SUCCEEDED' ? { status: 'SUCCEEDED', output: parse(item.output) } : { status: 'FAILED', ...failureOf(item)! };
  }

  /** Records a task's outcome once; if one is recorded already, that one stands and is returned. */
  async recordStep(key: string, state: string, visit: string | number, outcome: StepOutcome, at: string): Promise<StepOutcome> {
    const { status, ...rest } = outcome;
    const payload = status === 'SUCCEEDED' ? { output: json((rest as { output: unknown }).output) ?? 'null' } : (rest as TaskFailure);
    try {
      await this.put({ ...keys.executionStep(key, state, visit), type: 'WorkflowStep', state, visit, status, ...payload, recordedAt: at }, 'attribute_not_exists(PK)');
      return outcome;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.getStep(key, state, visit))!;
    }
  }

  async getToken(token: string): Promise<TokenRecord | undefined> {
    const item = await this.get(keys.taskToken(token));
    if (!item) return undefined;
    return {
      token,
      executionKey: String(item.executionKey),
      state: String(item.state),
      visit: String(item.visit),
      status: item.status as TokenStatus,
      handlerDone: item.handlerDone === true,
      waitStartedAt: String(item.waitStartedAt),
      deadline: String(item.deadline),
      output: parse(item.output),
      error: failureOf(item),
    };
  }

  /** Opens a WAITING token, or returns the one a previous run opened (its deadline stands). */
  async openToken(record: Omit<TokenRecord, 'status' | 'handlerDone'>): Promise<TokenRecord> {
    const { token, ...rest } = record;
    try {
      await this.put({ ...keys.taskToken(token), type: 'WorkflowTaskToken', ...rest, status: 'WAITING', handlerDone: false }, 'attribute_not_exists(PK)');
      return { ...record, status: 'WAITING', handlerDone: false };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.getToken(token))!;
    }
  }

  async markHandlerDone(token: string) {
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: keys.taskToken(token),
        UpdateExpression: 'SET handlerDone = :true',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }

  /**
   * WAITING → a final status, only while the token is open (and, for a decision, before its deadline).
   * False when the token was unknown or already closed.
   */
  async closeToken(token: string, status: Exclude<TokenStatus, 'WAITING'>, now: string, result: { output?: unknown; error?: TaskFailure } = {}, beforeDeadline = false): Promise<boolean> {
    const { set, names, values } = setFields({
      status,
      closedAt: now,
      output: json(result.output),
      error: result.error?.error,
      cause: result.error?.cause,
    });
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: keys.taskToken(token),
          UpdateExpression: set,
          // ISO-8601 UTC strings of one format compare like the instants they name.
          ConditionExpression: `#status = :waiting${beforeDeadline ? ' AND deadline > :closedAt' : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':waiting': 'WAITING' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private toExecution(key: string, item: Item): ExecutionRecord {
    const error = failureOf(item);
    return {
      key,
      workflow: String(item.workflow),
      name: String(item.name),
      input: parse(item.input),
      status: item.status as ExecutionStatus,
      ...(item.output !== undefined ? { output: parse(item.output) } : {}),
      ...(error ? { error } : {}),
      startedAt: String(item.startedAt),
      ...(item.stoppedAt ? { stoppedAt: String(item.stoppedAt) } : {}),
    };
  }

  private async get(key: { PK: string; SK: string }): Promise<Item | undefined> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  private async put(item: Item, condition: string) {
    await this.db.doc.send(new PutCommand({ TableName: this.db.tableName, Item: item, ConditionExpression: condition }));
  }
}
