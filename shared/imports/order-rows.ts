import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { importKeys, keys } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { AppError, conflict, invalid, notFound } from '#shared/core/errors';
import { canSee } from '#shared/core/principal';
import { fromItem } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { putIfAbsent, transactRetrying } from '#shared/core/write';
import { customerScope } from '#shared/customers/rules';
import type { Customer } from '#shared/customers/schemas';
import { fromGradingPolicyItem, gradingPolicyStore } from '#shared/customers/grading-policy';
import { bookOrder, readCustomerConsistently } from '#shared/customers/value-store';
import { directOrder } from '#shared/customers/value-service';
import { parseOrderRow, type OrderRow } from './rows.ts';
import type { Row, RowError } from './csv.ts';
import type { ChunkOutcome } from './store.ts';
import { loadAll, pool, rowFailure } from './worker-util.ts';

/** Other writers (care, health, a PATCH) may move a customer between our read and our write: read again, a few times. */
const ATTEMPTS = 5;

/**
 * One chunk of order rows, each booked exactly like POST /customers/{id}/orders (bookOrder: the order, the customer's
 * stats and grade, actuals, audit — one transaction) plus the claim of its external order id, so a re-import counts
 * it as existing. A customer's orders are booked one after another (each moves its version); customers side by side.
 */
export async function importOrderChunk(ctx: { db: Db; clock: Clock; session: Session }, rows: Row[]): Promise<ChunkOutcome> {
  const { db, clock, session } = ctx;
  const today = clock.now().toISOString().slice(0, 10);
  const errors: RowError[] = [];
  const valid = rows.map((row) => parseOrderRow(row, today)).flatMap((r) => (r.ok ? [r] : (errors.push(...r.errors), [])));
  const customerIds = [...new Set(valid.map((r) => r.input.customerId))];
  const productLines = [...new Set(valid.map((r) => r.input.productLineId))];
  const markers = valid.map((r) => importKeys.naturalKey('order', r.naturalKey));
  const { principal, items } = await loadAll(session, [gradingPolicyStore.key(), ...customerIds.map(keys.customer), ...productLines.map(keys.productLine), ...markers]);
  const policy = fromGradingPolicyItem(items[0]);
  const customers = new Map(customerIds.map((id, i) => [id, items[1 + i] && fromItem<Customer>(items[1 + i]!)]));
  const knownLines = new Set(productLines.filter((_, i) => items[1 + customerIds.length + i]));
  const claimed = new Set(markers.flatMap((_, i) => (items[1 + customerIds.length + productLines.length + i] ? [valid[i]!.naturalKey] : [])));

  let existing = 0;
  let created = 0;
  const byCustomer = new Map<string, { line: number; naturalKey: string; input: OrderRow }[]>();
  // A repeated external order id within the file was refused at upload (csv.ts withoutRepeats); the claim in each
  // row's transaction still guards against anything else writing the same order twice.
  for (const row of valid) {
    if (claimed.has(row.naturalKey)) {
      existing++;
      continue;
    }
    byCustomer.set(row.input.customerId, [...(byCustomer.get(row.input.customerId) ?? []), row]);
  }

  await pool([...byCustomer.entries()], 6, async ([customerId, group]) => {
    let customer = customers.get(customerId);
    for (const row of group) {
      try {
        if (!customer || !canSee(principal, customerScope(customer))) throw notFound(`Customer ${customerId}`);
        if (customer.status !== 'active') throw conflict('archived', `Customer ${customerId} is ${customer.status} and takes no orders`);
        if (!knownLines.has(row.input.productLineId)) throw invalid('The product line does not exist', { productLineId: `No product line ${row.input.productLineId}` });
        const outcome = await book(row, customer);
        customer = outcome.customer;
        if (outcome.existing) existing++;
        else created++;
      } catch (error) {
        errors.push(...rowFailure(row.line, error, 'customerId'));
      }
    }
  });
  return { created, existing, flagged: 0, errors };

  async function book(row: { naturalKey: string; input: OrderRow }, start: Customer): Promise<{ customer: Customer | undefined; existing: boolean }> {
    let current: Customer | undefined = start;
    for (let attempt = 1; ; attempt++) {
      const now = clock.now().toISOString();
      const order = directOrder(row.input, current!, newId(), principal.userId, now);
      const booking = bookOrder(db, { customer: current!, order, policy, actorId: principal.userId, now });
      const marker = putIfAbsent(db, { ...importKeys.naturalKey('order', row.naturalKey), type: 'import_row', orderId: order.id, customerId: order.customerId, at: now });
      let failed = -1;
      try {
        await transactRetrying(db, [marker, ...booking.items], (index) => ((failed = index), new AppError(409, 'conflict', 'Changed meanwhile')), 8);
        return { customer: booking.customer, existing: false };
      } catch (error) {
        if (failed === 0) return { customer: current, existing: true };
        if (failed !== 1 + booking.customerIndex || attempt >= ATTEMPTS) throw error;
        current = await readCustomerConsistently(db, row.input.customerId);
        if (!current || current.status !== 'active') throw conflict('archived', `Customer ${row.input.customerId} is no longer active`);
      }
    }
  }
}
