import { OpenAPIHono, z } from '@hono/zod-openapi';
import { entityId } from '#shared/core/schemas';
import { listPairs } from '#shared/data-quality/duplicates';
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
  status: z.enum(['open', 'merged']),
  source: z.enum(['create', 'import']),
  createdAt: z.string(),
  keptId: z.string().optional(),
  mergedAt: z.string().optional(),
});

/** Possible duplicates flagged on create and import, and merging them. */
export function dataQualityRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Data quality';
  app.openapi(
    route({ method: 'get', path: '/data-quality/duplicates', summary: 'Flagged possible duplicate pairs within your scope (open by default)', tag, query: listQuery({ status: z.enum(['open', 'merged']).default('open') }), response: pageOf(pairView) }),
    async (c) => {
      const { principal } = await c.get('session').load();
      return c.json((await listPairs(deps.db, principal, c.req.valid('query'))) as never, 200);
    },
  );
  app.openapi(
    route({
      method: 'post',
      path: '/data-quality/duplicates/{id}/merge',
      summary: 'Merge a pair into keepId (managers and above): the other customer’s orders and deals move to it, the other is marked merged; actuals unchanged, audit on both',
      tag,
      params: idParam,
      body: z.strictObject({ keepId: entityId }),
      response: z.object({ pair: pairView, kept: z.object({ id: z.string(), version: z.number().int() }), merged: z.object({ id: z.string() }), ordersMoved: z.number().int() }),
      extraResponses: { 409: 'Already merged, or a record changed during the merge' },
    }),
    async (c) => c.json((await mergePair(deps, c.get('session'), c.req.valid('param').id, c.req.valid('json').keepId)) as never, 200),
  );
  return app;
}
