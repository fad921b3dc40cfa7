import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

const MANAGER = 'manager-east-enterprise';
const OWNER = 'rep-east-enterprise-2';
const TODAY = new Date().toISOString().slice(0, 10);
const tag = Math.random().toString(36).slice(2, 8);

const upload = (kind: 'customers' | 'orders', body: string, type = 'text/csv') => api.call('POST', `/imports/${kind}`, { as: MANAGER, rawBody: body, headers: { 'content-type': type } });

async function finished(id: string) {
  for (let i = 0; i < 1200; i++) {
    const res = await api.call('GET', `/imports/${id}?limit=100`, { as: MANAGER });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${id} did not finish`);
}
const imported = async (kind: 'customers' | 'orders', body: string) => {
  const res = await upload(kind, body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return finished(res.body.id);
};

/** OWNER's customers whose name contains `part` (every row below is imported for OWNER). */
async function customersNamed(part: string) {
  const found: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await api.call('GET', `/customers?ownerId=${OWNER}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as: MANAGER });
    expect(page.status).toBe(200);
    found.push(...page.body.items.filter((c: any) => c.name.includes(part)));
    cursor = page.body.nextCursor;
  } while (cursor);
  return found;
}

describe('a key repeated within one file is a row error; the same file again is existing', () => {
  it('customers: the later row with the same externalId is refused with the line it repeats, also across chunks', async () => {
    // 251 rows: the stored chunks hold 250, so the repeat on the last line is in another chunk than its first.
    const lines = [`externalId,name,ownerId`, `RP-${tag}-0,Repeat ${tag} first,${OWNER}`];
    for (let i = 1; i < 250; i++) lines.push(`RP-${tag}-${i},Repeat ${tag} row ${i},${OWNER}`);
    lines.push(`RP-${tag}-0,Repeat ${tag} second,${OWNER}`, `,Repeat ${tag} unkeyed,${OWNER}`);
    const file = lines.join('\n');
    const first = await imported('customers', file);
    expect(first).toMatchObject({ status: 'done', rowsTotal: 252, rowsCreated: 251, rowsExisting: 0, rowsFailed: 1 });
    expect(first.errors.items).toEqual([{ line: 252, field: 'externalId', message: `externalId RP-${tag}-0 repeats line 2` }]);
    expect((await customersNamed(`Repeat ${tag} `)).map((c) => c.name).filter((n) => !n.includes(' row '))).toEqual(expect.arrayContaining([`Repeat ${tag} first`, `Repeat ${tag} unkeyed`]));
    expect((await customersNamed(`Repeat ${tag} second`))).toEqual([]);

    const again = await imported('customers', file);
    expect(again).toMatchObject({ status: 'done', rowsCreated: 0, rowsExisting: 251, rowsFailed: 1 });
    expect(again.errors.items).toEqual(first.errors.items);
    expect(await customersNamed(`Repeat ${tag} `)).toHaveLength(251);
  }, 300_000);

  it('orders: the later row with the same externalOrderId is refused, the order booked once', async () => {
    const created = await api.call('POST', '/customers', { as: OWNER, body: { name: `Orders ${tag}` } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const file = [
      'externalOrderId,customerId,amount,date,productLineId',
      `OR-${tag}-1,${id},1000,${TODAY},crm-suite`,
      `OR-${tag}-2,${id},2000,${TODAY},crm-suite`,
      `OR-${tag}-1,${id},9999,${TODAY},crm-suite`,
    ].join('\n');
    const first = await imported('orders', file);
    expect(first).toMatchObject({ rowsCreated: 2, rowsExisting: 0, rowsFailed: 1 });
    expect(first.errors.items).toEqual([{ line: 4, field: 'externalOrderId', message: `externalOrderId OR-${tag}-1 repeats line 2` }]);
    const again = await imported('orders', file);
    expect(again).toMatchObject({ rowsCreated: 0, rowsExisting: 2, rowsFailed: 1 });
    const orders = (await api.call('GET', `/customers/${id}/orders?limit=100`, { as: MANAGER })).body.items as any[];
    expect(orders.map((o) => o.amount).sort()).toEqual([1000, 2000]);
  });
});

describe('bad files: a clear JSON error or row error, nothing half-written', () => {
  it('empty, blank, header-only and wrong-header files are a 400 naming the problem; no job, no customer', async () => {
    const cases: [string, string, Record<string, string>][] = [
      ['customers', '', { body: 'Empty' }],
      ['customers', '\r\n\r\n', { body: 'Empty' }],
      ['customers', '\uFEFFname,industry\r\n', { body: 'No rows' }],
      ['orders', 'externalOrderId,customerId,amount,date,productLineId\n\n', { body: 'No rows' }],
      ['orders', `externalOrderId,customer,amount,date\nX-${tag},c,1,${TODAY}\n`, { customer: 'Unknown column', customerId: 'Required column missing', productLineId: 'Required column missing' }],
      ['customers', `name,ownerId,name\nWrong ${tag} header,${OWNER},x\n`, { name: 'Repeated column' }],
    ];
    for (const [kind, body, fields] of cases) {
      const res = await upload(kind as 'customers', body);
      expect(res.status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request', message: expect.any(String), fields });
      expect(res.headers.get('location')).toBeNull();
    }
    expect(await customersNamed(`Wrong ${tag}`)).toEqual([]);
  });

  it('a broken quote or too many rows anywhere refuses the whole file: the good rows before it are not imported', async () => {
    const broken = await upload('customers', `name,ownerId\nBefore ${tag} quote,${OWNER}\n"Unclosed ${tag},${OWNER}\n`);
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('not valid CSV') });
    const tooMany = await upload('customers', `name,ownerId\nBefore ${tag} limit,${OWNER}\n${'x,\n'.repeat(50_000)}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain('50000');
    expect(await customersNamed(`Before ${tag}`)).toEqual([]);
  });

  it('a byte-order mark and CRLF line endings import cleanly (no BOM in the header, no CR in the last cell)', async () => {
    const job = await imported('customers', `\uFEFFexternalId,name,ownerId,industry\r\nBOM-${tag},Bom ${tag} Co,${OWNER},Retail\r\nBOM-${tag}-2,Bom ${tag} Two,${OWNER},Logistics\r\n`);
    expect(job).toMatchObject({ status: 'done', rowsCreated: 2, rowsFailed: 0 });
    const found = await customersNamed(`Bom ${tag}`);
    expect(found.map((c) => [c.name, c.industry]).sort()).toEqual([[`Bom ${tag} Co`, 'Retail'], [`Bom ${tag} Two`, 'Logistics']]);
    const orders = await imported('orders', `\uFEFFexternalOrderId,customerId,amount,date,productLineId\r\nBOMO-${tag},${found[0].id},1500,${TODAY},crm-suite\r\n`);
    expect(orders).toMatchObject({ status: 'done', rowsCreated: 1, rowsFailed: 0 });
  });

  it('a row with too many or too few values is a row error; the other rows import', async () => {
    const job = await imported('customers', `name,ownerId,industry\nCols ${tag} good,${OWNER},Retail\nCols ${tag} extra,${OWNER},Retail,surplus\nCols ${tag} short,${OWNER}\n`);
    expect(job).toMatchObject({ status: 'done', rowsTotal: 3, rowsCreated: 1, rowsFailed: 2 });
    expect(job.errors.items).toEqual([
      { line: 3, field: '_row', message: 'Expected 3 values, found 4' },
      { line: 4, field: '_row', message: 'Expected 3 values, found 2' },
    ]);
    expect((await customersNamed(`Cols ${tag}`)).map((c) => c.name)).toEqual([`Cols ${tag} good`]);
  });

  it('a body over 20 MB is a JSON 413 and anything but text/csv a JSON 415, on both routes; nothing is imported', async () => {
    const huge = `name,ownerId,industry\nHuge ${tag},${OWNER},${'x'.repeat(21 * 1024 * 1024)}\n`;
    for (const kind of ['customers', 'orders'] as const) {
      const tooBig = await upload(kind, huge);
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.error).toMatchObject({ code: 'payload_too_large', message: expect.any(String) });
      for (const type of ['application/json', 'text/plain', 'multipart/form-data; boundary=x']) {
        const wrong = await upload(kind, `name,ownerId\nTyped ${tag},${OWNER}\n`, type);
        expect(wrong.status, type).toBe(415);
        expect(wrong.body.error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('text/csv') });
      }
    }
    expect(await customersNamed(`Huge ${tag}`)).toEqual([]);
    expect(await customersNamed(`Typed ${tag}`)).toEqual([]);
  });
});
