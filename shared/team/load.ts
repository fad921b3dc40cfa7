import type { Db } from '#shared/core/db';
import type { Key } from '#shared/core/keys';
import type { Item } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { batchGet } from '#shared/care/store';

/** BatchGetItem takes at most 100 keys; the principal rides in the first one. */
const FIRST = 99;
const BATCH = 100;

/**
 * The principal and any number of items in one parallel round: the first 99 keys ride with the principal
 * (Session.load), the rest go in further BatchGets sent at the same time. Items come back in `wanted` order.
 */
export async function loadAll(session: Session, db: Db, wanted: Key[]) {
  const rest: Key[][] = [];
  for (let i = FIRST; i < wanted.length; i += BATCH) rest.push(wanted.slice(i, i + BATCH));
  const [{ principal, items }, ...more] = await Promise.all([session.load(wanted.slice(0, FIRST)), ...rest.map((keys) => batchGet(db, keys))]);
  return { principal, items: [...items, ...more.flat()] as (Item | undefined)[] };
}

/** Splits items read together back into named groups, in the order the keys were listed. */
export function ungroup<G extends string>(groups: Record<G, Key[]>, items: (Item | undefined)[]): Record<G, (Item | undefined)[]> {
  const out = {} as Record<G, (Item | undefined)[]>;
  let at = 0;
  for (const name of Object.keys(groups) as G[]) {
    out[name] = items.slice(at, at + groups[name].length);
    at += groups[name].length;
  }
  return out;
}
