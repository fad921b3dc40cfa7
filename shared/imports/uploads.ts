import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import type { UploadStore, SignedUpload } from '#shared/core/file-uploads';
import { uploadKeys } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { AppError, conflict, forbidden, isConditionFailure, notFound } from '#shared/core/errors';
import { hasRole } from '#shared/core/principal';
import { fromItem } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { IMPORTERS, type createImportService } from './service.ts';
import type { ImportJob, ImportKind } from './store.ts';

/** The largest CSV an import takes, however it arrives (request body or upload). */
export const IMPORT_FILE_MAX_BYTES = 20 * 1024 * 1024;
/** How long an upload URL accepts the file. */
const URL_MINUTES = 15;
/** The record (not the file) is kept a day so "already imported" stays answerable; TTL removes it after. */
const RECORD_SECONDS = 24 * 3600;

export interface Upload {
  id: string;
  kind: ImportKind;
  key: string;
  createdBy: string;
  createdAt: string;
  urlExpiresAt: string;
  importId?: string;
}

export interface UploadDeps {
  db: Db;
  clock: Clock;
  uploads: UploadStore;
  imports: ReturnType<typeof createImportService>;
}

/**
 * Imports too large for a request body (API Gateway takes 10 MB, Lambda 6 MB): the client asks for an upload,
 * PUTs the CSV to its signed URL (S3 in AWS), then starts the import from it. Everything after the file is read
 * is the same import as `POST /imports/{kind}` with a body.
 */
export function createUploadService({ db, clock, uploads, imports }: UploadDeps) {
  return {
    async create(session: Session, kind: ImportKind): Promise<Omit<Upload, 'key'> & { upload: SignedUpload; maxBytes: number }> {
      const { principal } = await session.load();
      if (!hasRole(principal, ...IMPORTERS[kind])) throw forbidden(`Importing ${kind} takes one of the roles ${IMPORTERS[kind].join(', ')}`);
      const now = clock.now();
      const id = newId();
      const upload: Upload = {
        id,
        kind,
        key: `imports/${id}.csv`,
        createdBy: principal.userId,
        createdAt: now.toISOString(),
        urlExpiresAt: new Date(now.getTime() + URL_MINUTES * 60_000).toISOString(),
      };
      const signed = await uploads.signPut(upload.key, { contentType: 'text/csv', expiresAt: new Date(upload.urlExpiresAt) });
      await db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: { ...uploadKeys.upload(id), type: 'upload', ...upload, expiresAt: Math.floor(now.getTime() / 1000) + RECORD_SECONDS },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      // The storage key is the server's business: the client has the URL.
      const { key: _key, ...shown } = upload;
      return { ...shown, upload: signed, maxBytes: IMPORT_FILE_MAX_BYTES };
    },

    /** Reads the uploaded file and starts its import; an upload starts one import (a second start is a 409 naming it). */
    async start(session: Session, id: string): Promise<ImportJob> {
      const { principal, items } = await session.load([uploadKeys.upload(id)]);
      const upload = items[0] && fromItem<Upload>(items[0]);
      if (!upload || upload.createdBy !== principal.userId) throw notFound(`Upload ${id}`);
      if (upload.importId) throw conflict('already_imported', `This upload was imported as job ${upload.importId}`, { uploadId: upload.importId });
      const file = await uploads.read(upload.key, IMPORT_FILE_MAX_BYTES);
      if (file.status === 'missing') throw conflict('upload_missing', 'Nothing has been uploaded to this upload URL yet; PUT the file first', { uploadId: 'no file uploaded' });
      if (file.status === 'too_large') throw new AppError(413, 'payload_too_large', `The file has ${file.bytes} bytes; an import takes at most ${IMPORT_FILE_MAX_BYTES}`);
      // Claimed before the import starts, so two clicks start one import.
      await claim(db, id, clock.now().toISOString());
      let job: ImportJob;
      try {
        job = await imports.start(session, upload.kind, file.text);
      } catch (error) {
        await release(db, id);
        throw error;
      }
      await db.doc.send(new UpdateCommand({ TableName: db.tableName, Key: uploadKeys.upload(id), UpdateExpression: 'SET importId = :job', ExpressionAttributeValues: { ':job': job.id } }));
      // The rows now live in the job's chunks; the file is not needed any more (S3 lifecycle is the backstop).
      await uploads.remove(upload.key);
      return job;
    },
  };
}

async function claim(db: Db, id: string, now: string): Promise<void> {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: uploadKeys.upload(id),
        UpdateExpression: 'SET claimedAt = :now',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(claimedAt) AND attribute_not_exists(importId)',
        ExpressionAttributeValues: { ':now': now },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw conflict('already_imported', 'This upload is being imported or was imported already', { uploadId: 'already started' });
    throw error;
  }
}

const release = (db: Db, id: string) =>
  db.doc.send(new UpdateCommand({ TableName: db.tableName, Key: uploadKeys.upload(id), UpdateExpression: 'REMOVE claimedAt' }));
