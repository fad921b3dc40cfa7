import type { Db } from '#shared/core/db';
import { careKeys } from '#shared/core/keys';
import type { TransactItem } from '#shared/core/write';
import type { Customer } from '#shared/customers/schemas';
import type { CarePolicy } from './policy.ts';
import { coldIntent, emptyCare, nextFollowUpAt } from './rules.ts';
import { monthDayOf, needsTwin, twinKey, yearOf } from './calendar.ts';

/**
 * The care module's index entries are pure functions of the customer item (plus the policy for the due date):
 * an intent listing, a follow-up and the birthday / anniversary reminders. Whoever writes the customer writes the
 * entries that changed in the same transaction, so they can never disagree with it for long.
 */
type Item = Record<string, unknown>;

/** The customer with its care fields derived: care signals exist, intent starts cold, next follow-up by tier. */
export function withCareDerived(customer: Customer, policy: CarePolicy): Customer {
  const care = { ...emptyCare(), ...customer.care };
  return {
    ...customer,
    intent: customer.intent ?? coldIntent(customer.createdAt),
    care: { ...care, nextFollowUpAt: nextFollowUpAt({ ...customer, care }, policy) },
  };
}

const place = (c: Customer) => ({ ownerId: c.ownerId, ...(c.teamId ? { teamId: c.teamId } : {}), regionId: c.regionId });

/** A summary of the customer for GET /customers?intent= (one Query, no second read). */
export function intentEntry(c: Customer): Item {
  const intent = c.intent ?? coldIntent(c.createdAt);
  return {
    ...careKeys.intentEntry(c.id),
    ...careKeys.intentEntryIndexes({ ...c, level: intent.level }),
    type: 'intent_entry',
    id: c.id,
    name: c.name,
    tier: c.tier,
    status: c.status,
    ...place(c),
    intent,
  };
}

export function followUpEntry(c: Customer): Item {
  const dueAt = c.care!.nextFollowUpAt!;
  return {
    ...careKeys.followUp(c.id),
    ...careKeys.followUpIndexes({ customerId: c.id, ownerId: c.ownerId, teamId: c.teamId, dueAt }),
    type: 'follow_up',
    customerId: c.id,
    name: c.name,
    tier: c.tier,
    ...place(c),
    dueAt,
    lastContactAt: c.care?.lastContactAt ?? null,
  };
}

/** A reminder per contact birthday and one for the anniversary, plus each one's twin for windows past Dec 31. */
export function reminderEntries(c: Customer): Item[] {
  const sources = [
    { slot: 'anniversary', kind: 'anniversary', date: c.createdAt.slice(0, 10) },
    ...c.contacts.flatMap((contact, i) => (contact.birthday ? [{ slot: `birthday-${i}`, kind: 'birthday', date: contact.birthday, contactName: contact.name }] : [])),
  ];
  return sources.flatMap(({ slot, date, ...source }) => {
    const monthDay = monthDayOf(date);
    const entry = (slotKey: string, dayKey: string): Item => ({
      ...careKeys.reminder(c.id, slotKey),
      ...careKeys.reminderIndexes({ customerId: c.id, ownerId: c.ownerId, teamId: c.teamId, dayKey, slot: slotKey }),
      type: 'care_reminder',
      slot,
      ...source,
      customerId: c.id,
      customerName: c.name,
      ...place(c),
      monthDay,
      ...(yearOf(date) !== undefined ? { sinceYear: yearOf(date) } : {}),
    });
    return [entry(slot, monthDay), ...(needsTwin(monthDay) ? [entry(`${slot}-twin`, twinKey(monthDay))] : [])];
  });
}

const same = (a: Item | undefined, b: Item | undefined) => JSON.stringify(a) === JSON.stringify(b);
const keyOf = (item: Item) => ({ PK: item.PK as string, SK: item.SK as string });
const put = (db: Db, item: Item) => ({ Put: { TableName: db.tableName, Item: item } });
const del = (db: Db, item: Item) => ({ Delete: { TableName: db.tableName, Key: keyOf(item) } });

/**
 * The follow-up is updated, not replaced: while its due time stays, the daily job's marks (`overdue`, and having
 * left the job's queue) stay too; a new due time puts it back in the queue unmarked.
 */
function followUpWrite(db: Db, before: Item | undefined, after: Item): TransactItem {
  const dueMoved = !before || before.dueAt !== after.dueAt;
  const fields: Item = { ...after, ...(dueMoved ? careKeys.followUpQueueIndex({ customerId: String(after.customerId), dueAt: String(after.dueAt) }) : {}) };
  delete fields.PK;
  delete fields.SK;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(fields).map(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:a${i}`] = value;
    return `#a${i} = :a${i}`;
  });
  const removes = [...(after.GSI2PK ? [] : ['GSI2PK', 'GSI2SK', 'teamId']), ...(dueMoved ? ['overdue', 'overdueSince'] : [])];
  removes.forEach((name, i) => (names[`#r${i}`] = name));
  return {
    Update: {
      TableName: db.tableName,
      Key: keyOf(after),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.map((_, i) => `#r${i}`).join(', ')}` : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * The entry writes that take `before` (as stored; undefined on create) to `after` (as it will be stored, care
 * derived). Only what changed is written. An archived customer has no entries. `force` rewrites the intent and
 * follow-up entries (the daily refresh repairs them when a writer outside this module changed the tier).
 */
export function entryWrites(db: Db, before: Customer | undefined, after: Customer, force = false): TransactItem[] {
  // A customer stored before the care module existed has no entries yet: write them all.
  const stored = before && before.status === 'active' && before.care ? before : undefined;
  const had = force ? undefined : stored;
  if (after.status !== 'active') {
    return before && before.status === 'active' ? [intentEntry(before), followUpEntry(withStoredCare(before)), ...reminderEntries(before)].map((item) => del(db, item)) : [];
  }
  const writes: TransactItem[] = [];
  const intentBefore = had && intentEntry(had);
  const intentAfter = intentEntry(after);
  if (!same(intentBefore, intentAfter)) writes.push(put(db, intentAfter));
  const followBefore = had && followUpEntry(had);
  const followAfter = followUpEntry(after);
  if (!same(followBefore, followAfter)) writes.push(followUpWrite(db, before?.care ? followUpEntry(withStoredCare(before)) : undefined, followAfter));
  const remindersBefore = new Map((stored ? reminderEntries(stored) : []).map((item) => [item.SK as string, item]));
  const remindersAfter = reminderEntries(after);
  for (const item of remindersAfter) if (!same(remindersBefore.get(item.SK as string), item)) writes.push(put(db, item));
  const kept = new Set(remindersAfter.map((item) => item.SK as string));
  const stale = before?.status === 'active' ? reminderEntries(before).filter((item) => !kept.has(item.SK as string)) : [];
  for (const item of stale) writes.push(del(db, item));
  return writes;
}

/** A stored customer always has care once the module wrote it; older items get the creation-based due time. */
const withStoredCare = (c: Customer): Customer => (c.care?.nextFollowUpAt ? c : { ...c, care: { ...emptyCare(), ...c.care, nextFollowUpAt: c.createdAt } });

