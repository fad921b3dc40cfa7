import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { createImportService } from '#shared/imports/service';
import { showJob, type ImportKind } from '#shared/imports/store';
import { IMPORT_FILE_MAX_BYTES } from '#shared/imports/uploads';
import { ErrorSchema, idParam, listQuery, route } from '../openapi.ts';
import { requireSession, uploadLimit, validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/** The import routes' body limit (20 MB); every other route keeps the global one. */
export const IMPORT_MAX_BYTES = IMPORT_FILE_MAX_BYTES;


export const jobView = z.object({
  id: z.string(),
  kind: z.enum(['customers', 'orders']),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  rowsTotal: z.number().int(),
  rowsDone: z.number().int(),
  rowsFailed: z.number().int(),
  rowsCreated: z.number().int(),
  rowsExisting: z.number().int().describe('Rows imported before (same external id or same content): nothing new written'),
  rowsFlagged: z.number().int().describe('Customers created and flagged as possible duplicates'),
  createdBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  errors: z.object({ items: z.array(z.object({ line: z.number().int(), field: z.string(), message: z.string() })), nextCursor: z.string().nullable() }).optional(),
});

const requireCsv: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'text/csv') return c.json({ error: { code: 'unsupported_media_type', message: 'Send the file as text/csv' } }, 415);
  await next();
};

const columns: Record<ImportKind, string> = {
  customers: 'name (required), externalId, industry, taxId, contactName, email, phone, creditRating, tags (a;b), ownerId, regionId',
  orders: 'externalOrderId, customerId, amount (minor units), date (YYYY-MM-DD), productLineId (all required), currency, note',
};

const uploadRoute = (kind: ImportKind) =>
  createRoute({
    method: 'post',
    path: `/imports/${kind}`,
    summary: `Import ${kind} from CSV (${kind === 'orders' ? 'managers and above, finance' : 'managers and above'}; ≤ 50,000 rows, ≤ 20 MB): 202 with the job; rows are processed in the background. Columns: ${columns[kind]}`,
    tags: ['Imports'],
    security: [{ Bearer: [] }],
    middleware: [requireSession, uploadLimit(IMPORT_MAX_BYTES), requireCsv] as never,
    request: { body: { content: { 'text/csv': { schema: z.string() } }, required: true } },
    responses: {
      202: { description: 'Accepted: the import job', content: { 'application/json': { schema: jobView } } },
      400: { description: 'Not CSV, header wrong, no rows or too many; `fields` names each problem', content: { 'application/json': { schema: ErrorSchema } } },
      403: { description: 'Your role may not import this', content: { 'application/json': { schema: ErrorSchema } } },
      413: { description: 'Larger than 20 MB', content: { 'application/json': { schema: ErrorSchema } } },
      415: { description: 'Not text/csv', content: { 'application/json': { schema: ErrorSchema } } },
      429: { description: 'Too many requests (imports have a tighter limit in AWS); `Retry-After` when given', content: { 'application/json': { schema: ErrorSchema } } },
    },
  });

export function importRoutes(deps: AppDeps) {
  const imports = createImportService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  for (const kind of ['customers', 'orders'] as const) {
    app.openapi(uploadRoute(kind), async (c) => {
      const job = await imports.start(c.get('session'), kind, await c.req.text());
      c.header('Location', `/imports/${job.id}`);
      return c.json(showJob(job) as never, 202);
    });
  }
  app.openapi(
    route({ method: 'get', path: '/imports/{id}', summary: 'An import job: status, rows total / done / failed, and its row error report (line, field, message), paged', tag: 'Imports', params: idParam, query: listQuery(), response: jobView }),
    async (c) => c.json((await imports.get(c.get('session'), c.req.valid('param').id, c.req.valid('query'))) as never, 200),
  );
  return app;
}
