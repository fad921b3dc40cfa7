import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { conflict, notFound } from '#shared/core/errors';
import { newId } from '#shared/core/ids';
import { withIdempotency } from '#shared/core/idempotency';
import { careKeys, keys } from '#shared/core/keys';
import type { Page } from '#shared/core/pagination';
import { canSee, type Principal } from '#shared/core/principal';
import { fromItem, queryIndex } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { putIfAbsent, transact } from '#shared/core/write';
import { staleVersion } from '#shared/org/service';
import { customerScope } from '#shared/customers/rules';
import { assertActive, visibleCustomer } from './access.ts';
import { entryWrites, withCareDerived } from './entries.ts';
import { carePolicyStore } from './policy.ts';
import { assertCanWriteCare, assertTicketMove, emptyCare, isBreached, ticketSla, withComplaint } from './rules.ts';
import type { CreateTicket, PatchTicket, Ticket } from './schemas.ts';
import { readCustomer, scopeCondition, updateCustomerCare, writeOnCustomer } from './store.ts';

/** `type` is every item's entity type, so the ticket's own type is stored as `ticketType`. */
const ticketItem = ({ type, ...t }: Ticket) => ({ ...careKeys.ticket(t.id), ...careKeys.ticketIndexes(t), type: 'ticket', ...t, ticketType: type });
const toTicket = (item: Record<string, unknown>): Ticket => {
  const { ticketType, ...rest } = fromItem<Omit<Ticket, 'type'> & { ticketType: Ticket['type'] }>(item);
  return { ...rest, type: ticketType };
};

/** A ticket as shown: `breached` is stored once resolved, and computed against now while it is open. */
export const ticketView = (t: Ticket, now: string) => ({ ...t, breached: t.breached ?? isBreached(t, now) });

/**
 * Service tickets. Opening one and resolving one change the customer's care signals in the same transaction
 * (`care.openTickets`; a complaint also adds to `care.complaintDates`), which churn reads as signals. A ticket's
 * `history` (status, when, by whom) is its audit trail, readable by whoever sees its customer.
 */
export function createTicketService({ db, clock }: { db: Db; clock: Clock }) {
  /** The ticket's customer, checked against the caller (used where a refusal must not reveal the ticket). */
  async function assertSeesCustomer(principal: Principal, ticket: Ticket) {
    const customer = await readCustomer(db, ticket.customerId);
    if (!customer || !canSee(principal, customerScope(customer))) throw notFound(`Ticket ${ticket.id}`);
    return customer;
  }

  async function load(session: Session, id: string) {
    const { principal, items } = await session.load([careKeys.ticket(id)]);
    const ticket = items[0] && toTicket(items[0]);
    if (!ticket) throw notFound(`Ticket ${id}`);
    return { principal, ticket };
  }

  return {
    /** principal + customer + care policy in one BatchGet, then one transaction (ticket, customer care, entries). */
    async create(session: Session, customerId: string, input: CreateTicket, idempotencyKey?: string) {
      const { principal, items } = await session.load([keys.customer(customerId), carePolicyStore.key()]);
      const customer = visibleCustomer(principal, items[0], customerId);
      assertCanWriteCare(principal);
      assertActive(customer);
      const { policy } = carePolicyStore.fromItem(items[1]);
      const idempotency = idempotencyKey ? { principalId: principal.userId, key: idempotencyKey, request: { route: 'POST /customers/{id}/tickets', customerId, input } } : undefined;
      return withIdempotency(db, idempotency, clock.now(), (record) => {
        const now = clock.now().toISOString();
        const ticket: Ticket = {
          id: newId(),
          customerId,
          ...input,
          status: 'open',
          ...ticketSla(input.severity, now, policy),
          history: [{ status: 'open', at: now, by: principal.userId }],
          createdBy: principal.userId,
          createdAt: now,
          updatedAt: now,
          version: 1,
        };
        return writeOnCustomer(
          db,
          customer,
          (current) => {
            assertActive(current);
            const was = { ...emptyCare(), ...current.care };
            const care = { ...was, openTickets: was.openTickets + 1, complaintDates: input.type === 'complaint' ? withComplaint(was.complaintDates, now.slice(0, 10)) : was.complaintDates };
            const after = withCareDerived({ ...current, care, version: current.version + 1, updatedAt: now }, policy);
            const response = { status: 201, body: ticketView(ticket, now) };
            const writes = [updateCustomerCare(db, current, after), putIfAbsent(db, ticketItem(ticket)), ...entryWrites(db, current, after), ...record(response)];
            return { items: writes, customerIndex: 0, result: response };
          },
          () => conflict('already_exists', 'This ticket was already recorded'),
        );
      });
    },

    /** principal + ticket in one BatchGet, then its customer (the scope is the customer's as it is now). */
    async get(session: Session, id: string) {
      const { principal, ticket } = await load(session, id);
      await assertSeesCustomer(principal, ticket);
      return ticketView(ticket, clock.now().toISOString());
    },

    /**
     * principal + ticket in one BatchGet, then one transaction: the ticket at the version read (If-Match), and the
     * customer within the caller's scope — checked by a condition in the same transaction, so no extra read —
     * whose `care.openTickets` drops by one when the ticket is resolved.
     */
    async patch(session: Session, id: string, input: PatchTicket, expectedVersion: number) {
      const { principal, ticket } = await load(session, id);
      try {
        assertCanWriteCare(principal);
        if (ticket.version !== expectedVersion) throw staleVersion(ticket.version);
        assertTicketMove(ticket.status, input.status);
      } catch (refused) {
        await assertSeesCustomer(principal, ticket); // someone outside the scope learns nothing but 404
        throw refused;
      }
      const now = clock.now().toISOString();
      const resolved = input.status === 'resolved';
      const next: Ticket = {
        ...ticket,
        status: input.status,
        history: [...ticket.history, { status: input.status, at: now, by: principal.userId }],
        ...(resolved ? { resolvedAt: now, breached: isBreached({ dueAt: ticket.dueAt, resolvedAt: now }, now) } : {}),
        ...(input.resolution ? { resolution: input.resolution } : {}),
        updatedAt: now,
        version: ticket.version + 1,
      };
      const scope = scopeCondition(principal);
      const customerKey = keys.customer(ticket.customerId);
      const customerWrite = resolved
        ? {
            Update: {
              TableName: db.tableName,
              Key: customerKey,
              UpdateExpression: 'SET #care.#open = #care.#open - :one, #version = #version + :one, #updatedAt = :now',
              ConditionExpression: scope.expression,
              ExpressionAttributeNames: { ...scope.names, '#care': 'care', '#open': 'openTickets', '#version': 'version', '#updatedAt': 'updatedAt' },
              ExpressionAttributeValues: { ...scope.values, ':one': 1, ':now': now },
            },
          }
        : { ConditionCheck: { TableName: db.tableName, Key: customerKey, ConditionExpression: scope.expression, ...(Object.keys(scope.names).length ? { ExpressionAttributeNames: scope.names, ExpressionAttributeValues: scope.values } : {}) } };
      await transact(
        db,
        [
          { Put: { TableName: db.tableName, Item: ticketItem(next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': ticket.version } } },
          customerWrite,
        ],
        (index) => (index === 0 ? staleVersion() : notFound(`Ticket ${id}`)),
      );
      return ticketView(next, now);
    },

    /** A customer's tickets, newest first: principal + customer in one BatchGet, then one Query. */
    async list(session: Session, customerId: string, page: { limit: number; cursor?: string }): Promise<Page<ReturnType<typeof ticketView>>> {
      const { principal, items } = await session.load([keys.customer(customerId)]);
      visibleCustomer(principal, items[0], customerId);
      const result = await queryIndex<Record<string, unknown>>(db, { index: 'GSI1', partition: careKeys.ticketsPartition(customerId), descending: true, ...page });
      const now = clock.now().toISOString();
      return { items: result.items.map((t) => ticketView(toTicket(t), now)), nextCursor: result.nextCursor };
    },
  };
}
