import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db.ts';
import { keys, reportKeys } from './keys.ts';
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
      // GSI1 by actor and time: GET /audit?actorId= reads one partition, whatever entities were touched.
      Item: { ...keys.audit(entry.entityType, entry.entityId, id), ...reportKeys.auditActorIndex(entry.actorId, entry.at, id), type: 'audit', ...item },
    },
  };
}

/** Written from…to (ISO-8601, inclusive; either may be absent). */
export interface TimeRange {
  from?: string;
  to?: string;
  /** Only what this person did (the entity form; the actor form reads the actor's own partition). */
  actorId?: string;
}

const toEntry = ({ PK, SK, type, GSI1PK, GSI1SK, ...entry }: Record<string, unknown>) => entry as unknown as AuditEntry;

/** An entity's trail, newest first (one Query on its partition); a time range filters on `at` within it. */
export async function listAudit(db: Db, entityType: string, entityId: string, limit: number, cursor?: string, range: TimeRange = {}): Promise<Page<AuditEntry>> {
  const partition = keys.auditPartition(entityType, entityId);
  const filters = [range.from ? '#at >= :from' : '', range.to ? '#at <= :to' : '', range.actorId ? '#actor = :actor' : ''].filter(Boolean);
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'PK = :pk',
      ...(filters.length ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: { ...(range.from || range.to ? { '#at': 'at' } : {}), ...(range.actorId ? { '#actor': 'actorId' } : {}) } } : {}),
      ExpressionAttributeValues: {
        ':pk': partition,
        ...(range.from ? { ':from': range.from } : {}),
        ...(range.to ? { ':to': range.to } : {}),
        ...(range.actorId ? { ':actor': range.actorId } : {}),
      },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, { attribute: 'PK', value: partition }, ['PK', 'SK']),
    }),
  );
  return { items: (out.Items ?? []).map(toEntry), nextCursor: encodeCursor(out.LastEvaluatedKey) };
}

/** What one person changed, newest first: one Query on their GSI1 partition, the time range as a key condition. */
export async function listAuditByActor(db: Db, actorId: string, limit: number, cursor?: string, range: TimeRange = {}): Promise<Page<AuditEntry>> {
  const partition = reportKeys.actorPartition(actorId);
  const bounds = reportKeys.actorRange(range.from ?? '0000', range.to ?? '9999');
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': partition, ':from': bounds.from, ':to': bounds.to },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, { attribute: 'GSI1PK', value: partition }, ['PK', 'SK', 'GSI1PK', 'GSI1SK'], { attribute: 'GSI1SK', ...bounds }),
    }),
  );
  return { items: (out.Items ?? []).map(toEntry), nextCursor: encodeCursor(out.LastEvaluatedKey) };
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
