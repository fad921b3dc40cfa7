import { beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { customerDealKeys, dataQualityKeys, keys } from '#shared/core/keys';
import { matchKeys } from '#shared/data-quality/normalise';
import { testApi } from '#test/support/api';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

const MANAGER = 'manager-east-enterprise';
const REP = 'rep-east-enterprise-1';
const tag = Math.random().toString(36).slice(2, 8);

const createCustomer = (body: Record<string, unknown>, query = '') => api.call('POST', `/customers${query}`, { as: REP, body });
const createDeal = async (customerId: string, title: string) => {
  const res = await api.call('POST', '/deals', { as: REP, body: { customerId, title, productLineId: 'crm-suite', amount: 10_000 } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; version: number };
};
const dealRefIds = async (customerId: string) => {
  const out = await api.db.doc.send(new QueryCommand({
    TableName: api.db.tableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
    ExpressionAttributeValues: { ':pk': customerDealKeys.dealRefPartition(customerId), ':sk': customerDealKeys.dealRefSortPrefix },
    ConsistentRead: true,
  }));
  return (out.Items ?? []).map((item) => String(item.dealId)).sort();
};
const readDeal = async (id: string) => (await api.db.doc.send(new GetCommand({ TableName: api.db.tableName, Key: keys.deal(id), ConsistentRead: true }))).Item!;

describe('merge moves the deals found through the customer deal references', () => {
  it('moves the other customer\'s deals and their references to the kept one; a third customer\'s deal is untouched', async () => {
    const kept = await createCustomer({ name: `Refs ${tag} Ltd`, contacts: [{ name: 'Ann', phone: '+86 21 7777 0101' }] });
    expect(kept.status).toBe(201);
    const dup = await createCustomer({ name: `REFS ${tag} limited`, contacts: [{ name: 'Bob', phone: '+86-21-7777-0101' }] }, '?allowDuplicate=true');
    expect(dup.status).toBe(201);
    const third = await createCustomer({ name: `Bystander ${tag}`, contacts: [{ name: 'Cy', phone: '+86 21 7777 0909' }] });
    expect(third.status).toBe(201);

    const dupDeals = [await createDeal(dup.body.id, 'One'), await createDeal(dup.body.id, 'Two')];
    const thirdDeal = await createDeal(third.body.id, 'Bystander');
    // The create transaction wrote one reference per deal in the customer's partition.
    expect(await dealRefIds(dup.body.id)).toEqual(dupDeals.map((d) => d.id).sort());
    expect(await dealRefIds(third.body.id)).toEqual([thirdDeal.id]);
    // A deal without a reference (as one created before the references existed) is not found by the merge.
    const legacy = await createDeal(dup.body.id, 'Legacy');
    await api.db.doc.send(new DeleteCommand({ TableName: api.db.tableName, Key: customerDealKeys.dealRef(dup.body.id, legacy.id) }));

    const pair = ((await api.call('GET', '/data-quality/duplicates?limit=100', { as: MANAGER })).body.items as any[]).find((p) => p.customerId === dup.body.id);
    expect(pair).toMatchObject({ candidateId: kept.body.id, status: 'open' });
    const merged = await api.call('POST', `/data-quality/duplicates/${pair.id}/merge`, { as: MANAGER, body: { keepId: kept.body.id } });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);

    for (const deal of dupDeals) {
      expect(await readDeal(deal.id)).toMatchObject({ customerId: kept.body.id, mergedFromCustomerId: dup.body.id, version: deal.version + 1 });
      expect((await api.call('GET', `/deals/${deal.id}`, { as: REP })).body).toMatchObject({ customerId: kept.body.id });
      // The deal's own trail tells who moved it from which customer.
      const trail = await api.call('GET', `/audit?entityType=deal&entityId=${deal.id}`, { as: REP });
      expect(trail.body.items[0]).toMatchObject({ action: 'customer_merged', actorId: MANAGER, changes: [{ field: 'customerId', before: dup.body.id, after: kept.body.id }] });
    }
    expect(await dealRefIds(kept.body.id)).toEqual(dupDeals.map((d) => d.id).sort());
    expect(await dealRefIds(dup.body.id)).toEqual([]);
    expect(await readDeal(thirdDeal.id)).toMatchObject({ customerId: third.body.id, version: thirdDeal.version });
    expect(await readDeal(thirdDeal.id)).not.toHaveProperty('mergedFromCustomerId');
    expect(await dealRefIds(third.body.id)).toEqual([thirdDeal.id]);
    expect(await readDeal(legacy.id)).toMatchObject({ customerId: dup.body.id, version: legacy.version });
  });
});

describe('a PATCH refreshes the customer\'s duplicate lookup entries', () => {
  it('after a phone change, a new customer with the old phone no longer matches it and one with the new phone does', async () => {
    const name = `Phoney ${tag} Co`;
    const created = await createCustomer({ name, contacts: [{ name: 'Dee', phone: '+86 10 6666 1111' }] });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const before = await createCustomer({ name, contacts: [{ name: 'X', phone: '+86 10 6666 1111' }] });
    expect(before.status).toBe(409);

    const patched = await api.call('PATCH', `/customers/${id}`, { as: REP, body: { contacts: [{ name: 'Dee', phone: '+86 10 6666 2222' }] }, headers: { 'if-match': `"${created.body.version}"` } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    const oldPhone = await createCustomer({ name, contacts: [{ name: 'Y', phone: '+86 10 6666 1111' }] });
    expect(oldPhone.status, JSON.stringify(oldPhone.body)).toBe(201);
    const newPhone = await createCustomer({ name, contacts: [{ name: 'Z', phone: '+86-10-6666-2222' }] });
    expect(newPhone.status).toBe(409);
    expect(newPhone.body.error.candidates).toContainEqual(expect.objectContaining({ customerId: id, matchedFields: ['phone'] }));
    // The old lookup item still lists the customer created with the old phone, and no longer the patched one.
    const oldLookup = (await api.db.doc.send(new GetCommand({ TableName: api.db.tableName, Key: dataQualityKeys.matchLookup(matchKeys({ name, contacts: [{ phone: '+86 10 6666 1111' }] })[0]!.key), ConsistentRead: true }))).Item;
    expect([...(oldLookup?.customerIds ?? [])]).toEqual([oldPhone.body.id]);

    // Idempotent: a PATCH that changes something else leaves the lookups alone; changing back restores the match.
    const again = await api.call('PATCH', `/customers/${id}`, { as: REP, body: { industry: 'Retail' }, headers: { 'if-match': `"${patched.body.version}"` } });
    expect(again.status).toBe(200);
    expect((await createCustomer({ name, contacts: [{ name: 'Z', phone: '+86 10 6666 2222' }] })).status).toBe(409);
  });
});
