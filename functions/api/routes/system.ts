import { OpenAPIHono, z } from '@hono/zod-openapi';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { route } from '../openapi.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const healthView = z.object({ status: z.enum(['ok', 'degraded']), table: z.enum(['ok', 'error']), engine: z.enum(['ok', 'error']) });

/** GET /health (no auth): the table answers a read and the workflow engine accepts work. */
export function systemRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(route({ method: 'get', path: '/health', summary: 'Liveness of the table and the workflow engine', tag: 'System', response: healthView, public: true }), async (c) => {
    const [table, engine] = await Promise.all([
      deps.db.doc
        .send(new GetCommand({ TableName: deps.db.tableName, Key: { PK: 'HEALTH', SK: 'HEALTH' } }))
        .then(() => 'ok' as const)
        .catch(() => 'error' as const),
      deps.engine
        .ready()
        .then((ready) => (ready ? ('ok' as const) : ('error' as const)))
        .catch(() => 'error' as const),
    ]);
    const ok = table === 'ok' && engine === 'ok';
    return c.json({ status: ok ? 'ok' : 'degraded', table, engine } as never, ok ? 200 : (503 as never));
  });
  return app;
}
