import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '#shared/core/keys';
import { testApi } from '#test/support/api';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

const MANAGER = 'manager-east-enterprise';
const REP = 'rep-east-enterprise-1';
const OTHER_MANAGER = 'manager-south-enterprise';
const TODAY = new Date().toISOString().slice(0, 10);
const tag = Math.random().toString(36).slice(2, 8);

const upload = (path: string, body: string, as = MANAGER, type = 'text/csv') => api.call('POST', path, { as, rawBody: body, headers: { 'content-type': type } });

async function finished(id: string, as = MANAGER) {
  for (let i = 0; i < 600; i++) {
    const res = await api.call('GET', `/imports/${id}`, { as });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${id} did not finish`);
}

const createCustomer = (body: Record<string, unknown>, query = '', as = REP, headers: Record<string, string> = {}) => api.call('POST', `/customers${query}`, { as, body, headers });
const actuals = async (scope: string) => (await api.db.doc.send(new GetCommand({ TableName: api.db.tableName, Key: keys.actuals(scope, TODAY.slice(0, 7)) }))).Item;

describe('duplicate detection on create', () => {
  it('answers 409 with the candidate for the same normalised name and phone, creates and flags it on override', async () => {
    const first = await createCustomer({ name: `Dup ${tag} Trading Co., Ltd.`, contacts: [{ name: 'Ann', phone: '+86 21 5555 0101' }] });
    expect(first.status).toBe(201);
    const again = await createCustomer({ name: `DUP ${tag} trading limited`, contacts: [{ name: 'Bob', phone: '+86-21-5555-0101' }] });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'possible_duplicate', candidates: [{ customerId: first.body.id, name: first.body.name, matchedFields: ['phone'] }] });
    // Someone who may not see that customer learns only that one matches, not which.
    const outsider = await createCustomer({ name: `DUP ${tag} trading limited`, contacts: [{ name: 'Di', phone: '+86-21-5555-0101' }] }, '', 'rep-south-enterprise-1');
    expect(outsider.status).toBe(409);
    expect(outsider.body.error.candidates).toEqual([{ outsideYourScope: true, matchedFields: ['phone'] }]);
    // Same name but nothing else in common is not a duplicate.
    expect((await createCustomer({ name: `Dup ${tag} Trading`, contacts: [{ name: 'Cy', phone: '+86 10 1111 2222' }] })).status).toBe(201);

    const forced = await createCustomer({ name: `DUP ${tag} trading limited`, contacts: [{ name: 'Bob', phone: '+86-21-5555-0101' }] }, '?allowDuplicate=true');
    expect(forced.status).toBe(201);
    const pairs = await api.call('GET', '/data-quality/duplicates?limit=100', { as: MANAGER });
    expect(pairs.body.items).toContainEqual(expect.objectContaining({ customerId: forced.body.id, candidateId: first.body.id, matchedFields: ['phone'], status: 'open', source: 'create' }));
    // Outside the pair's scope it is not listed.
    const south = await api.call('GET', '/data-quality/duplicates?limit=100', { as: OTHER_MANAGER });
    expect(south.body.items.some((p: any) => p.customerId === forced.body.id)).toBe(false);
  });

  it('an Idempotency-Key replay answers as the first time, not 409 on itself', async () => {
    const body = { name: `Replay ${tag}`, taxId: `RP-${tag}` , contacts: [{ name: 'Dee', email: `dee@${tag}.example` }] };
    const headers = { 'idempotency-key': `dup-replay-${tag}` };
    const first = await createCustomer(body, '', REP, headers);
    const second = await createCustomer(body, '', REP, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
  });
});

describe('imports: who, what and how big', () => {
  it('only managers and above import customers; finance may import orders; a rep neither', async () => {
    expect((await upload('/imports/customers', 'name\nX\n', REP)).status).toBe(403);
    expect((await upload('/imports/customers', 'name\nX\n', 'finance')).status).toBe(403);
    expect((await upload('/imports/orders', 'externalOrderId,customerId,amount,date,productLineId\n', REP)).status).toBe(403);
  });
  it('refuses a wrong header before any job exists, and anything but text/csv', async () => {
    const res = await upload('/imports/customers', 'nom,email\nX,a@b.c\n');
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toMatchObject({ nom: 'Unknown column', name: 'Required column missing' });
    expect((await upload('/imports/customers', '{"name":"x"}', MANAGER, 'application/json')).status).toBe(415);
  });
  it('imports take bodies over the global 1 MB limit up to 20 MB; other routes keep the global limit', async () => {
    const big = `name,industry\n"Big ${tag}",${'x'.repeat(1_500_000)}\n`;
    const res = await upload('/imports/customers', big);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'done', rowsTotal: 1, rowsFailed: 1, errors: { items: [{ line: 2, field: '_row' }] } });
    expect((await upload('/imports/customers', `name\n${'y'.repeat(21 * 1024 * 1024)}\n`)).status).toBe(413);
    expect((await api.call('POST', '/customers', { as: REP, rawBody: JSON.stringify({ name: 'z'.repeat(1_200_000) }) })).status).toBe(413);
  });
});

describe('import flags near-duplicates, imports orders idempotently, and a merge keeps the orders', () => {
  it('a near-duplicate row is imported flagged; its orders survive the merge; actuals unchanged', async () => {
    const original = await createCustomer({ name: `Merge ${tag} Ltd`, taxId: `MG-${tag}`, contacts: [{ name: 'Eve', email: `eve@${tag}.example` }] });
    expect(original.status).toBe(201);
    const customers = [
      'externalId,name,taxId,contactName,email,ownerId',
      `M-${tag}-1,"MERGE ${tag} limited",,Eve,EVE@${tag}.example,${REP}`,
      `M-${tag}-2,Fresh ${tag},,,,${REP}`,
      `M-${tag}-3,Elsewhere ${tag},,,,${OTHER_MANAGER}`,
    ].join('\n');
    const job = await finished((await upload('/imports/customers', customers)).body.id);
    expect(job).toMatchObject({ status: 'done', rowsCreated: 2, rowsFlagged: 1, rowsFailed: 1, errors: { items: [{ line: 4, field: 'ownerId' }] } });
    const pairs = (await api.call('GET', '/data-quality/duplicates?limit=100', { as: MANAGER })).body.items as any[];
    const pair = pairs.find((p) => p.candidateId === original.body.id && p.source === 'import');
    expect(pair).toMatchObject({ matchedFields: ['email'], status: 'open' });
    const dupId = pair.customerId as string;

    // Orders for both, by CSV (bad rows reported by line and field), imported again: nothing new.
    const orders = [
      'externalOrderId,customerId,amount,date,productLineId,currency',
      `O-${tag}-1,${dupId},100000,${TODAY},crm-suite,CNY`,
      `O-${tag}-2,${dupId},50000,${TODAY},analytics,`,
      `O-${tag}-3,${original.body.id},70000,${TODAY},crm-suite,CNY`,
      `O-${tag}-4,no-such-customer,1000,${TODAY},crm-suite,CNY`,
      `O-${tag}-5,${dupId},10.5,${TODAY},crm-suite,CNY`,
      `O-${tag}-6,${dupId},1000,${TODAY},no-such-line,CNY`,
      `O-${tag}-1,${dupId},100000,${TODAY},crm-suite,CNY`,
    ].join('\n');
    const first = await finished((await upload('/imports/orders', orders, 'finance')).body.id, 'finance');
    // The repeated O-1 (line 8) is a mistake in the file, not an order imported before.
    expect(first).toMatchObject({ status: 'done', rowsTotal: 7, rowsCreated: 3, rowsExisting: 0, rowsFailed: 4 });
    expect(first.errors.items.map((e: any) => [e.line, e.field])).toEqual([[5, 'customerId'], [6, 'amount'], [7, 'productLineId'], [8, 'externalOrderId']]);
    expect(first.errors.items[3].message).toBe(`externalOrderId O-${tag}-1 repeats line 2`);
    const again = await finished((await upload('/imports/orders', orders, 'finance')).body.id, 'finance');
    expect(again).toMatchObject({ rowsCreated: 0, rowsExisting: 3, rowsFailed: 4 });
    const dupBefore = (await api.call('GET', `/customers/${dupId}`, { as: MANAGER })).body;
    expect(dupBefore.stats).toMatchObject({ orderCount: 2, spend12m: 150_000 });

    const deal = await api.call('POST', '/deals', { as: REP, body: { customerId: dupId, title: `Deal ${tag}`, amount: 10_000, productLineId: 'analytics' } });
    expect(deal.status, JSON.stringify(deal.body)).toBe(201);
    const actualsBefore = await actuals(`REP#${REP}`);

    expect((await api.call('POST', `/data-quality/duplicates/${pair.id}/merge`, { as: REP, body: { keepId: original.body.id } })).status).toBe(403);
    expect((await api.call('POST', `/data-quality/duplicates/${pair.id}/merge`, { as: MANAGER, body: { keepId: 'someone-else' } })).status).toBe(400);
    const merged = await api.call('POST', `/data-quality/duplicates/${pair.id}/merge`, { as: MANAGER, body: { keepId: original.body.id } });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body).toMatchObject({ ordersMoved: 2, pair: { status: 'merged', keptId: original.body.id } });

    const keptOrders = (await api.call('GET', `/customers/${original.body.id}/orders?limit=100`, { as: MANAGER })).body.items as any[];
    expect(keptOrders.map((o) => o.amount).sort()).toEqual([100_000, 50_000, 70_000].sort());
    expect(keptOrders.every((o) => o.customerId === original.body.id)).toBe(true);
    expect((await api.call('GET', `/customers/${dupId}/orders`, { as: MANAGER })).body.items).toEqual([]);
    const kept = (await api.call('GET', `/customers/${original.body.id}`, { as: MANAGER })).body;
    expect(kept.stats).toMatchObject({ orderCount: 3, spend12m: 220_000 });
    const gone = (await api.call('GET', `/customers/${dupId}`, { as: MANAGER })).body;
    expect(gone).toMatchObject({ status: 'merged', mergedInto: original.body.id });
    expect(gone.stats).toBeUndefined(); // its orders count on the kept customer only
    expect((await api.call('GET', `/deals/${deal.body.id}`, { as: REP })).body).toMatchObject({ customerId: original.body.id });
    expect(await actuals(`REP#${REP}`)).toEqual(actualsBefore);
    for (const id of [original.body.id, dupId]) {
      const trail = (await api.call('GET', `/audit?entityType=customer&entityId=${id}&limit=50`, { as: 'admin' })).body.items as any[];
      expect(trail.some((e) => e.action === 'merge' || e.action === 'merge_keep')).toBe(true);
    }
    expect((await api.call('POST', `/data-quality/duplicates/${pair.id}/merge`, { as: MANAGER, body: { keepId: original.body.id } })).status).toBe(409);
    // The merged customer no longer counts as a candidate.
    const retry = await createCustomer({ name: `merge ${tag}`, contacts: [{ name: 'Eve', email: `eve@${tag}.example` }] });
    expect(retry.body.error?.candidates ?? []).not.toContainEqual(expect.objectContaining({ customerId: dupId }));
  });
});
