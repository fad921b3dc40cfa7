import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db.ts';
import { keys } from './keys.ts';
import { newId } from './ids.ts';
import type { ScopeFields } from './principal.ts';
import { decodeCursor, encodeCursor, type Page } from './pagination.ts';

/** One field that changed: its value before and after (absent = undefined, shown as null). */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface AuditEntry {
  id: string;
  entityType: string;
  entityId: string;
  action: string;
  actorId: string;
  at: string;
  changes: FieldChange[];
  /** Where the entity sat when this was written; the newest entry decides who may read the trail. */
  scope: ScopeFields;
}

/** Bookkeeping fields every write touches; listing them as changes would only add noise. */
const IGNORED = new Set(['version', 'updatedAt', 'PK', 'SK', 'type', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'GSI4PK', 'GSI4SK']);

export function diff(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): FieldChange[] {
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes: FieldChange[] = [];
  for (const field of [...fields].sort()) {
    if (IGNORED.has(field)) continue;
    const a = before?.[field];
    const b = after?.[field];
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ field, before: a ?? null, after: b ?? null });
  }
  return changes;
}

/** The Put that records a write; callers add it to the same transaction as the write itself. */
export function auditPut(
  db: Db,
  entry: Omit<AuditEntry, 'id' | 'changes'> & { before?: Record<string, unknown>; after?: Record<string, unknown> },
) {
  const id = newId();
  const { before, after, ...rest } = entry;
  const item: AuditEntry = { id, ...rest, changes: diff(before, after) };
  return {
    Put: {
      TableName: db.tableName,
      Item: { ...keys.audit(entry.entityType, entry.entityId, id), type: 'audit', ...item },
    },
  };
}

/** An entity's trail, newest first (one Query on its partition). */
export async function listAudit(db: Db, entityType: string, entityId: string, limit: number, cursor?: string): Promise<Page<AuditEntry>> {
  const partition = keys.auditPartition(entityType, entityId);
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, { attribute: 'PK', value: partition }, ['PK', 'SK']),
    }),
  );
  const items = (out.Items ?? []).map(({ PK, SK, type, ...entry }) => entry as AuditEntry);
  return { items, nextCursor: encodeCursor(out.LastEvaluatedKey) };
}

/** The audit Put for one kind of entity: who did what to which record, scoped like the record. */
export function entityAuditor<T extends { id: string; updatedAt: string }>(db: Db, entityType: string, scopeOf: (entity: T) => ScopeFields) {
  return (principal: { userId: string }, action: string, before: T | undefined, after: T) =>
    auditPut(db, {
      entityType,
      entityId: after.id,
      action,
      actorId: principal.userId,
      at: after.updatedAt,
      before: before as unknown as Record<string, unknown> | undefined,
      after: after as unknown as Record<string, unknown>,
      scope: scopeOf(after),
    });
}
