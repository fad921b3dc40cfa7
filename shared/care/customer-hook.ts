import type { Db } from '#shared/core/db';
import type { Key } from '#shared/core/keys';
import type { Item } from '#shared/core/query';
import type { TransactItem } from '#shared/core/write';
import type { Customer } from '#shared/customers/schemas';
import { carePolicyStore } from './policy.ts';
import { entryWrites, withCareDerived } from './entries.ts';

/**
 * How the customers service keeps the care routine in step with create / update / reassign / archive, at no
 * extra round trip: it reads `careHookKeys()` in the same BatchGet as the principal, and passes what it read to
 * `careOnCustomerWrite`, which answers the customer to store (care derived: next follow-up by tier, intent cold
 * until an interaction) and the entry writes to add to the same transaction (intent listing, follow-up,
 * reminders — at most ~45 items, only those that changed).
 *
 * Another module that changes a field care derives from (tier, owner, name, contacts, status) should do the same;
 * until it does, the daily `refreshIntent` repairs the entries.
 */
export const careHookKeys = (): Key[] => [carePolicyStore.key()];

/** `loaded`: whatever the caller's BatchGet returned (in any order); the policy is found by its key. */
export function careOnCustomerWrite(db: Db, before: Customer | undefined, after: Customer, loaded: (Item | undefined)[]): { customer: Customer; items: TransactItem[] } {
  const key = carePolicyStore.key();
  const policy = carePolicyStore.fromItem(loaded.find((item) => item?.PK === key.PK && item?.SK === key.SK)).policy;
  const customer = after.status === 'active' ? withCareDerived(after, policy) : after;
  return { customer, items: entryWrites(db, before, customer) };
}
