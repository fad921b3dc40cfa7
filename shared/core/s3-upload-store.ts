import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { StoredFile, UploadStore } from '#shared/core/file-uploads';

const missing = (error: unknown) => ['NotFound', 'NoSuchKey'].includes((error as { name?: string }).name ?? '');

/** The UploadStore port on S3: presigned PUT URLs (SigV4), a HEAD for the size before the GET. */
export class S3UploadStore implements UploadStore {
  constructor(private readonly options: { client: S3Client; bucket: string }) {}

  async signPut(key: string, { contentType, expiresAt }: { contentType: string; expiresAt: Date }) {
    const expiresIn = Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    const url = await getSignedUrl(this.options.client, new PutObjectCommand({ Bucket: this.options.bucket, Key: key, ContentType: contentType }), {
      expiresIn,
      signableHeaders: new Set(['content-type']),
    });
    return { url, method: 'PUT' as const, headers: { 'content-type': contentType } };
  }

  async read(key: string, maxBytes: number): Promise<StoredFile> {
    const { client, bucket } = this.options;
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = head.ContentLength ?? 0;
      if (bytes > maxBytes) return { status: 'too_large', bytes };
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { status: 'found', text: (await object.Body?.transformToString('utf-8')) ?? '', bytes };
    } catch (error) {
      if (missing(error)) return { status: 'missing' };
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await this.options.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }
}
