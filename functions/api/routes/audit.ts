import { OpenAPIHono, z } from '@hono/zod-openapi';
import { AUDITED_ENTITIES, auditView } from '#shared/core/audit-view';
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

/** A day (YYYY-MM-DD, the whole day UTC) or an instant (ISO-8601 with offset). */
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export function auditRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    route({
      method: 'get',
      path: '/audit',
      summary: 'Who changed what, newest first, with field-level before/after: one record (entityType + entityId, optionally one actorId) or everything one actor did (actorId); from/to bound the time. Within your scope',
      tag: 'Audit',
      query: listQuery({
        entityType: z.enum(AUDITED_ENTITIES).optional(),
        entityId: entityId.optional(),
        actorId: entityId.optional(),
        from: instant.optional().describe('Written at or after (a day means from its start, UTC)'),
        to: instant.optional().describe('Written at or before (a day means to its end, UTC)'),
      }),
      response: pageOf(auditEntry),
    }),
    async (c) => c.json((await auditView(deps.db, c.get('session'), c.req.valid('query'))) as never, 200),
  );
  return app;
}
