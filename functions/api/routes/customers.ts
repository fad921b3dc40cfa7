import { OpenAPIHono } from '@hono/zod-openapi';
import { etag, versionFromIfMatch } from '#shared/core/etag';
import { invalid } from '#shared/core/errors';
import { createCustomerService } from '#shared/customers/service';
import { createCustomer, customerView, listCustomersQuery, patchCustomer } from '#shared/customers/schemas';
import { PossibleDuplicate } from '#shared/data-quality/duplicates';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

export function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) throw invalid('Idempotency-Key must be 8–128 letters, digits or _ . : -', { 'Idempotency-Key': 'Not a valid key' });
  return header;
}

const createCustomerQuery = z.strictObject({ allowDuplicate: z.enum(['true', 'false']).optional().describe('Create even when it matches an existing customer; the pair is flagged') });

/** A possible duplicate answers 409 with the candidates, so the client can open one instead or confirm. */
export const duplicateAnswer = (c: Context<AppEnv>) => (error: unknown) => {
  if (!(error instanceof PossibleDuplicate)) throw error;
  return c.json({ error: { code: error.code, message: error.message, candidates: error.candidates } }, 409);
};

/** The template every resource copies: Idempotency-Key on create, ETag on read, If-Match on update, scoped lists. */
export function customerRoutes(deps: AppDeps) {
  const customers = createCustomerService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Customers';

  app.openapi(
    route({
      method: 'post',
      path: '/customers',
      summary: 'Create a customer (honours Idempotency-Key); a possible duplicate is a 409 with the candidates unless ?allowDuplicate=true, which creates it and flags the pair',
      tag,
      query: createCustomerQuery,
      body: createCustomer,
      response: customerView,
      status: 201,
      extraResponses: { 409: 'possible_duplicate: `error.candidates` lists id, name and matched fields', 422: 'Idempotency-Key reused with another body' },
    }),
    async (c) => {
      const allow = c.req.valid('query').allowDuplicate === 'true';
      const result = await customers.create(c.get('session'), c.req.valid('json'), idempotencyKey(c.req.header('idempotency-key')), allow).catch(duplicateAnswer(c));
      if (result instanceof Response) return result as never;
      const body = result.body as { version: number };
      c.header('ETag', etag(body.version));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body as never, 201);
    },
  );
  app.openapi(
    route({ method: 'get', path: '/customers', summary: 'Customers within your scope', tag, query: listQuery(listCustomersQuery), response: pageOf(customerView) }),
    async (c) => c.json((await customers.list(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(route({ method: 'get', path: '/customers/{id}', summary: 'A customer (ETag = version)', tag, params: idParam, response: customerView }), async (c) => {
    const customer = await customers.get(c.get('session'), c.req.valid('param').id);
    c.header('ETag', etag(customer.version));
    return c.json(customer as never, 200);
  });
  app.openapi(
    route({ method: 'patch', path: '/customers/{id}', summary: 'Change a customer (requires If-Match)', tag, params: idParam, body: patchCustomer, response: customerView, extraResponses: { 409: 'Stale version', 412: 'If-Match missing' } }),
    async (c) => {
      const customer = await customers.patch(c.get('session'), c.req.valid('param').id, c.req.valid('json'), versionFromIfMatch(c.req.header('if-match')));
      c.header('ETag', etag(customer.version));
      return c.json(customer as never, 200);
    },
  );
  app.openapi(
    route({ method: 'post', path: '/customers/{id}/archive', summary: 'Archive a customer (If-Match optional)', tag, params: idParam, response: customerView, extraResponses: { 409: 'Already archived or stale' } }),
    async (c) => {
      const ifMatch = c.req.header('if-match');
      const customer = await customers.archive(c.get('session'), c.req.valid('param').id, ifMatch ? versionFromIfMatch(ifMatch) : undefined);
      c.header('ETag', etag(customer.version));
      return c.json(customer as never, 200);
    },
  );
  return app;
}

