import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';
import { regradeAllCustomers, regradeCustomer, regradeCustomersPage } from '#shared/customers/regrade';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

const REP = 'rep-east-enterprise-1';
const TEAMMATE = 'rep-east-enterprise-2';
const MANAGER = 'manager-east-enterprise';
const TODAY = new Date().toISOString().slice(0, 10);
const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function newCustomer(as = REP, body: Record<string, unknown> = {}) {
  const res = await api.call('POST', '/customers', { as, body: { name: `Value ${Math.random().toString(36).slice(2, 8)}`, creditRating: 'B', ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; tier: string; version: number };
}

async function order(customerId: string, amount: number, extra: Record<string, unknown> = {}, as = REP) {
  const res = await api.call('POST', `/customers/${customerId}/orders`, { as, body: { amount, date: TODAY, productLineId: 'crm-suite', ...extra } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res;
}

const customer = async (id: string) => (await api.call('GET', `/customers/${id}`, { as: 'admin' })).body;
const grade = async (id: string, as = REP) => api.call('GET', `/customers/${id}/grade`, { as });
const trail = async (id: string) => (await api.call('GET', `/audit?entityType=customer&entityId=${id}&limit=50`, { as: 'admin' })).body.items as any[];
const listed = async (tier: string, id: string) => {
  const res = await api.call('GET', `/customers?tier=${tier}&limit=100`, { as: REP });
  return (res.body.items as any[]).some((c) => c.id === id);
};

describe('orders update the rolling stats in the same write', () => {
  it('recording an order adds it to the list and to spend, count, dates and months', async () => {
    const { id } = await newCustomer();
    const res = await order(id, 250_000, { note: 'Renewal', date: TODAY });
    expect(res.body).toMatchObject({ customerId: id, amount: 250_000, currency: 'CNY', source: 'direct', note: 'Renewal', recordedBy: REP, ownerId: REP, teamId: 'east-enterprise', regionId: 'east', date: TODAY });
    expect(res.body.dealId).toBeUndefined();
    await order(id, 100_000, { date: TODAY });
    const after = await customer(id);
    expect(after.version).toBe(3);
    expect(after.stats).toMatchObject({ spend12m: 350_000, spendPrior12m: 0, orders12m: 2, orderCount: 2, firstOrderDate: TODAY, lastOrderDate: TODAY, avgIntervalDays: 0 });
    expect(after.stats.monthlyOrders).toEqual({ [TODAY.slice(0, 7)]: 2 });
    const orders = await api.call('GET', `/customers/${id}/orders`, { as: MANAGER });
    expect(orders.body.items.map((o: any) => o.amount).sort()).toEqual([100_000, 250_000]);
  });

  it('a won deal’s order updates the customer’s stats and grade too', async () => {
    const { id } = await newCustomer();
    const deal = await api.call('POST', '/deals', { as: REP, body: { customerId: id, title: 'Small win', amount: 100_000, productLineId: 'analytics' } });
    const won = await api.call('POST', `/deals/${deal.body.id}/stage`, { as: REP, body: { stage: 'won' } });
    expect(won.status, JSON.stringify(won.body)).toBe(200);
    const after = await customer(id);
    expect(after.stats).toMatchObject({ spend12m: 100_000, orderCount: 1, lastOrderDate: TODAY });
    expect(after.grade).toMatchObject({ score: 48, computedTier: 'C', policyVersion: 0 }); // 20·40 + 30·25 + 100·20 + 80·15 = 4750
    const orders = await api.call('GET', `/customers/${id}/orders`, { as: REP });
    expect(orders.body.items).toEqual([expect.objectContaining({ id: won.body.orderId, dealId: deal.body.id, source: 'deal', amount: 100_000 })]);
  });
});

describe('value grading', () => {
  it('the tier moves when orders push the score over a threshold, and every move is audited', async () => {
    const { id, tier } = await newCustomer();
    expect(tier).toBe('C');
    const ungraded = await grade(id);
    expect(ungraded.body).toMatchObject({ graded: false, score: null, tier: 'C', components: [], thresholds: { A: 80, B: 60, C: 40 } });

    const steps: [number, number, string][] = [];
    for (const amount of [1_000_000, 5_000_000, 120_000_000]) {
      await order(id, amount);
      const g = (await grade(id)).body;
      steps.push([amount, g.score, g.tier]);
      expect(sum(g.components.map((c: any) => c.contribution))).toBe(g.score);
    }
    // 10,000.00 → 56 (C); +50,000.00 → 69 (B); +1,200,000.00 → 85 (A)
    expect(steps).toEqual([
      [1_000_000, 56, 'C'],
      [5_000_000, 69, 'B'],
      [120_000_000, 85, 'A'],
    ]);
    const explained = (await grade(id)).body;
    expect(explained.components).toEqual([
      { component: 'monetary', measure: '12-month spend, minor units of CNY', value: 126_000_000, points: 100, weight: 40, contribution: 40 },
      { component: 'frequency', measure: 'orders in the last 12 months', value: 3, points: 50, weight: 25, contribution: 13 },
      { component: 'recency', measure: 'days since the last order (null: none yet)', value: 0, points: 100, weight: 20, contribution: 20 },
      { component: 'credit', measure: 'credit rating (null: unrated)', value: 'B', points: 80, weight: 15, contribution: 12 },
    ]);
    expect(explained).toMatchObject({ score: 85, tier: 'A', computedTier: 'A', pinned: null, asOf: TODAY, policyVersion: 0, currentPolicyVersion: 0 });
    expect(explained.rounding).toMatch(/largest remainder/);
    expect(await listed('A', id)).toBe(true);
    expect(await listed('C', id)).toBe(false);
    const moves = (await trail(id)).filter((e) => e.action === 'tier_change').map((e) => e.changes.find((c: any) => c.field === 'tier'));
    expect(moves).toEqual([
      { field: 'tier', before: 'B', after: 'A' },
      { field: 'tier', before: 'C', after: 'B' },
    ]);
  });

  it('a credit change regrades a graded customer in the same PATCH; its tier is pinned, never PATCHed', async () => {
    const { id } = await newCustomer();
    await order(id, 1_000_000);
    const before = await customer(id);
    expect(before.grade.score).toBe(56);
    const patched = await api.call('PATCH', `/customers/${id}`, { as: REP, body: { creditRating: 'E' }, headers: { 'if-match': `"${before.version}"` } });
    expect(patched.status).toBe(200);
    expect(patched.body.grade).toMatchObject({ score: 44 });
    expect(patched.body.grade.components[3]).toMatchObject({ value: 'E', points: 0, contribution: 0 });
    const tierEdit = await api.call('PATCH', `/customers/${id}`, { as: 'admin', body: { tier: 'A' }, headers: { 'if-match': `"${patched.body.version}"` } });
    expect(tierEdit.status).toBe(409);
    expect(tierEdit.body.error.code).toBe('tier_graded');
  });

  it('an admin pins a tier with a reason; it wins over the score until unpinned', async () => {
    const { id } = await newCustomer();
    await order(id, 1_000_000);
    expect((await api.call('PUT', `/customers/${id}/tier`, { as: MANAGER, body: { tier: 'A', reason: 'Strategic logo' } })).status).toBe(403);
    expect((await api.call('PUT', `/customers/${id}/tier`, { as: 'admin', body: { tier: 'A' } })).body.error.fields.reason).toBeDefined();
    expect((await api.call('PUT', `/customers/${id}/tier`, { as: 'admin', body: { tier: 'A', reason: 'Strategic logo' }, headers: { 'if-match': '"1"' } })).status).toBe(409);
    const pinned = await api.call('PUT', `/customers/${id}/tier`, { as: 'admin', body: { tier: 'A', reason: 'Strategic logo' } });
    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({ tier: 'A', computedTier: 'C', score: 56, pinned: { tier: 'A', reason: 'Strategic logo', by: 'admin' } });
    expect(await listed('A', id)).toBe(true);
    await order(id, 1_000); // a second order regrades (61: computed B), the pin holds
    expect((await grade(id)).body).toMatchObject({ tier: 'A', score: 61, computedTier: 'B', pinned: { tier: 'A' } });
    const unpinned = await api.call('DELETE', `/customers/${id}/tier`, { as: 'admin' });
    expect(unpinned.status).toBe(200);
    expect(unpinned.body).toMatchObject({ tier: 'B', computedTier: 'B', pinned: null });
    expect(await listed('B', id)).toBe(true);
    expect((await api.call('DELETE', `/customers/${id}/tier`, { as: 'admin' })).body.tier).toBe('B'); // unpinning again changes nothing
    const actions = (await trail(id)).map((e) => e.action);
    expect(actions.filter((a) => ['pin_tier', 'unpin_tier', 'tier_change'].includes(a))).toEqual(['tier_change', 'unpin_tier', 'tier_change', 'pin_tier']);
  });

  it('a customer without orders keeps the tier it was given; a pin grades it and survives its first order', async () => {
    const seededA = (await api.call('GET', '/customers?tier=A&limit=1', { as: TEAMMATE })).body.items[0];
    expect((await grade(seededA.id, TEAMMATE)).body).toMatchObject({ graded: false, tier: 'A' });
    const { id } = await api.call('POST', '/customers', { as: 'admin', body: { name: 'Flagship', ownerId: REP, tier: 'A' } }).then((r) => r.body);
    const pin = await api.call('PUT', `/customers/${id}/tier`, { as: 'admin', body: { tier: 'A', reason: 'Flagship account' } });
    expect(pin.body).toMatchObject({ graded: true, tier: 'A', pinned: { tier: 'A' }, score: 8, computedTier: 'D' }); // credit unrated only
    await order(id, 100);
    expect((await customer(id)).tier).toBe('A');
  });
});

describe('POST /customers/{id}/orders: keys, scope and input', () => {
  it('Idempotency-Key: a repeat replays the first order and counts it once; another body is a 422', async () => {
    const { id } = await newCustomer();
    const body = { amount: 70_000, date: TODAY, productLineId: 'services' };
    const first = await api.call('POST', `/customers/${id}/orders`, { as: REP, body, headers: { 'idempotency-key': 'order-idem-0001' } });
    const again = await api.call('POST', `/customers/${id}/orders`, { as: REP, body, headers: { 'idempotency-key': 'order-idem-0001' } });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await customer(id)).stats.orderCount).toBe(1);
    const other = await api.call('POST', `/customers/${id}/orders`, { as: REP, body: { ...body, amount: 1 }, headers: { 'idempotency-key': 'order-idem-0001' } });
    expect(other.status).toBe(422);
  });

  it('who may record: the owner and their manager; another rep gets a 404, finance a 403', async () => {
    const { id } = await newCustomer();
    await order(id, 1_000, {}, MANAGER);
    const body = { amount: 1_000, date: TODAY, productLineId: 'crm-suite' };
    for (const outsider of [TEAMMATE, 'rep-south-enterprise-1', 'manager-east-commercial']) {
      expect((await api.call('POST', `/customers/${id}/orders`, { as: outsider, body })).status, outsider).toBe(404);
      expect((await grade(id, outsider)).status, outsider).toBe(404);
    }
    expect((await api.call('POST', `/customers/${id}/orders`, { as: 'finance', body })).status).toBe(403);
    expect((await grade(id, 'finance')).status).toBe(200);
  });

  it('simultaneous orders on one customer all count: none is lost to another’s write', async () => {
    const { id } = await newCustomer();
    const results = await Promise.all([1_000, 2_000, 4_000].map((amount) => api.call('POST', `/customers/${id}/orders`, { as: REP, body: { amount, date: TODAY, productLineId: 'crm-suite' } })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    expect((await customer(id)).stats).toMatchObject({ orderCount: 3, spend12m: 7_000, orders12m: 3 });
  });

  it('bad input is a 400 naming the field', async () => {
    const { id } = await newCustomer();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const ok = { amount: 1_000, date: TODAY, productLineId: 'crm-suite' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...ok, amount: 0 }, 'amount'],
      [{ ...ok, amount: 10.5 }, 'amount'],
      [{ ...ok, amount: '1000' }, 'amount'],
      [{ ...ok, currency: 'XYZ' }, 'currency'],
      [{ ...ok, date: '2026-02-30' }, 'date'],
      [{ ...ok, date: tomorrow }, 'date'],
      [{ ...ok, productLineId: undefined }, 'productLineId'],
      [{ ...ok, productLineId: 'no-such-line' }, 'productLineId'],
      [{ ...ok, source: 'deal' }, 'source'],
      [{ ...ok, dealId: 'x' }, 'dealId'],
    ];
    for (const [body, field] of cases) {
      const res = await api.call('POST', `/customers/${id}/orders`, { as: REP, body });
      expect(res.status, field).toBe(400);
      expect(Object.keys(res.body.error.fields), JSON.stringify(body)).toContain(field);
    }
    expect((await customer(id)).stats).toBeUndefined();
  });

  it('POST order, GET grade and a pin each cost at most two DynamoDB round trips', async () => {
    const { id } = await newCustomer();
    const posted = await order(id, 5_000);
    const explained = await grade(id);
    const pinned = await api.call('PUT', `/customers/${id}/tier`, { as: 'admin', body: { tier: 'B', reason: 'Trial' } });
    expect({ posted: trips(posted), explained: trips(explained), pinned: trips(pinned) }).toEqual({ posted: 3, explained: 1, pinned: 2 }); // posting: the order, plus one read to re-evaluate churn health
  });

  it('the routes are in /openapi.json, from the same schemas', async () => {
    const paths = (await api.call('GET', '/openapi.json')).body.paths;
    expect(paths['/customers/{id}/orders'].post.requestBody.content['application/json'].schema.properties.amount).toBeDefined();
    expect(Object.keys(paths['/customers/{id}/tier'])).toEqual(expect.arrayContaining(['put', 'delete']));
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/customers/{id}/grade', '/grading-policy']));
  });
});

describe('the grading policy and the daily regrade', () => {
  it('GET|PUT /grading-policy: admin only, If-Match (412 without, 409 stale), 400 naming the field', async () => {
    const current = await api.call('GET', '/grading-policy', { as: REP });
    expect(current.status).toBe(200);
    expect(current.headers.get('etag')).toBe('"0"');
    const policy = current.body.policy;
    expect((await api.call('PUT', '/grading-policy', { as: 'vp', body: policy, headers: { 'if-match': '"0"' } })).status).toBe(403);
    expect((await api.call('PUT', '/grading-policy', { as: 'admin', body: policy })).status).toBe(412);
    const bad = await api.call('PUT', '/grading-policy', { as: 'admin', body: { ...policy, weights: { ...policy.weights, credit: 30 } }, headers: { 'if-match': '"0"' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.weights).toMatch(/add up to 100/);
    const stricter = { ...policy, thresholds: { A: 90, B: 70, C: 45 } };
    const saved = await api.call('PUT', '/grading-policy', { as: 'admin', body: stricter, headers: { 'if-match': '"0"' } });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ version: 1, updatedBy: 'admin' });
    expect((await api.call('PUT', '/grading-policy', { as: 'admin', body: policy, headers: { 'if-match': '"0"' } })).status).toBe(409);
  });

  it('regradeCustomer applies the policy in force and ages the windows; the page driver walks every active customer', async () => {
    const { id } = await newCustomer();
    await order(id, 120_000_000);
    expect((await customer(id)).grade).toMatchObject({ policyVersion: 1, computedTier: 'B' }); // 77 under the stricter thresholds
    const clock = { now: () => new Date(Date.now() + 400 * 86_400_000) };
    const aged = await regradeCustomer({ db: api.db, clock }, id);
    expect(aged).toMatchObject({ result: 'changed', tierChanged: true, tier: 'D' });
    const after = await customer(id);
    expect(after.stats).toMatchObject({ spend12m: 0, spendPrior12m: 120_000_000, orders12m: 0, orderCount: 1 });
    expect(after.grade.components[2]).toMatchObject({ component: 'recency', value: 400, points: 0 });
    expect((await trail(id))[0]).toMatchObject({ action: 'tier_change', actorId: 'system' });
    expect(await regradeCustomer({ db: api.db, clock }, id)).toMatchObject({ result: 'unchanged' });

    const page = await regradeCustomersPage({ db: api.db, clock }, { limit: 7 });
    expect(page.scanned).toBe(7);
    expect(page.nextCursor).not.toBeNull();
    const all = await regradeAllCustomers({ db: api.db, clock }, 25);
    const active = (await api.call('GET', '/customers?limit=100', { as: 'vp' })).body.items.length;
    expect(all.scanned).toBeGreaterThanOrEqual(active);
    expect(all.changed).toBeGreaterThan(0);
    expect(await regradeAllCustomers({ db: api.db, clock }, 25)).toMatchObject({ changed: 0 });
  });
});
