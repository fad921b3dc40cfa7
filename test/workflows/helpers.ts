import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { keys } from '#shared/core/keys';
import type { ExecutionDescription, WorkflowEngine } from '#shared/core/workflow-engine';

/** Polls until probe returns a value (or fails after timeoutMs). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The token a callback task stored for a step (undefined until it has run). */
export async function storedToken(db: Db, executionName: string, step: string): Promise<string | undefined> {
  const { Item } = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.callbackProbe(executionName, step), ConsistentRead: true }));
  return Item?.taskToken as string | undefined;
}

export const waitForToken = (db: Db, executionName: string, step: string) =>
  eventually(() => storedToken(db, executionName, step), `the ${step} token of ${executionName}`);

export async function fixtureRuns(db: Db, fixture: string): Promise<number> {
  const { Item } = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.fixtureRuns(fixture), ConsistentRead: true }));
  return Number(Item?.runs ?? 0);
}

export const waitUntilSettled = (engine: WorkflowEngine, executionId: string, timeoutMs = 10_000): Promise<ExecutionDescription> =>
  eventually(
    async () => {
      const description = await engine.describeExecution(executionId);
      return description.status === 'RUNNING' ? undefined : description;
    },
    `${executionId} to finish`,
    timeoutMs,
  );
