import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { testApi } from '#test/support/api';
import { systemClock, type Clock } from '#shared/core/clock';
import { keys } from '#shared/core/keys';
import { Session } from '#shared/core/session';
import { createCustomerService } from '#shared/customers/service';
import { emitCareReminders, markOverdueFollowUps, refreshIntent, type DailyResult } from '#shared/care/daily';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

const REP = 'rep-east-enterprise-1';
const TEAMMATE = 'rep-east-enterprise-2';
const MANAGER = 'manager-east-enterprise';
const DAY = 86_400_000;

const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const monthDay = (days: number) => daysFromNow(days).slice(5, 10);
const clockAt = (offsetDays: number): Clock => ({ now: () => new Date(Date.now() + offsetDays * DAY) });

/** Runs a daily function page by page, as the workflow does. */
async function allPages(run: (cursor: string | null) => Promise<DailyResult>) {
  let cursor: string | null = null;
  let pages = 0;
  const total = { processed: 0, changed: 0 };
  do {
    const result = await run(cursor);
    total.processed += result.processed;
    total.changed += result.changed;
    cursor = result.nextCursor;
    pages++;
  } while (cursor);
  return { ...total, pages };
}

const feed = async (as: string, kind: string) => (await api.call('GET', '/notifications?limit=100', { as })).body.items.filter((n: any) => n.kind === kind);

describe('care reminders: birthdays and anniversaries from an index by owner and month-day', () => {
  let customer: any;
  let veteran: any;

  beforeAll(async () => {
    const res = await api.call('POST', '/customers', {
      as: REP,
      body: {
        name: 'Birthday Co',
        contacts: [
          { name: 'Soon Lee', birthday: `--${monthDay(3)}` },
          { name: 'Known Year', birthday: `1980-${monthDay(5)}` },
          { name: 'Later Ma', birthday: `--${monthDay(20)}` },
        ],
      },
    });
    customer = res.body;
    // A customer created three years ago (minus two days): its anniversary is the day after tomorrow.
    const then = new Date(Date.now() + 2 * DAY);
    then.setUTCFullYear(then.getUTCFullYear() - 3);
    const past = createCustomerService({ db: api.db, clock: { now: () => then } });
    veteran = (await past.create(new Session(api.db, { userId: REP, groups: ['rep'] }), { name: 'Veteran Ltd' })).body;
  });

  it('lists next week’s birthdays and anniversaries from one query on my partition', async () => {
    const res = await api.call('GET', '/care/reminders?days=7', { as: REP });
    expect(res.status).toBe(200);
    expect(trips(res)).toBeLessThanOrEqual(2);
    const mine = res.body.items.filter((r: any) => [customer.id, veteran.id].includes(r.customerId));
    expect(mine).toEqual([
      { kind: 'anniversary', customerId: veteran.id, customerName: 'Veteran Ltd', ownerId: REP, regionId: 'east', date: daysFromNow(2).slice(0, 10), inDays: 2, years: 3 },
      { kind: 'birthday', customerId: customer.id, customerName: 'Birthday Co', ownerId: REP, regionId: 'east', contactName: 'Soon Lee', date: daysFromNow(3).slice(0, 10), inDays: 3 },
      { kind: 'birthday', customerId: customer.id, customerName: 'Birthday Co', ownerId: REP, regionId: 'east', contactName: 'Known Year', date: daysFromNow(5).slice(0, 10), inDays: 5, years: Number(daysFromNow(5).slice(0, 4)) - 1980 },
    ]);
    expect(res.body.items.every((r: any) => r.ownerId === REP && r.inDays >= 0 && r.inDays <= 7)).toBe(true);
    const month = await api.call('GET', '/care/reminders?days=30', { as: REP });
    expect(month.body.items.map((r: any) => r.contactName)).toContain('Later Ma');
  });

  it('is scoped: a teammate sees none of them, the manager sees them with scope=team; bad days is a 400', async () => {
    const teammate = await api.call('GET', '/care/reminders?days=30', { as: TEAMMATE });
    expect(teammate.body.items.filter((r: any) => r.customerId === customer.id)).toEqual([]);
    const team = await api.call('GET', '/care/reminders?days=7&scope=team', { as: MANAGER });
    expect(team.body.items.map((r: any) => r.contactName)).toContain('Soon Lee');
    expect(trips(team)).toBeLessThanOrEqual(2);
    expect((await api.call('GET', '/care/reminders?scope=team', { as: REP })).status).toBe(403);
    expect((await api.call('GET', '/care/reminders?days=61', { as: REP })).body.error.fields.days).toBeDefined();
  });

  it('follows contact changes: a removed birthday is no longer reminded', async () => {
    const patched = await api.call('PATCH', `/customers/${customer.id}`, {
      as: REP,
      body: { contacts: [{ name: 'Known Year', birthday: `1980-${monthDay(5)}` }] },
      headers: { 'if-match': `"${customer.version}"` },
    });
    expect(patched.status).toBe(200);
    const names = (await api.call('GET', '/care/reminders?days=30', { as: REP })).body.items.filter((r: any) => r.customerId === customer.id).map((r: any) => r.contactName);
    expect(names).toEqual(['Known Year']);
  });

  it('the daily job notifies each reminder once, however often it runs', async () => {
    const first = await allPages((cursor) => emitCareReminders({ db: api.db, clock: systemClock }, { cursor, limit: 10, days: 7 }));
    expect(first.pages).toBeGreaterThanOrEqual(1);
    const titles = (await feed(REP, 'care_reminder')).map((n: any) => n.title);
    expect(titles).toContain(`Anniversary: Veteran Ltd, 3 years on ${daysFromNow(2).slice(0, 10)}`);
    expect(titles).toContain(`Birthday: Known Year (Birthday Co) on ${daysFromNow(5).slice(0, 10)}`);
    await allPages((cursor) => emitCareReminders({ db: api.db, clock: systemClock }, { cursor, limit: 10, days: 7 }));
    expect((await feed(REP, 'care_reminder')).length).toBe(titles.length);
    expect((await feed(TEAMMATE, 'care_reminder')).map((n: any) => n.title)).not.toContain(titles[0]);
  });
});

describe('daily job: overdue follow-ups and intent decay', () => {
  it('notifies the owner of an overdue follow-up once and takes it off the queue', async () => {
    const late = (await api.call('POST', '/customers', { as: REP, body: { name: 'Neglected Inc' } })).body;
    await api.call('POST', `/customers/${late.id}/interactions`, { as: REP, body: { type: 'visit', at: daysFromNow(-75) } });
    const first = await allPages((cursor) => markOverdueFollowUps({ db: api.db, clock: systemClock }, { cursor, limit: 5 }));
    expect(first.changed).toBeGreaterThanOrEqual(1);
    const notes = (await feed(REP, 'follow_up_overdue')).filter((n: any) => n.title === 'Follow-up overdue: Neglected Inc');
    expect(notes).toHaveLength(1);
    const again = await allPages((cursor) => markOverdueFollowUps({ db: api.db, clock: systemClock }, { cursor }));
    expect(again.processed).toBe(0); // marked entries left the queue
    expect((await feed(REP, 'follow_up_overdue')).filter((n: any) => n.title === 'Follow-up overdue: Neglected Inc')).toHaveLength(1);
    const list = await api.call('GET', '/follow-ups?status=overdue', { as: REP });
    expect(list.body.items.find((f: any) => f.customerId === late.id)).toMatchObject({ overdue: true });
  });

  it('the care policy is admin-only and versioned (If-Match); a new cadence applies to the next write', async () => {
    const read = await api.call('GET', '/care-policy', { as: REP });
    expect(read.body).toMatchObject({ version: 0, policy: { cadenceDays: { A: 14, B: 30, C: 60, D: 90 } } });
    const policy = { ...read.body.policy, cadenceDays: { ...read.body.policy.cadenceDays, C: 45 } };
    expect((await api.call('PUT', '/care-policy', { as: REP, body: policy, headers: { 'if-match': '"0"' } })).status).toBe(403);
    expect((await api.call('PUT', '/care-policy', { as: 'admin', body: policy })).status).toBe(412);
    const invalid = await api.call('PUT', '/care-policy', { as: 'admin', body: { ...policy, intent: { ...policy.intent, hotAt: 2 } }, headers: { 'if-match': '"0"' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.fields['intent.hotAt']).toBeDefined();
    const saved = await api.call('PUT', '/care-policy', { as: 'admin', body: policy, headers: { 'if-match': '"0"' } });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).toBe('"1"');
    expect((await api.call('PUT', '/care-policy', { as: 'admin', body: policy, headers: { 'if-match': '"0"' } })).status).toBe(409);
    const fresh = (await api.call('POST', '/customers', { as: REP, body: { name: 'New Cadence' } })).body;
    expect(Date.parse(fresh.care.nextFollowUpAt) - Date.parse(fresh.createdAt)).toBe(45 * DAY);
  });

  it('decays intent page by page (hot today, cold in a month), and repairs entries another writer left behind', async () => {
    const hot = (await api.call('POST', '/customers', { as: REP, body: { name: 'Hot Lead' } })).body;
    await api.call('POST', `/customers/${hot.id}/interactions`, { as: REP, body: { type: 'quote_request', at: daysFromNow(0) } });
    await api.call('POST', `/customers/${hot.id}/interactions`, { as: REP, body: { type: 'demo', at: daysFromNow(0) } });
    const drifted = (await api.call('POST', '/customers', { as: REP, body: { name: 'Regraded Elsewhere' } })).body;
    // Another module sets the tier with its own Update, without the care hook.
    await api.db.doc.send(new UpdateCommand({ TableName: api.db.tableName, Key: keys.customer(drifted.id), UpdateExpression: 'SET tier = :a, version = version + :one', ExpressionAttributeValues: { ':a': 'A', ':one': 1 } }));
    // A customer stored before the care module existed: no care, no intent, no entries.
    const { care: _care, intent: _intent, ...legacy } = { ...drifted, id: '01LEGACYCUSTOMER0000000001', name: 'Legacy Ltd' };
    await api.db.doc.send(new PutCommand({ TableName: api.db.tableName, Item: { ...keys.customer(legacy.id), ...keys.customerIndexes(legacy), type: 'customer', ...legacy } }));
    expect((await api.call('GET', '/customers?intent=hot', { as: REP })).body.items.map((c: any) => c.id)).toContain(hot.id);

    const run = await allPages((cursor) => refreshIntent({ db: api.db, clock: clockAt(30) }, { cursor, limit: 20 }));
    expect(run.pages).toBeGreaterThan(3); // 60 seeded customers and more, 20 a page
    expect(run.processed).toBeGreaterThanOrEqual(64);
    const after = await api.call('GET', `/customers/${hot.id}`, { as: REP });
    expect(after.body.intent.level).toBe('cold');
    expect(after.body.intent.score).toBeCloseTo(13 * 0.5 ** (30 / 14), 1);
    expect((await api.call('GET', '/customers?intent=hot', { as: REP })).body.items.map((c: any) => c.id)).not.toContain(hot.id);
    const repaired = (await api.call('GET', '/customers?intent=cold&limit=100', { as: REP })).body.items.find((c: any) => c.id === drifted.id);
    expect(repaired.tier).toBe('A');
    const due = (await api.call('GET', `/customers/${drifted.id}`, { as: REP })).body.care.nextFollowUpAt;
    expect(Date.parse(due) - Date.parse(drifted.createdAt)).toBe(14 * DAY);
    expect((await api.call('GET', '/customers?intent=cold&limit=100', { as: REP })).body.items.map((c: any) => c.id)).toContain(legacy.id);
    expect((await api.call('GET', `/customers/${legacy.id}`, { as: REP })).body).toMatchObject({ intent: { level: 'cold' }, care: { openTickets: 0 } });
    const again = await allPages((cursor) => refreshIntent({ db: api.db, clock: clockAt(30) }, { cursor, limit: 100 }));
    expect(again.changed).toBe(0); // nothing left to change at the same moment
  });
});
