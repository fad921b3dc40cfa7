import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

const MANAGER = 'manager-east-enterprise';
const REP = 'rep-east-enterprise-1';
/** 2,000 rows in `npm test` (CI time); `npm run test:volume` runs the issue's 10,000 (about 4 minutes on 2 cores). */
const ROWS = Number(process.env.IMPORT_TEST_ROWS ?? 2_000);

const csv = (lines: string[]) => lines.join('\n') + '\n';
const upload = (path: string, body: string, as = MANAGER, type = 'text/csv') => api.call('POST', path, { as, rawBody: body, headers: { 'content-type': type } });

/** Polls the job until it is done (the rows are processed in the background). */
async function finished(id: string, as = MANAGER, timeoutMs = 1_500_000) {
  const start = Date.now();
  for (;;) {
    const res = await api.call('GET', `/imports/${id}?limit=100`, { as });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
    if (Date.now() - start > timeoutMs) throw new Error(`import ${id} still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** ROWS distinct companies (names, phones and e-mails all unique) plus three bad rows. */
function bigFile() {
  const lines = ['externalId,name,industry,taxId,contactName,email,phone,creditRating,tags,ownerId'];
  for (let i = 0; i < ROWS; i++) {
    const n = String(i).padStart(5, '0');
    lines.push(`BULK-${n},"Bulk Company ${n}, Ltd",Retail,TAX${n},Buyer ${n},buyer${n}@bulk${n}.example,+86 21 5${n}00,B,bulk;import,${i % 2 ? REP : MANAGER}`);
  }
  lines.push('BAD-1,,Retail,,,,,,,'); // no name
  lines.push('BAD-2,Bad Mail Co,Retail,,Ann,not-an-email,,,,'); // bad e-mail
  lines.push('BAD-3,Bad Rating Co,Retail,,,,,Z,,'); // unknown credit rating
  return csv(lines);
}

describe('CSV import of customers', () => {
  it(`imports ${ROWS} rows once, reports the bad rows, and a second import of the same file creates nothing`, async () => {
    const file = bigFile();
    const t0 = Date.now();
    const first = await upload('/imports/customers', file);
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(first.headers.get('location')).toBe(`/imports/${first.body.id}`);
    expect(first.body).toMatchObject({ kind: 'customers', rowsTotal: ROWS + 3 });
    const done = await finished(first.body.id);
    const firstMs = Date.now() - t0;
    expect(done).toMatchObject({ status: 'done', rowsTotal: ROWS + 3, rowsDone: ROWS + 3, rowsFailed: 3, rowsCreated: ROWS, rowsExisting: 0, rowsFlagged: 0 });
    expect(done.errors.items).toEqual([
      { line: ROWS + 2, field: 'name', message: expect.any(String) },
      { line: ROWS + 3, field: 'email', message: expect.any(String) },
      { line: ROWS + 4, field: 'creditRating', message: expect.any(String) },
    ]);

    const t1 = Date.now();
    const again = await upload('/imports/customers', file);
    expect(again.status).toBe(202);
    const second = await finished(again.body.id);
    const secondMs = Date.now() - t1;
    expect(second).toMatchObject({ status: 'done', rowsDone: ROWS + 3, rowsFailed: 3, rowsCreated: 0, rowsExisting: ROWS });
    console.log(`import of ${ROWS} rows: first ${firstMs} ms, again ${secondMs} ms`);

    // Exactly ROWS customers carry the import's tag: the team's list (GSI2) holds both owners' customers.
    let count = 0;
    let cursor: string | null = null;
    do {
      const page: any = await api.call('GET', `/customers?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as: MANAGER });
      count += page.body.items.filter((c: any) => c.tags?.includes('bulk')).length;
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(count).toBe(ROWS);
    // Imported rows went through the same write as POST /customers: placed in the owner's team, audited.
    const one = await api.call('GET', `/customers?limit=1&ownerId=${REP}`, { as: MANAGER });
    expect(one.body.items[0]).toMatchObject({ ownerId: REP, teamId: 'east-enterprise', regionId: 'east', status: 'active' });
  }, 3_600_000);
});
