import { OpenAPIHono, z } from '@hono/zod-openapi';
import { AUDITED_ENTITIES, auditTrail } from '#shared/core/audit-view';
import { entityId } from '#shared/core/schemas';
import { listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const auditEntry = z.object({
  id: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  action: z.string(),
  actorId: z.string(),
  at: z.string(),
  changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
});

export function auditRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    route({
      method: 'get',
      path: '/audit',
      summary: 'Who changed what on one record, newest first, with field-level before/after',
      tag: 'Audit',
      query: listQuery({ entityType: z.enum(AUDITED_ENTITIES), entityId }),
      response: pageOf(auditEntry),
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json((await auditTrail(deps.db, c.get('session'), q.entityType, q.entityId, q.limit, q.cursor)) as never, 200);
    },
  );
  return app;
}
