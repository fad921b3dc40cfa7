import type { Db } from '#shared/core/db';
import { dataQualityKeys, indexPartition, type Key } from '#shared/core/keys';
import { AppError } from '#shared/core/errors';
import { dataScope, type Principal } from '#shared/core/principal';
import { fromItem, queryIndex, type Item } from '#shared/core/query';
import type { Page } from '#shared/core/pagination';
import type { TransactItem } from '#shared/core/write';
import { candidatesFrom, matchKeys, pairId, type Candidate, type Matchable, type MatchField, type MatchKey } from './normalise.ts';

/** Two customers flagged as possibly the same company; it sits in the scope of the newer one. */
export interface DuplicatePair {
  id: string;
  /** The newer customer (created or imported despite the match) and the existing one it matched. */
  customerId: string;
  candidateId: string;
  names: Record<string, string>;
  matchedFields: MatchField[];
  status: 'open' | 'merged';
  source: 'create' | 'import';
  ownerId: string;
  teamId?: string;
  regionId: string;
  flaggedBy: string;
  createdAt: string;
  keptId?: string;
  mergedAt?: string;
  mergedBy?: string;
}

/** A match with what the client needs to decide: the candidate's id and name and the fields that matched. */
export type NamedCandidate = Candidate & { name: string; visible: boolean };

/** 409 possible_duplicate; the route adds `candidates` to the error body. */
export class PossibleDuplicate extends AppError {
  /** What the caller is shown: a candidate outside their scope only as the fields that matched, without its id or name. */
  readonly candidates: ({ customerId: string; name: string; matchedFields: string[] } | { outsideYourScope: true; matchedFields: string[] })[];
  constructor(found: NamedCandidate[]) {
    super(409, 'possible_duplicate', 'A customer with the same name and the same phone, e-mail or tax id exists; send ?allowDuplicate=true to create it anyway (the pair is flagged for review)');
    this.candidates = found.map((c) => (c.visible ? { customerId: c.customerId, name: c.name, matchedFields: c.matchedFields } : { outsideYourScope: true as const, matchedFields: c.matchedFields }));
  }
}

/** The lookup items to read before creating `customer` (add them to the caller's BatchGet). */
export function duplicateLookup(customer: Matchable): { matchKeys: MatchKey[]; keys: Key[] } {
  const found = matchKeys(customer);
  return { matchKeys: found, keys: found.map((m) => dataQualityKeys.matchLookup(m.key)) };
}

/** The customers the lookup items found (whatever else the BatchGet returned is ignored). */
export function candidatesIn(found: MatchKey[], loaded: (Item | undefined)[], self?: string): Candidate[] {
  const wanted = new Map(found.map((m) => [dataQualityKeys.matchLookup(m.key).PK, m.key]));
  const ids = new Map<string, string[]>();
  for (const item of loaded) {
    const key = item && wanted.get(String(item.PK));
    if (key) ids.set(key, [...((item.customerIds as Set<string> | undefined) ?? [])]);
  }
  return candidatesFrom(found, ids, self);
}

/** ADD the customer's id under each of its match keys: no condition, several customers may share a key. */
export const lookupWrites = (db: Db, customerId: string, found: MatchKey[]): TransactItem[] =>
  found.map((m) => ({
    Update: {
      TableName: db.tableName,
      Key: dataQualityKeys.matchLookup(m.key),
      UpdateExpression: 'SET #type = :type ADD customerIds :id',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':type': 'duplicate_lookup', ':id': new Set([customerId]) },
    },
  }));

/**
 * A changed name, tax id or contacts changes the customer's match keys: DELETE its id from the lookups it no longer
 * matches, ADD it to the new ones (keys in both are left alone, so no item is touched twice in one transaction).
 * Set ADD / DELETE are idempotent and other customers' ids under the same key stay; write these in the customer's
 * version-checked update so they change exactly when the customer does.
 */
export function lookupChangeWrites(db: Db, customerId: string, before: Matchable, after: Matchable): TransactItem[] {
  const old = new Map(matchKeys(before).map((m) => [m.key, m]));
  const now = new Map(matchKeys(after).map((m) => [m.key, m]));
  const removed = [...old.values()].filter((m) => !now.has(m.key));
  const added = [...now.values()].filter((m) => !old.has(m.key));
  return [
    ...removed.map((m) => ({
      Update: {
        TableName: db.tableName,
        Key: dataQualityKeys.matchLookup(m.key),
        UpdateExpression: 'SET #type = :type DELETE customerIds :id',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': 'duplicate_lookup', ':id': new Set([customerId]) },
      },
    })),
    ...lookupWrites(db, customerId, added),
  ];
}

export const pairItem = (pair: DuplicatePair) => ({ ...dataQualityKeys.pair(pair.id), ...dataQualityKeys.pairIndexes(pair), type: 'duplicate_pair', ...pair });

type Placed = { id: string; name: string; ownerId: string; teamId?: string; regionId: string };

/** The flagged pair for a new customer and the candidate it matched (a plain Put: flagging twice is one pair). */
export function flagPair(db: Db, customer: Placed, candidate: NamedCandidate, by: { userId: string; source: DuplicatePair['source']; at: string }): TransactItem {
  const pair: DuplicatePair = {
    id: pairId(customer.id, candidate.customerId),
    customerId: customer.id,
    candidateId: candidate.customerId,
    names: { [customer.id]: customer.name, [candidate.customerId]: candidate.name },
    matchedFields: candidate.matchedFields,
    status: 'open',
    source: by.source,
    ownerId: customer.ownerId,
    ...(customer.teamId ? { teamId: customer.teamId } : {}),
    regionId: customer.regionId,
    flaggedBy: by.userId,
    createdAt: by.at,
  };
  return { Put: { TableName: db.tableName, Item: pairItem(pair) } };
}

/** Pairs in the caller's scope, open first by default (the index that serves exactly the scope, like customers). */
export async function listPairs(db: Db, principal: Principal, query: { status: DuplicatePair['status']; limit: number; cursor?: string }): Promise<Page<DuplicatePair>> {
  const page = { limit: query.limit, cursor: query.cursor, sortPrefix: dataQualityKeys.pairSortPrefix(query.status) };
  const scope = dataScope(principal);
  if (scope.kind === 'all') return queryIndex<DuplicatePair>(db, { index: 'GSI4', partition: dataQualityKeys.pairsPartition, ...page });
  if (scope.kind === 'region') return queryIndex<DuplicatePair>(db, { index: 'GSI3', partition: indexPartition.region(scope.regionId), ...page });
  if (scope.kind === 'team') return queryIndex<DuplicatePair>(db, { index: 'GSI2', partition: indexPartition.team(scope.teamId), ...page });
  return queryIndex<DuplicatePair>(db, { index: 'GSI1', partition: indexPartition.owner(scope.userId), ...page });
}

export const toPair = (item: Item) => fromItem<DuplicatePair>(item);

/**
 * Candidates as the caller may see them: merged customers no longer count; a candidate outside the caller's scope
 * is still reported (the caller typed its name and phone) but without its name.
 */
export function nameCandidates(candidates: Candidate[], customers: (Item | undefined)[], visible: (customer: Item) => boolean): NamedCandidate[] {
  return candidates.flatMap((candidate, i) => {
    const customer = customers[i];
    if (!customer || customer.status === 'merged') return [];
    const seen = visible(customer);
    return [{ ...candidate, name: seen ? String(customer.name) : '', visible: seen }];
  });
}

/** At most this many pairs are flagged per new customer (the strongest matches first). */
export const MAX_FLAGGED = 3;
