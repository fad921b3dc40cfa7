import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db.ts';
import { keys } from './keys.ts';
import { AppError, failedConditionIndex, isTransactionConflict } from './errors.ts';

/**
 * Idempotency-Key for creating POSTs. The key's record is written in the SAME transaction as the
 * resource it creates, so there is no "in progress" window: either both exist or neither does.
 * (Library layers such as Powertools' idempotency write a separate record before and after the
 * handler; a transaction gives a stronger guarantee here at no extra round trip.)
 */
const TTL_SECONDS = 24 * 60 * 60;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyRequest {
  principalId: string;
  key: string;
  /** The request as the server understood it (route + validated body); a different one under the same key is a 422. */
  request: unknown;
}

export const requestHash = (request: unknown) => createHash('sha256').update(canonical(request)).digest('hex');

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Builds the transaction items that record a response under the key (none when no key was sent). */
export type RecordResponse = (response: StoredResponse) => Record<string, unknown>[];

/**
 * Runs `write`, which appends `record(response)` to its transaction.
 * A repeat with the same key and request replays the first response; with another request it is a 422.
 */
export async function withIdempotency(
  db: Db,
  request: IdempotencyRequest | undefined,
  now: Date,
  write: (record: RecordResponse) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  if (!request) return { ...(await write(() => [])), replayed: false };
  const hash = requestHash(request.request);
  const key = keys.idempotency(request.principalId, request.key);
  const record: RecordResponse = (response) => [
    {
      Put: {
        TableName: db.tableName,
        Item: { ...key, type: 'idempotency', requestHash: hash, response, expiresAt: Math.floor(now.getTime() / 1000) + TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ];
  try {
    return { ...(await write(record)), replayed: false };
  } catch (error) {
    const raw = (error as { cause?: unknown }).cause ?? error;
    const lostRace = isTransactionConflict(raw);
    if (!lostRace && failedConditionIndex(raw) < 0) throw error;
    const stored = await readStored(db, key, lostRace ? 10 : 1);
    if (!stored) throw error;
    if (stored.requestHash !== hash) {
      throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request');
    }
    return { ...(stored.response as StoredResponse), replayed: true };
  }
}

/** A parallel twin may still be committing its transaction; poll briefly for its record. */
async function readStored(db: Db, key: { PK: string; SK: string }, attempts: number) {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }));
    if (out.Item) return out.Item;
    await new Promise((r) => setTimeout(r, 25 * (attempt + 1)));
  }
  return undefined;
}
