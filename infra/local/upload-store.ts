import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StoredFile, UploadStore } from '#shared/core/file-uploads';

/** Where the local stack accepts signed PUTs, like an S3 presigned URL (same origin as the API). */
export const LOCAL_UPLOAD_PATH = '/local-uploads/';
/** Folder-like keys of safe characters, no `.` or `..` segment: a key never leaves the uploads folder. */
const safeKey = (key: string) => /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/.test(key) && !key.split('/').some((part) => /^\.+$/.test(part));

const json = (status: number, code: string, message: string) =>
  new Response(JSON.stringify({ error: { code, message } }), { status, headers: { 'content-type': 'application/json' } });

export interface LocalUploadStore extends UploadStore {
  /** Answers a PUT to a signed URL (signature, expiry, content type, size); undefined for any other request. */
  handle(request: Request): Promise<Response> | undefined;
}

/**
 * The UploadStore locally: files in `dir`, URLs signed with an HMAC key of this process (they live minutes, so a
 * restart simply makes people upload again). Unlike an S3 presigned PUT it can cap the size while receiving.
 */
export function createLocalUploadStore(options: { dir: string; baseUrl: string; maxPutBytes: number }): LocalUploadStore {
  const secret = randomBytes(32);
  const sign = (key: string, expires: number, contentType: string) => createHmac('sha256', secret).update(`${key}\n${expires}\n${contentType}`).digest('base64url');
  const fileOf = (key: string) => {
    if (!safeKey(key)) throw new Error(`upload store: unsafe key ${key}`);
    return join(options.dir, key);
  };

  async function receive(request: Request, key: string): Promise<Response> {
    const url = new URL(request.url);
    const expires = Number(url.searchParams.get('expires'));
    const contentType = (request.headers.get('content-type') ?? '').toLowerCase();
    const given = Buffer.from(url.searchParams.get('signature') ?? '');
    const expected = Buffer.from(sign(key, expires, contentType));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return json(403, 'signature_invalid', 'This upload URL is not valid for this file and content type');
    if (!(expires * 1000 > Date.now())) return json(403, 'upload_expired', 'This upload URL has expired; ask for a new one');
    const parts: Buffer[] = [];
    let bytes = 0;
    const reader = request.body?.getReader();
    for (let next = await reader?.read(); next && !next.done; next = await reader!.read()) {
      const part = next.value;
      bytes += part.byteLength;
      if (bytes > options.maxPutBytes) {
        await reader!.cancel();
        return json(413, 'payload_too_large', `The file is larger than ${options.maxPutBytes} bytes`);
      }
      parts.push(Buffer.from(part));
    }
    const file = fileOf(key);
    await mkdir(dirname(file), { recursive: true });
    // Written aside and renamed: a reader never sees half a file.
    await writeFile(`${file}.part`, Buffer.concat(parts));
    await rename(`${file}.part`, file);
    return new Response(null, { status: 200 });
  }

  return {
    async signPut(key, { contentType, expiresAt }) {
      fileOf(key);
      const expires = Math.floor(expiresAt.getTime() / 1000);
      const query = new URLSearchParams({ expires: String(expires), signature: sign(key, expires, contentType.toLowerCase()) });
      return { url: `${options.baseUrl}${LOCAL_UPLOAD_PATH}${key}?${query}`, method: 'PUT', headers: { 'content-type': contentType } };
    },
    async read(key, maxBytes): Promise<StoredFile> {
      const file = fileOf(key);
      const info = await stat(file).catch(() => undefined);
      if (!info) return { status: 'missing' };
      if (info.size > maxBytes) return { status: 'too_large', bytes: info.size };
      return { status: 'found', text: await readFile(file, 'utf-8'), bytes: info.size };
    },
    async remove(key) {
      await rm(fileOf(key), { force: true });
    },
    handle(request) {
      const path = new URL(request.url).pathname;
      if (!path.startsWith(LOCAL_UPLOAD_PATH)) return undefined;
      const key = decodeURIComponent(path.slice(LOCAL_UPLOAD_PATH.length));
      if (!safeKey(key)) return Promise.resolve(json(404, 'not_found', 'No such upload'));
      if (request.method !== 'PUT') return Promise.resolve(json(405, 'method_not_allowed', 'Upload URLs take one PUT'));
      return receive(request, key);
    },
  };
}

type Fetch = (request: Request, ...rest: any[]) => Response | Promise<Response>;

/** The local stack's fetch: signed upload PUTs go to the store, everything else on to `next` (console, API). */
export const withLocalUploads =
  (next: Fetch, store: LocalUploadStore): Fetch =>
  (request, ...rest) =>
    store.handle(request) ?? next(request, ...rest);
