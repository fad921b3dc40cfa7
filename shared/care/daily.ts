import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { isConditionFailure } from '#shared/core/errors';
import { careKeys, indexPartition, keys } from '#shared/core/keys';
import { queryIndex } from '#shared/core/query';
import { transact } from '#shared/core/write';
import type { Customer } from '#shared/customers/schemas';
import { notify, type NewNotification } from '#shared/notifications/service';
import { entryWrites, intentEntry, withCareDerived } from './entries.ts';
import { remindersDue, type FollowUpEntry, type ReminderEntry } from './follow-ups.ts';
import { monthDayWindow } from './calendar.ts';
import { carePolicyStore } from './policy.ts';
import { addDays, coldIntent, decayIntent } from './rules.ts';
import { batchGet, queryRange, updateCustomerCare } from './store.ts';

/**
 * The care routine's part of the daily job. Each function handles ONE page of an index partition and answers
 * the cursor of the next (null when done): the workflow loops until then, so no run needs a Scan or a long Lambda.
 * Re-running a page is harmless: writes are conditional and notifications have event-derived ids.
 */
export interface DailyDeps {
  db: Db;
  clock: Clock;
}

export interface DailyPage {
  cursor?: string | null;
  /** Items per page, 1–100 (default 50). */
  limit?: number;
}

export interface DailyResult {
  processed: number;
  changed: number;
  nextCursor: string | null;
}

/** A score within this of the stored one is not rewritten (the level is still checked every day). */
export const SCORE_EPSILON = 0.1;

const pageSize = (page?: DailyPage) => Math.min(100, Math.max(1, page?.limit ?? 50));

const listingFields = (item: Record<string, unknown>) => JSON.stringify(['name', 'tier', 'ownerId', 'teamId', 'regionId'].map((f) => item[f] ?? null));

/**
 * Decays every active customer's intent to now. Reads a page of active customers (GSI4 `CUSTOMERS`, the customers'
 * own org-wide index), then their intent entries and the policy in one BatchGet. A customer is written — intent,
 * care, version + 1 and its entries — when the level changed, the score moved by SCORE_EPSILON or more, or its
 * entries disagree with it: a tier set outside care, a new cadence in the policy, or a customer stored before the
 * care module existed (which gets its entries here). A customer that changed meanwhile is skipped: its writer
 * refreshed it, and tomorrow's run sees it again.
 */
export async function refreshIntent({ db, clock }: DailyDeps, page?: DailyPage): Promise<DailyResult> {
  const customers = await queryIndex<Customer>(db, {
    index: 'GSI4',
    partition: indexPartition.all('CUSTOMERS'),
    sortPrefix: keys.customerSortPrefix('active'),
    limit: pageSize(page),
    cursor: page?.cursor ?? undefined,
  });
  if (customers.items.length === 0) return { processed: 0, changed: 0, nextCursor: customers.nextCursor };
  const [policyItem, ...entries] = await batchGet(db, [carePolicyStore.key(), ...customers.items.map((c) => careKeys.intentEntry(c.id))]);
  const { policy } = carePolicyStore.fromItem(policyItem);
  const now = clock.now().toISOString();
  let changed = 0;
  for (const [i, customer] of customers.items.entries()) {
    const before = customer.intent ?? coldIntent(customer.createdAt);
    const intent = decayIntent(before, policy.intent, now);
    const after = withCareDerived({ ...customer, intent, version: customer.version + 1, updatedAt: now }, policy);
    const moved = intent.level !== before.level || Math.abs(intent.score - before.score) >= SCORE_EPSILON;
    const entry = entries[i];
    const drift = !entry || after.care?.nextFollowUpAt !== customer.care?.nextFollowUpAt || listingFields(entry) !== listingFields(intentEntry(after));
    if (!moved && !drift) continue;
    try {
      await transact(db, [updateCustomerCare(db, customer, after), ...entryWrites(db, customer, after, drift)], () => new Error('customer changed'));
      changed++;
    } catch (error) {
      if (!isConditionFailure((error as { cause?: unknown }).cause)) throw error;
    }
  }
  return { processed: customers.items.length, changed, nextCursor: customers.nextCursor };
}

/**
 * Marks follow-ups that fell due (GSI4 `FOLLOWUPS#PENDING`, due before now): notifies the owner once (the event is
 * the customer and the due time), then sets `overdue` and takes the entry out of the queue — unless the due time
 * moved meanwhile (a contact was logged), in which case the entry stays queued for its new time.
 */
export async function markOverdueFollowUps({ db, clock }: DailyDeps, page?: DailyPage): Promise<DailyResult> {
  const now = clock.now().toISOString();
  const due = await queryRange<FollowUpEntry>(db, { index: 'GSI4', partition: careKeys.followUpQueuePartition, from: '0', to: now, limit: pageSize(page), cursor: page?.cursor });
  let changed = 0;
  for (const entry of due.items) {
    // Notify first: if marking fails after, the next run notifies again under the same id — which writes nothing.
    await notify(db, [
      {
        userId: entry.ownerId,
        kind: 'follow_up_overdue',
        title: `Follow-up overdue: ${entry.name}`,
        body: `Tier ${entry.tier} customer ${entry.name} (${entry.customerId}) was due for a visit or call on ${entry.dueAt.slice(0, 10)}.`,
        at: entry.dueAt,
        event: `follow-up-overdue/${entry.customerId}/${entry.dueAt}`,
      },
    ]);
    try {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: careKeys.followUp(entry.customerId),
          UpdateExpression: 'SET #overdue = :true, #since = :due REMOVE GSI4PK, GSI4SK',
          ConditionExpression: '#dueAt = :due',
          ExpressionAttributeNames: { '#overdue': 'overdue', '#since': 'overdueSince', '#dueAt': 'dueAt' },
          ExpressionAttributeValues: { ':true': true, ':due': entry.dueAt },
        }),
      );
      changed++;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  return { processed: due.items.length, changed, nextCursor: due.nextCursor };
}

/**
 * Notifies owners of birthdays and anniversaries from today to today + `days` (GSI4 `REMINDERS`, one BETWEEN on
 * the month-day keys). Each occurrence is one event (customer, slot, date) dated the day it entered the window,
 * so daily runs with the same `days` notify it once, and a re-run notifies nothing.
 */
export async function emitCareReminders({ db, clock }: DailyDeps, page?: DailyPage & { days?: number }): Promise<DailyResult> {
  const days = page?.days ?? 7;
  const today = clock.now().toISOString().slice(0, 10);
  const window = monthDayWindow(today, days);
  const entries = await queryRange<ReminderEntry>(db, { index: 'GSI4', partition: careKeys.remindersPartition, from: window.from, to: `${window.to}~`, limit: pageSize(page), cursor: page?.cursor });
  const notifications: NewNotification[] = remindersDue(entries.items, today, window.last).map((r) => ({
    userId: r.ownerId,
    kind: 'care_reminder',
    title: r.kind === 'birthday' ? `Birthday: ${r.contactName} (${r.customerName}) on ${r.date}` : `Anniversary: ${r.customerName}, ${r.years} year${r.years === 1 ? '' : 's'} on ${r.date}`,
    body: `${r.kind === 'birthday' ? `${r.contactName} of ${r.customerName}` : r.customerName} (${r.customerId}): ${r.inDays === 0 ? 'today' : `in ${r.inDays} day${r.inDays === 1 ? '' : 's'}`}.`,
    at: `${addDays(`${r.date}T00:00:00.000Z`, -days).slice(0, 10)}T00:00:00.000Z`,
    event: `care-reminder/${r.customerId}/${r.slot.replace(/-twin$/, '')}/${r.date}`,
  }));
  await notify(db, notifications);
  return { processed: entries.items.length, changed: notifications.length, nextCursor: entries.nextCursor };
}
