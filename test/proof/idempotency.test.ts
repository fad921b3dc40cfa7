import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { testApi, type ApiResponse } from '#test/support/api';
import { motivationKeys } from '#shared/core/keys';
import { repCounts } from '#shared/team/rep-stats';

/**
 * Claim 4 (issue 8), idempotency: 20 parallel identical POSTs with one Idempotency-Key create one item — every answer
 * is the same record with the same 2xx, the list shows it once, and its side effects (audit entry, the rep's
 * new-customer counter, the funnel's entered count) happen once; the same key with another body is a 422 JSON error.
 */
let api: Awaited<ReturnType<typeof testApi>>;
const REP = 'rep-east-commercial-2';
const MATE = 'rep-east-commercial-3';
const PARALLEL = 20;
const month = new Date().toISOString().slice(0, 7);

beforeAll(async () => {
  api = await testApi({ demo: true });
}, 300_000);

async function listAll(path: string, as: string) {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse = await api.call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as });
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

const newCustomers = async (rep: string) => {
  const item = (await api.db.doc.send(new GetCommand({ TableName: api.db.tableName, Key: motivationKeys.repStats(month), ConsistentRead: true }))).Item;
  return repCounts([item], rep).newCustomers;
};

function expectOneRecord(results: ApiResponse[], status: number) {
  expect(results.map((r) => r.status)).toEqual(Array(PARALLEL).fill(status));
  const ids = new Set(results.map((r) => r.body.id));
  expect(ids.size).toBe(1);
  // Every answer is the same record, field for field: the replays return the stored first answer.
  for (const r of results) expect(r.body).toEqual(results[0]!.body);
  expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(PARALLEL - 1);
  return [...ids][0] as string;
}

describe('POST /customers × 20 in parallel with one Idempotency-Key', () => {
  const body = { name: 'Once Only Trading', industry: 'Retail' };
  let id: string;

  it('one customer, 20 identical 201 answers, listed once, audited once, counted once', async () => {
    const countedBefore = await newCustomers(REP);
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, () => api.call('POST', '/customers', { as: REP, body, headers: { 'idempotency-key': 'proof-customer-0001' } })),
    );
    id = expectOneRecord(results, 201);
    expect((await listAll('/customers', REP)).filter((c) => c.name === body.name).map((c) => c.id)).toEqual([id]);
    const audit = await listAll(`/audit?entityType=customer&entityId=${id}`, REP);
    expect(audit.map((e) => e.action)).toEqual(['create']);
    expect(await newCustomers(REP)).toBe(countedBefore + 1);
  }, 60_000);

  it('the same key with another body is a 422 JSON error, and creates nothing', async () => {
    const reused = await api.call('POST', '/customers', { as: REP, body: { ...body, industry: 'Finance' }, headers: { 'idempotency-key': 'proof-customer-0001' } });
    expect(reused.status).toBe(422);
    expect(reused.body).toEqual({ error: { code: 'idempotency_key_reused', message: expect.any(String) } });
    expect((await listAll('/customers', REP)).filter((c) => c.name === body.name)).toHaveLength(1);
  });

  it('keys belong to the caller: a teammate using the same key string makes their own customer', async () => {
    const theirs = await api.call('POST', '/customers', { as: MATE, body, headers: { 'idempotency-key': 'proof-customer-0001' } });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(id);
    expect(theirs.body.ownerId).toBe(MATE);
  });
});

describe('POST /deals × 20 in parallel with one Idempotency-Key', () => {
  it('one deal, 20 identical 201 answers, listed once, entered in the funnel once; another body under the key is a 422', async () => {
    const customerId = (await listAll('/customers?tier=C', REP))[0].id;
    const body = { customerId, title: 'Once-only rollout', amount: 1_250_000, productLineId: 'analytics', expectedCloseDate: '2026-12-31' };
    const funnel = async () => (await api.call('GET', `/dashboard?period=${month}&scope=me`, { as: REP })).body.funnel.entered as number;
    const enteredBefore = await funnel();
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, () => api.call('POST', '/deals', { as: REP, body, headers: { 'idempotency-key': 'proof-deal-0001' } })),
    );
    const id = expectOneRecord(results, 201);
    expect((await listAll('/deals', REP)).filter((d) => d.title === body.title).map((d) => d.id)).toEqual([id]);
    expect(await funnel()).toBe(enteredBefore + 1);
    expect((await listAll(`/audit?entityType=deal&entityId=${id}`, REP)).map((e) => e.action)).toEqual(['create']);

    const reused = await api.call('POST', '/deals', { as: REP, body: { ...body, amount: 1 }, headers: { 'idempotency-key': 'proof-deal-0001' } });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    expect((await listAll('/deals', REP)).filter((d) => d.title === body.title)).toHaveLength(1);
  }, 60_000);
});
