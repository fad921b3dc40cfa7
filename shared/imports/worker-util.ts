import { AppError } from '#shared/core/errors';
import type { Key } from '#shared/core/keys';
import type { Principal } from '#shared/core/principal';
import type { Item } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import type { RowError } from './csv.ts';

/** Any number of keys through the session, 100 per BatchGet (the principal is read with the first). */
export async function loadAll(session: Session, wanted: Key[]): Promise<{ principal: Principal; items: (Item | undefined)[] }> {
  const first = await session.load(wanted.slice(0, 99));
  const items = [...first.items];
  for (let i = 99; i < wanted.length; i += 100) items.push(...(await session.load(wanted.slice(i, i + 100))).items);
  return { principal: first.principal, items };
}

/** Runs `work` over `items` with at most `size` at a time (DynamoDB Local and Lambda both prefer a bounded fan-out). */
export async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, lane));
}

/** An expected failure of one row becomes its report lines (one per field); anything else stops the job. */
export function rowFailure(line: number, error: unknown, field = '_row'): RowError[] {
  if (!(error instanceof AppError)) throw error;
  const fields = Object.entries(error.fields ?? {});
  if (fields.length === 0) return [{ line, field, message: error.message }];
  return fields.map(([field, message]) => ({ line, field, message: `${error.message}: ${message}` }));
}
