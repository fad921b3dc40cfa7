import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalUploadStore } from '#infra/local/upload-store';

const store = createLocalUploadStore({ dir: mkdtempSync(join(tmpdir(), 'pentad-upload-unit-')), baseUrl: 'http://localhost:3000', maxPutBytes: 1_000 });
const inMinutes = (n: number) => new Date(Date.now() + n * 60_000);

async function put(url: string, body: string, contentType = 'text/csv') {
  const res = await store.handle(new Request(url, { method: 'PUT', body, headers: { 'content-type': contentType } }))!;
  return { status: res.status, body: res.status === 200 ? undefined : await res.json() };
}

describe('local upload store (the S3 stand-in of npm start)', () => {
  it('accepts one PUT to a signed URL and reads the file back by key', async () => {
    const signed = await store.signPut('imports/a.csv', { contentType: 'text/csv', expiresAt: inMinutes(15) });
    expect(signed.url).toMatch(/^http:\/\/localhost:3000\/local-uploads\/imports\/a\.csv\?expires=\d+&signature=/);
    expect(await store.read('imports/a.csv', 1_000)).toEqual({ status: 'missing' });
    expect((await put(signed.url, 'name\nAcme\n')).status).toBe(200);
    expect(await store.read('imports/a.csv', 1_000)).toEqual({ status: 'found', text: 'name\nAcme\n', bytes: 10 });
    expect(await store.read('imports/a.csv', 5)).toEqual({ status: 'too_large', bytes: 10 });
    await store.remove('imports/a.csv');
    expect(await store.read('imports/a.csv', 1_000)).toEqual({ status: 'missing' });
  });

  it('refuses a tampered URL, another key, another content type and an expired URL, writing nothing', async () => {
    const signed = await store.signPut('imports/b.csv', { contentType: 'text/csv', expiresAt: inMinutes(15) });
    expect(await put(signed.url.replace(/signature=./, 'signature=X'), 'x')).toMatchObject({ status: 403, body: { error: { code: 'signature_invalid' } } });
    expect(await put(signed.url.replace('imports/b.csv', 'imports/c.csv'), 'x')).toMatchObject({ status: 403, body: { error: { code: 'signature_invalid' } } });
    expect(await put(signed.url, 'x', 'application/json')).toMatchObject({ status: 403, body: { error: { code: 'signature_invalid' } } });
    const expired = await store.signPut('imports/b.csv', { contentType: 'text/csv', expiresAt: inMinutes(-1) });
    expect(await put(expired.url, 'x')).toMatchObject({ status: 403, body: { error: { code: 'upload_expired' } } });
    expect(await store.read('imports/b.csv', 1_000)).toEqual({ status: 'missing' });
  });

  it('stops receiving at the size limit with a 413 and keeps no partial file', async () => {
    const signed = await store.signPut('imports/big.csv', { contentType: 'text/csv', expiresAt: inMinutes(15) });
    expect(await put(signed.url, 'x'.repeat(1_001))).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    expect(await store.read('imports/big.csv', 10_000)).toEqual({ status: 'missing' });
  });

  it('leaves every other request to the API, and refuses keys that climb out of its folder', async () => {
    expect(store.handle(new Request('http://localhost:3000/customers'))).toBeUndefined();
    const res = await store.handle(new Request('http://localhost:3000/local-uploads/imports%2F..%2F..%2Fsecrets', { method: 'PUT', body: 'x' }))!;
    expect(res.status).toBe(404);
    expect((await store.handle(new Request('http://localhost:3000/local-uploads/imports/a.csv'))!).status).toBe(405);
    await expect(store.signPut('imports/../../etc/passwd', { contentType: 'text/csv', expiresAt: inMinutes(1) })).rejects.toThrow(/unsafe key/);
  });
});
