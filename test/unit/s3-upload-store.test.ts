import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { S3UploadStore } from '#shared/core/s3-upload-store';

const s3 = mockClient(S3Client);
// Presigning is local computation (SigV4 over the request), so real static credentials suffice and no call is made.
const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
const store = new S3UploadStore({ client, bucket: 'pentad-uploads' });
/** The part of the SDK's streaming body the store uses. */
const body = (text: string) => ({ transformToString: async (encoding?: string) => (encoding === 'utf-8' ? text : '') });

beforeEach(() => s3.reset());

describe('S3UploadStore', () => {
  it('signs a PUT of the key with the content type among the signed headers, valid until the given time', async () => {
    const signed = await store.signPut('imports/01J.csv', { contentType: 'text/csv', expiresAt: new Date(Date.now() + 15 * 60_000) });
    const url = new URL(signed.url);
    expect(url.hostname).toBe('pentad-uploads.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/imports/01J.csv');
    expect(url.searchParams.get('X-Amz-Expires')).toMatch(/^(899|900)$/);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toContain('content-type');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(signed).toMatchObject({ method: 'PUT', headers: { 'content-type': 'text/csv' } });
    expect(s3.calls()).toHaveLength(0);
  });

  it('reads a file within the limit as text', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 14 });
    s3.on(GetObjectCommand).resolves({ Body: body('name\nAcme Ltd\n') as never });
    await expect(store.read('imports/a.csv', 100)).resolves.toEqual({ status: 'found', text: 'name\nAcme Ltd\n', bytes: 14 });
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'pentad-uploads', Key: 'imports/a.csv' });
  });

  it('answers too_large from the HEAD without downloading the file', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 25 * 1024 * 1024 });
    await expect(store.read('imports/big.csv', 20 * 1024 * 1024)).resolves.toEqual({ status: 'too_large', bytes: 25 * 1024 * 1024 });
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it('answers missing when nothing was uploaded, and passes other failures on', async () => {
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
    await expect(store.read('imports/none.csv', 100)).resolves.toEqual({ status: 'missing' });
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(store.read('imports/none.csv', 100)).rejects.toThrow('Access Denied');
  });

  it('deletes the file', async () => {
    s3.on(DeleteObjectCommand).resolves({});
    await store.remove('imports/a.csv');
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'pentad-uploads', Key: 'imports/a.csv' });
  });
});
