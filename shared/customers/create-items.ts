import type { Db } from '#shared/core/db';
import { keys } from '#shared/core/keys';
import { entityAuditor } from '#shared/core/audit';
import type { Item } from '#shared/core/query';
import type { TransactItem } from '#shared/core/write';
import { putIfAbsent } from '#shared/core/write';
import { careOnCustomerWrite } from '#shared/care/customer-hook';
import { repStatsAdd } from '#shared/team/rep-stats';
import { customerScope } from './rules.ts';
import type { Customer } from './schemas.ts';

export const customerItem = (customer: Customer) => ({ ...keys.customer(customer.id), ...keys.customerIndexes({ ...customer, teamId: customer.teamId }), type: 'customer', ...customer });

/**
 * The writes of "a customer is created", shared by POST /customers and the CSV import so both leave the same
 * records: the customer (only if absent), its audit entry, the care routine's entries and the new-customer counter.
 * `loaded` must hold the care policy (careHookKeys()). The first item is the customer's Put.
 */
export function customerCreateItems(db: Db, actorId: string, fresh: Customer, loaded: (Item | undefined)[]): { customer: Customer; items: TransactItem[] } {
  const { customer, items: careItems } = careOnCustomerWrite(db, undefined, fresh, loaded);
  // New customers per owner × month (incentives on new_customers, shared/team) count in the same write; the
  // month item is shared by every owner, so callers retry a transaction conflict on it (transactRetrying).
  const counted = repStatsAdd(db, customer.createdAt.slice(0, 7), customer.ownerId, { newCustomers: 1 });
  const audit = entityAuditor<Customer>(db, 'customer', customerScope)({ userId: actorId }, 'create', undefined, customer);
  return { customer, items: [putIfAbsent(db, customerItem(customer)), audit, ...careItems, counted] };
}
