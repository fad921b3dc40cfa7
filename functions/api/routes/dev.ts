import { OpenAPIHono, z } from '@hono/zod-openapi';
import { notFound } from '#shared/core/errors';
import { entityId } from '#shared/core/schemas';
import { findActiveUser } from '#shared/org/service';
import { route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv, DevTokenIssuer } from '../types.ts';

/** POST /dev/token — local stage only: a signed access token for any active seeded user. */
export function devRoutes(deps: AppDeps, issuer: DevTokenIssuer) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    route({
      method: 'post',
      path: '/dev/token',
      summary: 'Local stage only: a token for a seeded user',
      tag: 'Local',
      public: true,
      body: z.strictObject({ userId: entityId }),
      response: z.object({ token: z.string(), expiresAt: z.string() }),
    }),
    async (c) => {
      const { userId } = c.req.valid('json');
      const user = await findActiveUser(deps.db, userId);
      if (!user) throw notFound(`Active user ${userId}`);
      return c.json((await issuer.issue(user)) as never, 200);
    },
  );
  return app;
}
