import { OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError } from '#shared/core/errors';
import { createImportService } from '#shared/imports/service';
import { createUploadService, IMPORT_FILE_MAX_BYTES } from '#shared/imports/uploads';
import { idParam, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';
import { showJob } from '#shared/imports/store';
import { jobView } from './imports.ts';

const uploadView = z.object({
  id: z.string(),
  kind: z.enum(['customers', 'orders']),
  createdBy: z.string(),
  createdAt: z.string(),
  urlExpiresAt: z.string().describe('The URL takes the file until then (15 minutes)'),
  maxBytes: z.number().int(),
  upload: z.object({ url: z.string(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()).describe('Send exactly these headers with the PUT') }),
});

/**
 * Imports larger than a request body may be (API Gateway 10 MB, Lambda 6 MB): ask for an upload, PUT the CSV to
 * its URL, start the import from it. The same import job as `POST /imports/{kind}` follows.
 */
export function importUploadRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const uploads = () => {
    if (!deps.uploads) throw new AppError(503, 'uploads_unavailable', 'File uploads are not configured on this stack');
    return createUploadService({ db: deps.db, clock: deps.clock, uploads: deps.uploads, imports: createImportService(deps) });
  };

  app.openapi(
    route({
      method: 'post',
      path: '/imports/uploads',
      summary: `An upload for a CSV import of up to ${IMPORT_FILE_MAX_BYTES / 1024 / 1024} MB (the roles that may import that kind): PUT the file to \`upload.url\` with \`upload.headers\` within 15 minutes, then POST /imports/uploads/{id}/start`,
      tag: 'Imports',
      body: z.strictObject({ kind: z.enum(['customers', 'orders']) }),
      response: uploadView,
      status: 201,
    }),
    async (c) => c.json((await uploads().create(c.get('session'), c.req.valid('json').kind)) as never, 201),
  );
  app.openapi(
    route({
      method: 'post',
      path: '/imports/uploads/{id}/start',
      summary: 'Starts the import of an uploaded file (its uploader; once — a second start is a 409 naming the job): 202 with the import job, as POST /imports/{kind}',
      tag: 'Imports',
      params: idParam,
      response: jobView,
      status: 202,
      extraResponses: { 409: 'Nothing uploaded yet, or already imported', 413: `The file is larger than ${IMPORT_FILE_MAX_BYTES} bytes` },
    }),
    async (c) => {
      const job = await uploads().start(c.get('session'), c.req.valid('param').id);
      c.header('Location', `/imports/${job.id}`);
      return c.json(showJob(job) as never, 202);
    },
  );
  return app;
}
