import { OpenAPIHono } from '@hono/zod-openapi';
import { createPartnerService } from '#shared/partners/service';
import { createPartner, listPartnersQuery, partnerView } from '#shared/partners/schemas';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { idempotencyKey } from './customers.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/** Partners: screened on creation (managers and above), read by everyone. */
export function partnerRoutes(deps: AppDeps) {
  const partners = createPartnerService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Partners';

  app.openapi(
    route({
      method: 'post',
      path: '/partners',
      summary: 'Screen a partner: approved / watch / rejected with the rule that decided (managers and above; Idempotency-Key)',
      tag,
      body: createPartner,
      response: partnerView,
      status: 201,
      extraResponses: { 422: 'Idempotency-Key reused with another body' },
    }),
    async (c) => {
      const result = await partners.create(c.get('session'), c.req.valid('json'), idempotencyKey(c.req.header('idempotency-key')));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body as never, 201);
    },
  );
  app.openapi(route({ method: 'get', path: '/partners', summary: 'Partners, newest first; optionally one screening result', tag, query: listQuery(listPartnersQuery), response: pageOf(partnerView) }), async (c) =>
    c.json((await partners.list(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(route({ method: 'get', path: '/partners/{id}', summary: 'A partner with its screening', tag, params: idParam, response: partnerView }), async (c) =>
    c.json((await partners.get(c.get('session'), c.req.valid('param').id)) as never, 200),
  );
  return app;
}
