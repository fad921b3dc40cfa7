import { z } from 'zod';
import { invalid } from './errors.ts';

/** Every list: `limit` (1–100, default 25) and an opaque cursor; answers {items, nextCursor}. */
export const MAX_LIMIT = 100;
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(25),
  cursor: z.string().max(1024).optional(),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const cursorShape = z.record(z.string(), z.string().max(512));

export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | null {
  return lastKey ? Buffer.from(JSON.stringify(lastKey)).toString('base64url') : null;
}

/** The sort-key range a query reads: a cursor outside it would make DynamoDB fail the call, so it is refused first. */
export interface SortBounds {
  attribute: string;
  prefix?: string;
  from?: string;
  to?: string;
}

const within = (value: string | undefined, sort: SortBounds | undefined) =>
  !sort || (value !== undefined && (!sort.prefix || value.startsWith(sort.prefix)) && (!sort.from || value >= sort.from) && (!sort.to || value <= sort.to));

/**
 * Decodes a cursor and checks it belongs to this query: same key attributes, the same partition and (given `sort`)
 * a sort key inside the range read, so a cursor from another list, another caller's scope or another time range
 * cannot move the read elsewhere and is a 400 naming `cursor`, never a 500.
 */
export function decodeCursor(cursor: string | undefined, partition: { attribute: string; value: string }, keyAttributes: string[], sort?: SortBounds) {
  if (!cursor) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('The cursor is not valid', { cursor: 'Use the nextCursor of the previous page unchanged' });
  }
  const result = cursorShape.safeParse(parsed);
  const key = result.success ? result.data : undefined;
  const sameShape = key && Object.keys(key).sort().join() === [...keyAttributes].sort().join();
  if (!key || !sameShape || key[partition.attribute] !== partition.value || !within(key[sort?.attribute ?? ''], sort)) {
    throw invalid('The cursor is not valid for this list', { cursor: 'Use the nextCursor of the previous page unchanged' });
  }
  return key;
}
