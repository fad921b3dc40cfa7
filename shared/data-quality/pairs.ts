import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { dataQualityKeys, indexPartition, keys, type Key } from '#shared/core/keys';
import { forbidden, isConditionFailure, notFound } from '#shared/core/errors';
import { canAssignOwners, canSee, dataScope, type Principal, type ScopeFields } from '#shared/core/principal';
import { queryAll, queryIndex, type Item } from '#shared/core/query';
import type { Page } from '#shared/core/pagination';
import type { Session } from '#shared/core/session';
import type { TransactItem } from '#shared/core/write';
import { pairItem, toPair, type DuplicatePair } from './duplicates.ts';

/**
 * The one scope rule of a flagged pair, for the list and the merge alike: whoever sees both customers. A pair with
 * one side out of the caller's scope is not theirs to know of (not listed, 404 on merge), so the other side's
 * identity never leaks.
 */
export const seesBoth = (principal: Principal, a: ScopeFields, b: ScopeFields) => canSee(principal, a) && canSee(principal, b);

/** Merging: the rule on both customers as they are now, and a role above rep that writes sales records. */
export function assertCanMerge(principal: Principal, pairId: string, a: ScopeFields | undefined, b: ScopeFields | undefined): void {
  if (!a || !b || !seesBoth(principal, a, b)) throw notFound(`Duplicate pair ${pairId}`);
  if (!canAssignOwners(principal)) throw forbidden('Managers and above merge customers');
}

/**
 * One page of the pairs of a status placed in the caller's scope (the index that serves exactly the scope, where the
 * newer customer sits), keeping those whose other customer the caller sees too — a page may come back shorter than
 * `limit`; follow `nextCursor`. Pairs flagged before `candidateScope` was stored have their customers read (one more
 * BatchGet, only for them); having no references, they are also hidden from `open` once one side is merged.
 */
export async function listPairs(db: Db, session: Session, query: { status: DuplicatePair['status']; limit: number; cursor?: string }): Promise<Page<DuplicatePair>> {
  const { principal } = await session.load();
  const page = await queryIndex<DuplicatePair>(db, { ...scopeIndex(principal), limit: query.limit, cursor: query.cursor, sortPrefix: dataQualityKeys.pairSortPrefix(query.status) });
  const legacy = page.items.filter((p) => !p.candidateScope);
  const live = legacy.length > 0 ? await customersById(session, legacy.flatMap((p) => [p.customerId, p.candidateId])) : new Map<string, Item>();
  const items = page.items.filter((pair) => {
    if (pair.candidateScope) return seesBoth(principal, pair, pair.candidateScope);
    const [a, b] = [live.get(pair.customerId), live.get(pair.candidateId)];
    if (!a || !b || !seesBoth(principal, a as ScopeFields, b as ScopeFields)) return false;
    return !(query.status === 'open' && (a.status === 'merged' || b.status === 'merged'));
  });
  return { items, nextCursor: page.nextCursor };
}

function scopeIndex(principal: Principal) {
  const scope = dataScope(principal);
  if (scope.kind === 'all') return { index: 'GSI4' as const, partition: dataQualityKeys.pairsPartition };
  if (scope.kind === 'region') return { index: 'GSI3' as const, partition: indexPartition.region(scope.regionId) };
  if (scope.kind === 'team') return { index: 'GSI2' as const, partition: indexPartition.team(scope.teamId) };
  return { index: 'GSI1' as const, partition: indexPartition.owner(scope.userId) };
}

/** BatchGet in pieces of 100 (its limit). */
async function loadMany(session: Session, wanted: Key[]): Promise<(Item | undefined)[]> {
  const items: (Item | undefined)[] = [];
  for (let i = 0; i < wanted.length; i += 100) items.push(...(await session.load(wanted.slice(i, i + 100))).items);
  return items;
}

async function customersById(session: Session, ids: string[]): Promise<Map<string, Item>> {
  const unique = [...new Set(ids)];
  const items = await loadMany(session, unique.map(keys.customer));
  return new Map(unique.flatMap((id, i) => (items[i] ? [[id, items[i]!] as const] : [])));
}

/** The still open pairs of a customer other than `except`, through its pair references (one paged Query, BatchGets). */
export async function openPairsOf(db: Db, session: Session, customerId: string, except: string): Promise<DuplicatePair[]> {
  const refs = await queryAll(db, {
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
    ExpressionAttributeValues: { ':pk': dataQualityKeys.pairRefPartition(customerId), ':sk': dataQualityKeys.pairRefSortPrefix },
    ConsistentRead: true,
  });
  const ids = refs.map((ref) => String(ref.pairId)).filter((id) => id !== except);
  const items = await loadMany(session, ids.map(dataQualityKeys.pair));
  return items.flatMap((item) => (item ? [toPair(item)] : [])).filter((pair) => pair.status === 'open');
}

/** Why a pair closed without its own merge: the customer that left it, and where it went. */
export const obsoleteReason = (mergedId: string, keptId: string, byPair?: string) =>
  `Customer ${mergedId} was merged into ${keptId}${byPair ? ` (duplicate pair ${byPair})` : ''}; merge or review ${keptId} instead`;

/** Closes an open pair as obsolete (only while it is still open, so a pair merged meanwhile stays merged). */
export function closeObsolete(db: Db, pair: DuplicatePair, close: { reason: string; at: string; by?: string }) {
  const closed: DuplicatePair = { ...pair, status: 'obsolete', closedReason: close.reason, closedAt: close.at, ...(close.by ? { supersededBy: close.by } : {}) };
  return {
    Put: { TableName: db.tableName, Item: pairItem(closed), ConditionExpression: '#s = :open', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':open': 'open' } },
  } satisfies TransactItem;
}

/** Follow-up closes, one conditional write each: a pair closed meanwhile by someone else is simply left as it is. */
export async function closeEach(db: Db, closes: ReturnType<typeof closeObsolete>[]): Promise<void> {
  for (const close of closes) {
    try {
      await db.doc.send(new PutCommand(close.Put));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
