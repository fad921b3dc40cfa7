import type { Db } from '#shared/core/db';
import { dataQualityKeys, type Key } from '#shared/core/keys';
import { AppError } from '#shared/core/errors';
import { fromItem, type Item } from '#shared/core/query';
import type { TransactItem } from '#shared/core/write';
import { candidatesFrom, matchKeys, pairId, type Candidate, type Matchable, type MatchField, type MatchKey } from './normalise.ts';

/** Where a customer sits: what the pair scope rule (pairs.ts) needs of each side. */
export interface PairSide {
  ownerId: string;
  teamId?: string;
  regionId: string;
}

export const PAIR_STATUSES = ['open', 'merged', 'obsolete'] as const;

/**
 * Two customers flagged as possibly the same company. Indexed where the newer one sits (ownerId / teamId / regionId);
 * `candidateScope` is where the other sat when flagged, so a list shows the pair only to whoever sees both.
 */
export interface DuplicatePair extends PairSide {
  id: string;
  /** The newer customer (created or imported despite the match) and the existing one it matched. */
  customerId: string;
  candidateId: string;
  names: Record<string, string>;
  matchedFields: MatchField[];
  /** open → merged (by its own merge) or obsolete (one of its customers was merged away through another pair). */
  status: (typeof PAIR_STATUSES)[number];
  source: 'create' | 'import';
  /** Absent on pairs flagged before it was stored: the list then reads both customers. */
  candidateScope?: PairSide;
  flaggedBy: string;
  createdAt: string;
  keptId?: string;
  mergedAt?: string;
  mergedBy?: string;
  /** An obsolete pair: which merge closed it, when and why. */
  supersededBy?: string;
  closedAt?: string;
  closedReason?: string;
}

/**
 * A match with what the client needs to decide (the candidate's id, its name only when `visible` to the caller, the
 * fields that matched) and what the flagged pair stores whoever flagged it: the real name and where it sits.
 */
export type NamedCandidate = Candidate & { name: string; visible: boolean; stored: PairSide & { name: string } };

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
export const lookupWrites = (db: Db, customerId: string, found: MatchKey[]): TransactItem[] => found.map((m) => lookupUpdate(db, customerId, m, 'ADD'));

const lookupUpdate = (db: Db, customerId: string, m: MatchKey, op: 'ADD' | 'DELETE'): TransactItem => ({
  Update: {
    TableName: db.tableName,
    Key: dataQualityKeys.matchLookup(m.key),
    UpdateExpression: `SET #type = :type ${op} customerIds :id`,
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: { ':type': 'duplicate_lookup', ':id': new Set([customerId]) },
  },
});

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
    ...removed.map((m) => lookupUpdate(db, customerId, m, 'DELETE')),
    ...lookupWrites(db, customerId, added),
  ];
}

export const pairItem = (pair: DuplicatePair) => ({ ...dataQualityKeys.pair(pair.id), ...dataQualityKeys.pairIndexes(pair), type: 'duplicate_pair', ...pair });

type Placed = PairSide & { id: string; name: string };

export const sideOf = (c: { ownerId: string; teamId?: string | null; regionId: string }): PairSide => ({ ownerId: c.ownerId, ...(c.teamId ? { teamId: c.teamId } : {}), regionId: c.regionId });

/**
 * The flagged pair for a new customer and the candidate it matched, and a reference to it beside each customer
 * (plain Puts: flagging twice is one pair). The pair stores both real names: it is only listed to whoever sees both.
 */
export function flagPair(db: Db, customer: Placed, candidate: NamedCandidate, by: { userId: string; source: DuplicatePair['source']; at: string }): TransactItem[] {
  const pair: DuplicatePair = {
    id: pairId(customer.id, candidate.customerId),
    customerId: customer.id,
    candidateId: candidate.customerId,
    names: { [customer.id]: customer.name, [candidate.customerId]: candidate.stored.name },
    matchedFields: candidate.matchedFields,
    status: 'open',
    source: by.source,
    ...sideOf(customer),
    candidateScope: sideOf(candidate.stored),
    flaggedBy: by.userId,
    createdAt: by.at,
  };
  const ref = (customerId: string) => ({ Put: { TableName: db.tableName, Item: { ...dataQualityKeys.pairRef(customerId, pair.id), type: 'duplicate_pair_ref', customerId, pairId: pair.id } } });
  return [{ Put: { TableName: db.tableName, Item: pairItem(pair) } }, ref(customer.id), ref(candidate.customerId)];
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
    const stored = { name: String(customer.name), ...sideOf(customer as unknown as PairSide) };
    return [{ ...candidate, name: seen ? stored.name : '', visible: seen, stored }];
  });
}

/** At most this many pairs are flagged per new customer (the strongest matches first). */
export const MAX_FLAGGED = 3;
