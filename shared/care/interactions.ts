import { repStatsAdd } from '#shared/team/rep-stats';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { conflict, invalid } from '#shared/core/errors';
import { newId } from '#shared/core/ids';
import { withIdempotency } from '#shared/core/idempotency';
import { careKeys, indexPartition, keys } from '#shared/core/keys';
import type { Page } from '#shared/core/pagination';
import { canSee, dataScope, type Principal } from '#shared/core/principal';
import { queryIndex, queryTable } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { putIfAbsent } from '#shared/core/write';
import type { Customer } from '#shared/customers/schemas';
import { assertActive, visibleCustomer } from './access.ts';
import { entryWrites, withCareDerived } from './entries.ts';
import { carePolicyStore, type CarePolicy } from './policy.ts';
import { addInteraction, assertCanWriteCare, assertNotFuture, emptyCare, followUpStatus, laterContact } from './rules.ts';
import { CONTACT_TYPES, type CreateInteraction, type Intent, type IntentLevel, type Interaction } from './schemas.ts';
import { updateCustomerCare, writeOnCustomer } from './store.ts';

/** `type` is every item's entity type, so the interaction's own type is stored as `interactionType`. */
type Stored<T extends { type: string }> = Omit<T, 'type'> & { interactionType: T['type'] };
const interactionItem = ({ type, ...rest }: Interaction) => ({ ...careKeys.interaction(rest.customerId, rest.at, rest.id), type: 'interaction', ...rest, interactionType: type });

/** The customer after one more interaction: intent re-scored; a visit or a call restarts the follow-up cadence. */
export function applyInteraction(customer: Customer, interaction: Pick<Interaction, 'type' | 'at'>, policy: CarePolicy, now: string): Customer {
  const intent = addInteraction(customer.intent, interaction, policy.intent, now);
  const care = { ...emptyCare(), ...customer.care };
  if (CONTACT_TYPES.includes(interaction.type)) care.lastContactAt = laterContact(care.lastContactAt, interaction.at);
  return withCareDerived({ ...customer, intent, care, version: customer.version + 1, updatedAt: now }, policy);
}

/**
 * The logger's activity for the month it happened (the review's scorecard reads it): one interaction, and a met
 * follow-up when a call or visit reaches a customer whose follow-up was due (or due within the week, as the
 * follow-up list shows it) — on time if by its due time. Earlier contacts are activity only.
 */
function activityCount(db: Db, customer: Customer, interaction: Interaction) {
  const due = customer.care?.nextFollowUpAt;
  const met = CONTACT_TYPES.includes(interaction.type) && !!due && followUpStatus(due, interaction.at) !== 'later';
  return repStatsAdd(db, interaction.at.slice(0, 7), interaction.createdBy, { interactions: 1, ...(met ? { followUpsMet: 1, followUpsOnTime: interaction.at <= due! ? 1 : 0 } : {}) });
}

/** What GET /customers?intent= answers: the customer's summary as its intent entry holds it (no second read). */
export interface IntentListing {
  id: string;
  name: string;
  tier: Customer['tier'];
  status: Customer['status'];
  ownerId: string;
  teamId?: string;
  regionId: string;
  intent: Intent;
}

export interface IntentQuery {
  intent: IntentLevel;
  ownerId?: string;
  tier?: string;
  status?: string;
  limit: number;
  cursor?: string;
}

/**
 * Customers at an intent level within the caller's scope: one Query on the intent entries of exactly that scope
 * (owner → team → region → everyone), the level leading the sort key. Entries exist for active customers only.
 */
export async function listByIntent(db: Db, principal: Principal, query: IntentQuery): Promise<Page<IntentListing>> {
  if (query.tier) throw invalid('Filter by intent or by tier, not both', { tier: 'Not with intent' });
  if (query.status && query.status !== 'active') throw invalid('Intent is kept for active customers only', { status: 'Only active with intent' });
  const page = { limit: query.limit, cursor: query.cursor, sortPrefix: careKeys.intentSortPrefix(query.intent) };
  if (query.ownerId) {
    const result = await queryIndex<IntentListing>(db, { index: 'GSI1', partition: indexPartition.owner(query.ownerId), ...page });
    return { items: result.items.filter((c) => canSee(principal, c)), nextCursor: result.nextCursor };
  }
  const scope = dataScope(principal);
  if (scope.kind === 'all') return queryIndex<IntentListing>(db, { index: 'GSI4', partition: careKeys.intentsPartition, ...page });
  if (scope.kind === 'region') return queryIndex<IntentListing>(db, { index: 'GSI3', partition: indexPartition.region(scope.regionId), ...page });
  if (scope.kind === 'team') return queryIndex<IntentListing>(db, { index: 'GSI2', partition: indexPartition.team(scope.teamId), ...page });
  return queryIndex<IntentListing>(db, { index: 'GSI1', partition: indexPartition.owner(scope.userId), ...page });
}

export function createInteractionService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    /**
     * principal + customer + care policy in one BatchGet, then one transaction: the interaction, the customer's
     * `intent` (and `care` for a visit or call), and the entries that follow them (intent listing, follow-up).
     */
    async log(session: Session, customerId: string, input: CreateInteraction, idempotencyKey?: string) {
      const { principal, items } = await session.load([keys.customer(customerId), carePolicyStore.key()]);
      const customer = visibleCustomer(principal, items[0], customerId);
      assertCanWriteCare(principal);
      assertActive(customer);
      const { policy } = carePolicyStore.fromItem(items[1]);
      const now = clock.now().toISOString();
      assertNotFuture(input.at, now);
      const idempotency = idempotencyKey ? { principalId: principal.userId, key: idempotencyKey, request: { route: 'POST /customers/{id}/interactions', customerId, input } } : undefined;
      return withIdempotency(db, idempotency, clock.now(), (record) => {
        const interaction: Interaction = { id: newId(), customerId, ...input, weight: policy.intent.weights[input.type], createdBy: principal.userId, createdAt: now };
        const item = interactionItem(interaction);
        return writeOnCustomer(
          db,
          customer,
          (current) => {
            assertActive(current);
            const after = applyInteraction(current, interaction, policy, now);
            const response = { status: 201, body: { ...interaction, intent: after.intent, nextFollowUpAt: after.care?.nextFollowUpAt } };
            return { items: [updateCustomerCare(db, current, after), putIfAbsent(db, item), ...entryWrites(db, current, after), activityCount(db, current, interaction), ...record(response)], customerIndex: 0, result: response };
          },
          () => conflict('already_exists', 'This interaction was already recorded'),
        );
      });
    },

    /** Newest first (by when it happened): principal + customer in one BatchGet, then one Query on its partition. */
    async list(session: Session, customerId: string, page: { limit: number; cursor?: string }): Promise<Page<Interaction>> {
      const { principal, items } = await session.load([keys.customer(customerId)]);
      visibleCustomer(principal, items[0], customerId);
      const result = await queryTable<Stored<Interaction>>(db, { partition: careKeys.customerPartition(customerId), sortPrefix: careKeys.interactionSortPrefix, descending: true, ...page });
      return { items: result.items.map(({ interactionType, ...rest }) => ({ ...rest, type: interactionType })), nextCursor: result.nextCursor };
    },
  };
}
