import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { keys, indexPartition } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { entityAuditor } from '#shared/core/audit';
import { conflict, notFound } from '#shared/core/errors';
import { withIdempotency } from '#shared/core/idempotency';
import { canSee, dataScope, type Principal } from '#shared/core/principal';
import { fromItem, queryIndex, type Item } from '#shared/core/query';
import type { Page } from '#shared/core/pagination';
import type { Session } from '#shared/core/session';
import { transact, putIfVersion } from '#shared/core/write';
import { staleVersion } from '#shared/org/service';
import { applyPatch, assertCanAssign, assertCanWrite, assertTierChange, customerScope, mergedAway, newCustomer, type Owner } from './rules.ts';
import type { CreateCustomer, Customer, PatchCustomer } from './schemas.ts';
import { assertTierFollowsGrade, regradeOnPatch } from './grading.ts';
import { fromGradingPolicyItem, gradingPolicyStore } from './grading-policy.ts';
import { tierChangeAudit } from './value-store.ts';
import { careHookKeys, careOnCustomerWrite } from '#shared/care/customer-hook';
import { listByIntent, type IntentListing } from '#shared/care/interactions';
import { transactRetrying } from '#shared/core/write';
import { customerCreateItems, customerItem } from './create-items.ts';
import { candidatesIn, duplicateLookup, flagPair, lookupChangeWrites, lookupWrites, MAX_FLAGGED, nameCandidates, PossibleDuplicate } from '#shared/data-quality/duplicates';
import type { Candidate } from '#shared/data-quality/normalise';

export interface CustomerDeps {
  db: Db;
  clock: Clock;
}

export interface ListCustomers {
  ownerId?: string;
  tier?: Customer['tier'];
  status: Customer['status'];
  intent?: 'hot' | 'warm' | 'cold';
  limit: number;
  cursor?: string;
}

export function createCustomerService({ db, clock }: CustomerDeps) {
  const item = customerItem;

  const audit = entityAuditor<Customer>(db, 'customer', customerScope);

  /** Reads a customer the caller may see (with the principal, one round trip); others' customers are 404. */
  async function loadVisible(session: Session, id: string, extraOwnerId?: string, withGradingPolicy = false) {
    const { principal, items } = await session.load([
      keys.customer(id),
      ...(extraOwnerId ? [keys.user(extraOwnerId)] : []),
      ...careHookKeys(),
      // A credit change regrades a graded customer in the same write: the policy comes in the same BatchGet.
      ...(withGradingPolicy ? [gradingPolicyStore.key()] : []),
    ]);
    const customer = items[0] && fromItem<Customer>(items[0]);
    if (!customer || !canSee(principal, customerScope(customer))) throw notFound(`Customer ${id}`);
    return { principal, loaded: items, customer, newOwner: extraOwnerId ? items[1] && fromItem<Owner>(items[1]) : undefined, gradingPolicy: withGradingPolicy ? items[items.length - 1] : undefined };
  }

  /** Writes the new version if nobody else did in between (optimistic lock on `version`). */
  async function saveVersion(principal: Principal, action: string, before: Customer, changed: Customer, loaded: (Item | undefined)[]) {
    // The care routine's entries (follow-up, reminders, intent listing) follow the customer in the same write.
    const { customer: after, items: careItems } = careOnCustomerWrite(db, before, changed, loaded);
    await transact(
      db,
      [
        putIfVersion(db, item(after), before.version),
        audit(principal, action, before, after),
        ...careItems,
        ...tierChangeAudit(db, principal.userId, before, after),
        // A new name, tax id or contacts moves the customer's duplicate lookup entries (none when they are unchanged).
        ...lookupChangeWrites(db, after.id, before, after),
      ],
      () => staleVersion(),
    );
    return after;
  }

  /** Only when the lookup matched: one more BatchGet for the candidates' names and state. */
  async function loadCandidates(session: Session, principal: Principal, matches: Candidate[]) {
    const { items } = await session.load(matches.map((m) => keys.customer(m.customerId)));
    return nameCandidates(matches, items, (c) => canSee(principal, customerScope(fromItem<Customer>(c))));
  }

  return {
    /**
     * Creates a customer unless it looks like an existing one (same normalised name and phone, e-mail or tax id):
     * then 409 possible_duplicate with the candidates, or, with `allowDuplicate`, created and flagged as a pair.
     */
    async create(session: Session, input: CreateCustomer, idempotencyKey?: string, allowDuplicate = false) {
      const ownerId = input.ownerId ?? session.identity.userId;
      const lookup = duplicateLookup(input);
      // The idempotency record comes in the same BatchGet: a replay must answer as the first time, not 409 on itself.
      const replayKey = idempotencyKey ? [keys.idempotency(session.identity.userId, idempotencyKey)] : [];
      const { principal, items } = await session.load([keys.user(ownerId), ...careHookKeys(), ...lookup.keys, ...replayKey]);
      assertCanWrite(principal);
      const owner = assertCanAssign(principal, items[0] && fromItem<Owner>(items[0]), ownerId);
      assertTierChange(principal, input.tier);
      const matches = replayKey.length > 0 && items[items.length - 1] ? [] : candidatesIn(lookup.matchKeys, items);
      const candidates = matches.length > 0 ? await loadCandidates(session, principal, matches) : [];
      if (candidates.length > 0 && !allowDuplicate) throw new PossibleDuplicate(candidates);
      const idempotency = idempotencyKey ? { principalId: principal.userId, key: idempotencyKey, request: { route: 'POST /customers', input } } : undefined;
      return withIdempotency(db, idempotency, clock.now(), async (record) => {
        const { customer, items: created } = customerCreateItems(db, principal.userId, newCustomer(input, owner, newId(), clock.now().toISOString()), items);
        const response = { status: 201, body: customer };
        const flagged = candidates.slice(0, MAX_FLAGGED).flatMap((candidate) => flagPair(db, customer, candidate, { userId: principal.userId, source: 'create', at: customer.createdAt }));
        await transactRetrying(db, [...created, ...lookupWrites(db, customer.id, lookup.matchKeys), ...flagged, ...record(response)], () =>
          conflict('already_exists', 'A customer with this id already exists'),
        );
        return response;
      });
    },

    async get(session: Session, id: string): Promise<Customer> {
      return (await loadVisible(session, id)).customer;
    },

    async patch(session: Session, id: string, patch: PatchCustomer, expectedVersion: number): Promise<Customer> {
      const reassigning = patch.ownerId !== undefined;
      const { principal, loaded, customer, newOwner, gradingPolicy } = await loadVisible(session, id, patch.ownerId, patch.creditRating !== undefined);
      assertCanWrite(principal);
      if (customer.status === 'archived') throw conflict('archived', 'An archived customer cannot be changed');
      if (customer.status === 'merged') throw mergedAway(customer);
      if (customer.version !== expectedVersion) throw staleVersion(customer.version);
      assertTierChange(principal, patch.tier, customer.tier);
      assertTierFollowsGrade(customer, patch.tier);
      const owner = reassigning && patch.ownerId !== customer.ownerId ? assertCanAssign(principal, newOwner, patch.ownerId!) : undefined;
      const now = clock.now().toISOString();
      const next = regradeOnPatch(customer, applyPatch(customer, patch, owner, now), fromGradingPolicyItem(gradingPolicy), now);
      return saveVersion(principal, reassigning ? 'reassign' : 'update', customer, next, loaded);
    },

    async archive(session: Session, id: string, expectedVersion?: number): Promise<Customer> {
      const { principal, loaded, customer } = await loadVisible(session, id);
      assertCanWrite(principal);
      if (customer.status === 'archived') throw conflict('already_archived', 'This customer is already archived');
      if (customer.status === 'merged') throw mergedAway(customer);
      if (expectedVersion !== undefined && customer.version !== expectedVersion) throw staleVersion(customer.version);
      const archived: Customer = { ...customer, status: 'archived', version: customer.version + 1, updatedAt: clock.now().toISOString() };
      return saveVersion(principal, 'archive', customer, archived, loaded);
    },

    /**
     * Lists from the index that holds exactly the caller's scope (owner → team → region → all);
     * status and tier are key prefixes, so nothing is read and thrown away.
     */
    async list(session: Session, query: ListCustomers): Promise<Page<Customer> | Page<IntentListing>> {
      const { principal } = await session.load();
      // ?intent= reads the care module's intent entries, where the level leads the sort key (shared/care).
      if (query.intent) return listByIntent(db, principal, { ...query, intent: query.intent });
      const sortPrefix = keys.customerSortPrefix(query.status, query.tier);
      const page = { limit: query.limit, cursor: query.cursor, sortPrefix };
      const scope = dataScope(principal);
      if (query.ownerId) {
        // Narrowing to one owner: read that owner's partition, but only if the owner is in the caller's scope.
        const result = await queryIndex<Customer>(db, { index: 'GSI1', partition: indexPartition.owner(query.ownerId), ...page });
        return { items: result.items.filter((c) => canSee(principal, customerScope(c))), nextCursor: result.nextCursor };
      }
      if (scope.kind === 'all') return queryIndex<Customer>(db, { index: 'GSI4', partition: indexPartition.all('CUSTOMERS'), ...page });
      if (scope.kind === 'region') return queryIndex<Customer>(db, { index: 'GSI3', partition: indexPartition.region(scope.regionId), ...page });
      if (scope.kind === 'team') return queryIndex<Customer>(db, { index: 'GSI2', partition: indexPartition.team(scope.teamId), ...page });
      return queryIndex<Customer>(db, { index: 'GSI1', partition: indexPartition.owner(scope.userId), ...page });
    },
  };
}
