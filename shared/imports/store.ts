import { BatchWriteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { importKeys } from '#shared/core/keys';
import { fromItem, queryTable } from '#shared/core/query';
import type { Page } from '#shared/core/pagination';
import type { Row, RowError } from './csv.ts';

export type ImportKind = 'customers' | 'orders';

export interface ImportJob {
  id: string;
  kind: ImportKind;
  status: 'queued' | 'running' | 'done' | 'failed';
  rowsTotal: number;
  /** Rows processed so far, whatever their outcome: created + existing + failed. */
  rowsDone: number;
  rowsFailed: number;
  rowsCreated: number;
  /** Rows whose natural key was imported before (the same file again): nothing new written. */
  rowsExisting: number;
  /** Customers created and flagged as possible duplicates (GET /data-quality/duplicates). */
  rowsFlagged: number;
  chunks: number;
  chunksDone: number;
  createdBy: string;
  /** The importer's roles when the file came in: the worker acts with these, never more than the user still holds. */
  roles: string[];
  createdAt: string;
  finishedAt?: string;
  failure?: string;
}

export interface ChunkOutcome {
  created: number;
  existing: number;
  flagged: number;
  errors: RowError[];
}

/** Writes up to 25 items per BatchWriteItem, retrying unprocessed ones (throttling only). */
export async function putAll(db: Db, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      const out = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.tableName]: pending } }));
      pending = (out.UnprocessedItems?.[db.tableName] as typeof pending | undefined) ?? [];
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** Math.min(attempt, 5)));
    }
  }
}

export const jobItem = (job: ImportJob) => ({ ...importKeys.job(job.id), type: 'import_job', ...job });
export const chunkItem = (jobId: string, n: number, rows: Row[]) => ({ ...importKeys.chunk(jobId, n), type: 'import_chunk', rows });
export const errorItems = (jobId: string, errors: RowError[]) =>
  // One item per line × field: a re-run of a chunk overwrites its own entries instead of adding more.
  [...new Map(errors.map((e) => [`${e.line}#${e.field}`, e])).values()].map((e) => ({ ...importKeys.rowError(jobId, e.line, e.field), type: 'import_error', ...e }));

export async function readJob(db: Db, id: string): Promise<ImportJob | undefined> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: importKeys.job(id), ConsistentRead: true }));
  return out.Item && fromItem<ImportJob>(out.Item);
}

export async function readChunk(db: Db, id: string, n: number): Promise<Row[]> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: importKeys.chunk(id, n), ConsistentRead: true }));
  return (out.Item?.rows as Row[] | undefined) ?? [];
}

/**
 * Counts a chunk once: the counters move only while `chunksDone` is still n, so a chunk processed again after a
 * crash (its rows are idempotent) does not count twice. Returns false when it had already been counted.
 */
export async function countChunk(db: Db, id: string, n: number, outcome: ChunkOutcome, rows: number, last: boolean, now: string): Promise<boolean> {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: importKeys.job(id),
        UpdateExpression: `SET chunksDone = :next, #status = :status${last ? ', finishedAt = :now' : ''} ADD rowsDone :rows, rowsFailed :failed, rowsCreated :created, rowsExisting :existing, rowsFlagged :flagged`,
        ConditionExpression: 'chunksDone = :n',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':n': n,
          ':next': n + 1,
          ':status': last ? 'done' : 'running',
          ...(last ? { ':now': now } : {}),
          ':rows': rows,
          ':failed': new Set(outcome.errors.map((e) => e.line)).size,
          ':created': outcome.created,
          ':existing': outcome.existing,
          ':flagged': outcome.flagged,
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

export async function failJob(db: Db, id: string, reason: string, now: string): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: importKeys.job(id),
      UpdateExpression: 'SET #status = :failed, failure = :reason, finishedAt = :now',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':failed': 'failed', ':reason': reason, ':now': now },
    }),
  );
}

/** The row error report in file order, one page (line, field, message). */
export async function listErrors(db: Db, id: string, limit: number, cursor?: string): Promise<Page<RowError>> {
  const page = await queryTable<RowError & { line: number }>(db, { partition: importKeys.jobPartition(id), sortPrefix: importKeys.rowErrorPrefix, limit, cursor });
  return { items: page.items.map(({ line, field, message }) => ({ line, field, message })), nextCursor: page.nextCursor };
}

/** A job as the API shows it: without the roles it runs with and its chunk bookkeeping. */
export function showJob(job: ImportJob) {
  const { roles: _roles, chunks: _chunks, chunksDone: _done, ...shown } = job;
  return shown;
}
