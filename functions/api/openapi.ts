import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import type { ZodType } from 'zod';
import { pageQuery } from '#shared/core/pagination';
import { entityId } from '#shared/core/schemas';
import { requireSession, refuseBody } from './middleware.ts';

/** Shared response shapes for the generated OpenAPI document. */
export const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});

export const pageOf = (item: ZodType) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export const idParam = z.strictObject({ id: entityId });
export const listQuery = <T extends Record<string, ZodType> = {}>(extra?: T) => z.strictObject({ ...pageQuery, ...((extra ?? {}) as T) });

const errors = {
  400: { description: 'Invalid input; `fields` names each problem', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Missing or invalid bearer token', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed for your role', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found, or outside your data scope', content: { 'application/json': { schema: ErrorSchema } } },
  429: { description: 'Too many requests from you; `Retry-After` says in how many seconds to try again', content: { 'application/json': { schema: ErrorSchema } } },
};

interface RouteSpec<P, Q, B> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  response: ZodType;
  status?: 200 | 201 | 202;
  public?: boolean;
  extraResponses?: Record<number, string>;
  /** Also answers text/csv when the request has `Accept: text/csv` (reports: functions/api/csv.ts). */
  csv?: boolean;
}

/**
 * The route's config as hono/zod-openapi sees it: request types kept (c.req.valid is typed), response
 * bodies untyped (the services' return types are the contract; the schemas document them).
 */
type Typed<P, Q, B> = Omit<RouteConfig, 'request' | 'responses'> & {
  request: { params: P; query: Q; body: B extends ZodType ? { content: { 'application/json': { schema: B } }; required: true } : undefined };
  responses: Record<string, { description: string }>;
};

/** One route: zod schemas validate the request and document it in /openapi.json. */
export function route<P extends ZodType | undefined = undefined, Q extends ZodType | undefined = undefined, B extends ZodType | undefined = undefined>(
  spec: RouteSpec<P, Q, B>,
): Typed<P, Q, B> {
  const status = spec.status ?? 200;
  return createRoute({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    tags: [spec.tag],
    ...(spec.public ? {} : { security: [{ Bearer: [] }] }),
    // Routes without a body schema take no body: a stray field is an error, never silently ignored.
    middleware: [...(spec.public ? [] : [requireSession]), ...(spec.body ? [] : [refuseBody])] as never,
    request: {
      ...(spec.params ? { params: spec.params as never } : {}),
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body as never } }, required: true } } : {}),
    },
    responses: {
      [status]: {
        description: spec.csv ? 'OK (JSON; CSV with a header row when `Accept: text/csv`)' : 'OK',
        content: { 'application/json': { schema: spec.response as never }, ...(spec.csv ? { 'text/csv': { schema: z.string() as never } } : {}) },
      },
      ...errors,
      ...Object.fromEntries(
        Object.entries(spec.extraResponses ?? {}).map(([code, description]) => [code, { description, content: { 'application/json': { schema: ErrorSchema } } }]),
      ),
    },
  }) as never;
}
