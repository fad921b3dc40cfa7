import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ZodType } from 'zod';
import { etag, versionFromIfMatch } from '#shared/core/etag';
import type { Stored } from '#shared/core/versioned-policy';
import type { Session } from '#shared/core/session';
import { route } from './openapi.ts';
import { validationHook } from './middleware.ts';
import type { AppEnv } from './types.ts';

export const storedPolicyView = z.object({ version: z.number(), policy: z.unknown(), updatedAt: z.string().optional(), updatedBy: z.string().optional() });

/** GET (ETag = version) and PUT (admin, If-Match) of one versioned policy. */
export function policyRoutes<T>(options: {
  path: string;
  tag: string;
  what: string;
  schema: ZodType<T>;
  service: { get(session: Session): Promise<Stored<T>>; put(session: Session, policy: T, expectedVersion: number): Promise<Stored<T>> };
}) {
  const { path, tag, what, schema, service } = options;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(route({ method: 'get', path, summary: `${what} (ETag = version)`, tag, response: storedPolicyView }), async (c) => {
    const stored = await service.get(c.get('session'));
    c.header('ETag', etag(stored.version));
    return c.json(stored as never, 200);
  });
  app.openapi(
    route({ method: 'put', path, summary: `Save a new version: ${what.toLowerCase()} (admin, If-Match)`, tag, body: schema as never, response: storedPolicyView, extraResponses: { 409: 'Stale version', 412: 'If-Match missing' } }),
    async (c) => {
      const stored = await service.put(c.get('session'), c.req.valid('json' as never) as T, versionFromIfMatch(c.req.header('if-match')));
      c.header('ETag', etag(stored.version));
      return c.json(stored as never, 200);
    },
  );
  return app;
}
