import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';

/** What the fuzzer (fuzz.test.ts) found, pinned: each was a 500 or a wrong answer before its fix. */
let api: Awaited<ReturnType<typeof testApi>>;
const REP = 'rep-east-enterprise-1';

beforeAll(async () => {
  api = await testApi({ demo: true });
}, 300_000);

const fieldsOf = (res: { body: any }) => Object.keys(res.body?.error?.fields ?? {});

describe('fuzz findings stay fixed', () => {
  it('a number DynamoDB cannot store (5e-324, 1e-200) is a 400 naming the field, not a 500, and nothing is written', async () => {
    const criteria = { marketOverlap: 1e-200, capability: 3, reputation: 3, financialHealth: 3, strategicFit: 3 };
    const partner = await api.call('POST', '/partners', { as: 'admin', body: { name: 'Tiny Numbers Ltd', type: 'channel', criteria } });
    expect(partner.status, JSON.stringify(partner.body)).toBe(400);
    expect(fieldsOf(partner)).toContain('criteria.marketOverlap');
    const course = await api.call('POST', '/courses', { as: 'admin', body: { title: 'Tiny hours', category: 'sales_skills', requiredForRoles: ['rep'], hours: 5e-324 } });
    expect(course.status, JSON.stringify(course.body)).toBe(400);
    expect(fieldsOf(course)).toContain('hours');
    const partners = await api.call('GET', '/partners?limit=100', { as: 'admin' });
    expect(partners.body.items.filter((p: any) => p.name === 'Tiny Numbers Ltd')).toEqual([]);
    const fine = await api.call('POST', '/partners', { as: 'admin', body: { name: 'Tiny Numbers Ltd', type: 'channel', criteria: { ...criteria, marketOverlap: 0.5 } } });
    expect(fine.status, JSON.stringify(fine.body)).toBe(201);
  });

  it('an unknown field named "__proto__" is reported by name (the error fields used to come back empty)', async () => {
    const res = await api.call('POST', '/customers', { as: REP, rawBody: '{"name":"Proto Co","__proto__":{"isAdmin":true}}' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(['__proto__']);
  });

  it('GET /dashboard refuses an unknown query parameter like every other route', async () => {
    const res = await api.call('GET', '/dashboard?period=2026&colour=blue', { as: REP });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toContain('colour');
    expect((await api.call('GET', '/dashboard?period=2026', { as: REP })).status).toBe(200);
  });
});
