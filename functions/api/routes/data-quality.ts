import { OpenAPIHono, z } from '@hono/zod-openapi';
import { entityId } from '#shared/core/schemas';
import { PAIR_STATUSES } from '#shared/data-quality/duplicates';
import { listPairs } from '#shared/data-quality/pairs';
import { mergePair } from '#shared/data-quality/merge';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const pairView = z.object({
  id: z.string(),
  customerId: z.string().describe('The newer customer, created or imported despite the match'),
  candidateId: z.string().describe('The existing customer it matched'),
  names: z.record(z.string(), z.string()),
  matchedFields: z.array(z.enum(['taxId', 'email', 'phone'])),
  status: z.enum(PAIR_STATUSES).describe('obsolete: one of its customers was merged away through another pair'),
  source: z.enum(['create', 'import']),
  createdAt: z.string(),
  keptId: z.string().optional(),
  mergedAt: z.string().optional(),
  supersededBy: z.string().optional().describe('The pair whose merge made this one obsolete'),
  closedAt: z.string().optional(),
  closedReason: z.string().optional(),
});

/** Possible duplicates flagged on create and import, and merging them. */
export function dataQualityRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Data quality';
  app.openapi(
    route({ method: 'get', path: '/data-quality/duplicates', summary: 'Flagged possible duplicate pairs whose two customers you both see (open by default); a page may hold fewer than limit, follow nextCursor', tag, query: listQuery({ status: z.enum(PAIR_STATUSES).default('open') }), response: pageOf(pairView) }),
    async (c) => c.json((await listPairs(deps.db, c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(
    route({
      method: 'post',
      path: '/data-quality/duplicates/{id}/merge',
      summary: 'Merge a pair into keepId (managers and above who see both customers): the other customer’s orders and deals move to it, the other is marked merged and its other open pairs obsolete; actuals unchanged, audit on both',
      tag,
      params: idParam,
      body: z.strictObject({ keepId: entityId }),
      response: z.object({ pair: pairView, kept: z.object({ id: z.string(), version: z.number().int() }), merged: z.object({ id: z.string() }), ordersMoved: z.number().int(), pairsClosed: z.number().int().describe('Other open pairs of the merged-away customer, now obsolete') }),
      extraResponses: { 409: 'Already merged (already_merged), closed by another merge (pair_obsolete), keepId archived, or a record changed during the merge' },
    }),
    async (c) => c.json((await mergePair(deps, c.get('session'), c.req.valid('param').id, c.req.valid('json').keepId)) as never, 200),
  );
  return app;
}
