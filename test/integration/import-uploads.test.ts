import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

const MANAGER = 'manager-east-enterprise';
const file = ['externalId,name,industry,email', 'UP-1,Upload One Ltd,Retail,one@up.example', 'UP-2,Upload Two Ltd,Retail,two@up.example', 'UP-3,,Retail,'].join('\n') + '\n';

/** The client's side of an upload: ask for it, PUT the file where it says (the local stand-in for S3). */
async function uploadFile(body: string, as = MANAGER, kind = 'customers') {
  const created = await api.call('POST', '/imports/uploads', { as, body: { kind } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { url, method, headers } = created.body.upload;
  const put = await api.uploads.handle(new Request(url, { method, headers, body }))!;
  expect(put.status).toBe(200);
  return created.body;
}

async function finished(id: string) {
  for (let i = 0; i < 300; i++) {
    const res = await api.call('GET', `/imports/${id}`, { as: MANAGER });
    if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${id} did not finish`);
}

describe('imports from an uploaded file (how files beyond the API body limit arrive)', () => {
  it('uploads the CSV to a signed URL, starts the import from it once, and the file is gone afterwards', async () => {
    const upload = await uploadFile(file);
    expect(upload).toMatchObject({ kind: 'customers', createdBy: MANAGER, maxBytes: 20 * 1024 * 1024, upload: { method: 'PUT', headers: { 'content-type': 'text/csv' } } });
    expect(upload).not.toHaveProperty('key');
    const started = await api.call('POST', `/imports/uploads/${upload.id}/start`, { as: MANAGER });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.headers.get('location')).toBe(`/imports/${started.body.id}`);
    const job = await finished(started.body.id);
    expect(job).toMatchObject({ status: 'done', rowsTotal: 3, rowsCreated: 2, rowsFailed: 1 });
    expect(job.errors.items).toEqual([{ line: 4, field: 'name', message: expect.any(String) }]);
    const customers = await api.call('GET', '/customers?limit=100', { as: MANAGER });
    expect(customers.body.items.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['Upload One Ltd', 'Upload Two Ltd']));

    const again = await api.call('POST', `/imports/uploads/${upload.id}/start`, { as: MANAGER });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'already_imported', message: expect.stringContaining(started.body.id) });
    expect(await api.uploads.read(`imports/${upload.id}.csv`, 1 << 20)).toEqual({ status: 'missing' });
  });

  it('two clicks on start run one import', async () => {
    const upload = await uploadFile(file.replace(/UP-/g, 'UQ-').replace(/Upload/g, 'Twice'));
    const answers = await Promise.all([1, 2, 3].map(() => api.call('POST', `/imports/uploads/${upload.id}/start`, { as: MANAGER })));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409]);
  });

  it('starting before the file is there is a 409 and starts nothing; a file with a wrong header is a 400 and can be replaced', async () => {
    const created = await api.call('POST', '/imports/uploads', { as: MANAGER, body: { kind: 'customers' } });
    const early = await api.call('POST', `/imports/uploads/${created.body.id}/start`, { as: MANAGER });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('upload_missing');

    const { url, method, headers } = created.body.upload;
    await api.uploads.handle(new Request(url, { method, headers, body: 'nom,secteur\nAcme,Retail\n' }));
    const bad = await api.call('POST', `/imports/uploads/${created.body.id}/start`, { as: MANAGER });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toBeTruthy();
    // Not claimed by the failed start: the right file under the same upload imports.
    await api.uploads.handle(new Request(url, { method, headers, body: 'name\nReplaced File Ltd\n' }));
    const good = await api.call('POST', `/imports/uploads/${created.body.id}/start`, { as: MANAGER });
    expect(good.status, JSON.stringify(good.body)).toBe(202);
    expect(await finished(good.body.id)).toMatchObject({ status: 'done', rowsCreated: 1 });
  });

  it('only the roles that may import get an upload, and only the uploader may start it', async () => {
    expect((await api.call('POST', '/imports/uploads', { as: 'rep-east-enterprise-1', body: { kind: 'customers' } })).status).toBe(403);
    expect((await api.call('POST', '/imports/uploads', { as: 'finance', body: { kind: 'customers' } })).status).toBe(403);
    expect((await api.call('POST', '/imports/uploads', { as: 'finance', body: { kind: 'orders' } })).status).toBe(201);
    const bad = await api.call('POST', '/imports/uploads', { as: MANAGER, body: { kind: 'deals', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(['kind', 'extra']));

    const upload = await uploadFile('name\nSomeone Else Ltd\n');
    const foreign = await api.call('POST', `/imports/uploads/${upload.id}/start`, { as: 'manager-south-enterprise' });
    expect(foreign.status).toBe(404);
    expect((await api.call('POST', `/imports/uploads/NOSUCHUPLOAD/start`, { as: MANAGER })).status).toBe(404);
  });
});
