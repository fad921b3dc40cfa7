/**
 * Files people upload before an API call uses them (CSV imports larger than the API's request limits:
 * API Gateway takes 10 MB, a synchronous Lambda invocation 6 MB). The browser PUTs the file straight to the store
 * with a short-lived signed URL; the API reads it by key afterwards. S3 in AWS (s3-upload-store.ts), a folder
 * behind the local stack locally (infra/local/upload-store.ts).
 */
export interface SignedUpload {
  url: string;
  method: 'PUT';
  /** Headers the PUT must carry exactly as given (they are part of the signature). */
  headers: Record<string, string>;
}

export type StoredFile = { status: 'found'; text: string; bytes: number } | { status: 'missing' } | { status: 'too_large'; bytes: number };

export interface UploadStore {
  /** A URL that accepts one PUT of `contentType` to `key` until `expiresAt`. */
  signPut(key: string, options: { contentType: string; expiresAt: Date }): Promise<SignedUpload>;
  /** The file as UTF-8 text, unless it is missing or larger than `maxBytes` (checked before it is read). */
  read(key: string, maxBytes: number): Promise<StoredFile>;
  remove(key: string): Promise<void>;
}
