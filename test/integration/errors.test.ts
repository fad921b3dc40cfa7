import { beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { testApi } from '#test/support/api';

let api: Awaited<ReturnType<typeof testApi>>;
const REP = 'rep-east-enterprise-1';

beforeAll(async () => {
  api = await testApi({ demo: true, maxBodyBytes: 64 * 1024 });
});

async function customerCount() {
  const out = await api.db.doc.send(
    new QueryCommand({ TableName: api.db.tableName, IndexName: 'GSI4', KeyConditionExpression: 'GSI4PK = :p', ExpressionAttributeValues: { ':p': 'CUSTOMERS' }, Select: 'COUNT' }),
  );
  return out.Count;
}

describe('bad input is a JSON 4xx naming the problem, and nothing is written', () => {
  it('covers bad JSON, wrong types, unknown and server-owned fields, huge strings, huge limits, wrong media type, oversize bodies', async () => {
    const before = await customerCount();
    const cases: [string, Parameters<typeof api.call>[2] & { path?: string; method?: string }, number, string | null][] = [
      ['bad JSON', { rawBody: '{"name": "x",', as: REP }, 400, null],
      ['wrong type', { body: { name: 42 }, as: REP }, 400, 'name'],
      ['unknown field', { body: { name: 'ok', colour: 'blue' }, as: REP }, 400, 'colour'],
      ['server-owned status', { body: { name: 'ok', status: 'archived' }, as: REP }, 400, 'status'],
      ['server-owned version', { body: { name: 'ok', version: 9 }, as: REP }, 400, 'version'],
      ['10 KB string', { body: { name: 'x'.repeat(10_000) }, as: REP }, 400, 'name'],
      ['bad nested email', { body: { name: 'ok', contacts: [{ name: 'a', email: 'not-an-email' }] }, as: REP }, 400, 'contacts.0.email'],
      ['too many tags', { body: { name: 'ok', tags: Array(50).fill('t') }, as: REP }, 400, 'tags'],
      ['text/plain body', { rawBody: 'name=x', headers: { 'content-type': 'text/plain' }, as: REP }, 415, null],
      ['oversize body', { body: { name: 'ok', industry: 'y'.repeat(70_000) }, as: REP }, 413, null],
      ['limit=100000', { method: 'GET', path: '/customers?limit=100000', as: REP }, 400, 'limit'],
      ['unknown query parameter', { method: 'GET', path: '/customers?colour=blue', as: REP }, 400, 'colour'],
      ['bad tier filter', { method: 'GET', path: '/customers?tier=Z', as: REP }, 400, 'tier'],
      ['malformed id', { method: 'GET', path: '/customers/..%2F..%2Fetc', as: REP }, 400, 'id'],
    ];
    for (const [label, init, status, field] of cases) {
      const res = await api.call(init.method ?? 'POST', init.path ?? '/customers', init);
      expect(res.status, label).toBe(status);
      expect(typeof res.body?.error?.code, label).toBe('string');
      expect(typeof res.body?.error?.message, label).toBe('string');
      if (field) expect(Object.keys(res.body.error.fields ?? {}), label).toContain(field);
    }
    expect(await customerCount()).toBe(before);
  });

  it('a malformed If-Match is a 400 and a stale one a 409; the record is unchanged', async () => {
    const created = await api.call('POST', '/customers', { as: REP, body: { name: 'Guarded' } });
    const bad = await api.call('PATCH', `/customers/${created.body.id}`, { as: REP, body: { name: 'x' }, headers: { 'if-match': 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields['If-Match']).toBeDefined();
    const stale = await api.call('PATCH', `/customers/${created.body.id}`, { as: REP, body: { name: 'x' }, headers: { 'if-match': '"7"' } });
    expect(stale.status).toBe(409);
    const after = await api.call('GET', `/customers/${created.body.id}`, { as: REP });
    expect(after.body).toMatchObject({ name: 'Guarded', version: 1 });
    const trail = await api.call('GET', `/audit?entityType=customer&entityId=${created.body.id}`, { as: REP });
    expect(trail.body.items).toHaveLength(1);
  });

  it('an unknown route and a wrong method are JSON 404s', async () => {
    const res = await api.call('GET', '/nowhere', { as: REP });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const del = await api.call('DELETE', '/customers', { as: REP });
    expect(del.status).toBe(404);
  });
});

describe('system routes', () => {
  it('GET /health is open and reports the table and the engine', async () => {
    const res = await api.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', table: 'ok', engine: 'ok' });
  });

  it('every response carries Server-Timing with the DynamoDB round trips; reads and writes stay within two', async () => {
    const list = await api.call('GET', '/customers', { as: REP });
    const created = await api.call('POST', '/customers', { as: REP, body: { name: 'Timed' } });
    const read = await api.call('GET', `/customers/${created.body.id}`, { as: REP });
    const patched = await api.call('PATCH', `/customers/${created.body.id}`, { as: REP, body: { name: 'Timed 2' }, headers: { 'if-match': '"1"' } });
    const trips = (res: { headers: Headers }) => Number(/^ddb;dur=[\d.]+;desc="(\d+)"$/.exec(res.headers.get('server-timing') ?? '')?.[1]);
    expect([trips(list), trips(created), trips(read), trips(patched)]).toEqual([2, 2, 1, 2]);
  });

  it('/openapi.json is OpenAPI 3.1 generated from the route schemas, and /docs renders it', async () => {
    const doc = await api.call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/customers', '/customers/{id}', '/users', '/teams/{id}', '/audit', '/health']));
    expect(doc.body.paths['/customers'].post.requestBody.content['application/json'].schema.properties.name).toBeDefined();
    const docs = await api.call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.body).toContain('/customers/{id}');
  });
});

describe('plain messages for the commonest mistakes', () => {
  it('a field left out says Required; a missing or non-numeric number in the query says so', async () => {
    const missing = await api.call('POST', '/customers', { as: REP, body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields).toEqual({ name: 'Required' });
    const noDays = await api.call('GET', '/reports/stale-deals', { as: REP });
    expect(noDays.status).toBe(400);
    expect(noDays.body.error.fields.days).toBe('Required: a number');
    const wrongType = await api.call('POST', '/customers', { as: REP, body: { name: 42 } });
    expect(wrongType.body.error.fields.name).toMatch(/expected string, received number/);
  });
});
