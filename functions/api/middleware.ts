import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import { appendFileSync } from 'node:fs';
import type { ZodError } from 'zod';
import { countRoundTrips } from '#shared/core/db';
import { AppError, unauthorized, type FieldErrors } from '#shared/core/errors';
import { Session } from '#shared/core/session';
import type { AppEnv, AppDeps } from './types.ts';

const errorBody = (code: string, message: string, fields?: FieldErrors) => ({ error: { code, message, ...(fields ? { fields } : {}) } });

/** Server-Timing: ddb;dur=<ms>;desc="<round trips>" — a route's DynamoDB cost, visible from outside. */
export const serverTiming: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { trips } = await countRoundTrips(() => next());
  c.res.headers.set('Server-Timing', `ddb;dur=${trips.totalMs.toFixed(1)};desc="${trips.count}"`);
  if (roundTripLog) recordRoundTrips(c, trips.count);
};

/** `npm run bench` sets this to collect every request's round trips per route while the test suites run. */
const roundTripLog = process.env.PENTAD_ROUNDTRIP_LOG;

function recordRoundTrips(c: Context<AppEnv>, trips: number) {
  // The route pattern (not the path), in OpenAPI form: the last matched non-middleware route.
  const handler = matchedRoutes(c).findLast((r) => r.method !== 'ALL');
  const route = handler ? handler.path.replace(/:(\w+)/g, '{$1}') : null;
  appendFileSync(roundTripLog!, `${JSON.stringify({ method: c.req.method, route, status: c.res.status, trips })}\n`);
}

/** The one place errors become JSON; anything unexpected is logged and answered as a 500 without internals. */
export function onError(error: Error, c: Context<AppEnv>) {
  if (error instanceof AppError) return c.json(errorBody(error.code, error.message, error.fields), error.status);
  if (error instanceof HTTPException) {
    const malformed = /Malformed JSON/i.test(error.message);
    const status = error.status;
    return c.json(errorBody(malformed ? 'invalid_json' : statusCode(status), malformed ? 'The request body is not valid JSON' : error.message || 'Request refused'), status);
  }
  console.error(JSON.stringify({ level: 'error', message: error.message, name: error.name, stack: error.stack, path: c.req.path }));
  return c.json(errorBody('internal_error', 'Something went wrong on our side; it has been logged'), 500);
}

const statusCode = (status: number) =>
  ({ 400: 'invalid_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large', 415: 'unsupported_media_type' })[status] ?? 'error';

export const notFoundHandler = (c: Context<AppEnv>) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404);

/** zod issues → {"fields": {"contacts.0.email": "Invalid email address", "foo": "Unknown field"}} */
export function validationFields(error: ZodError): FieldErrors {
  // No prototype: an unknown key named "__proto__" must be reported, not swallowed by the assignment.
  const fields: FieldErrors = Object.create(null);
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] = 'Unknown field';
    } else {
      fields[issue.path.join('.') || '_'] = issue.message;
    }
  }
  return fields;
}

/** DynamoDB stores number magnitudes from 1e-130 to below 1e126; anything else would fail the write as a 500. */
function unstorableNumbers(value: unknown, path: string[] = [], out: FieldErrors = Object.create(null)): FieldErrors {
  if (typeof value === 'number') {
    const magnitude = Math.abs(value);
    if (magnitude !== 0 && (magnitude < 1e-130 || magnitude >= 1e126)) out[path.join('.') || '_'] = 'This number is too small or too large to store; round it';
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) unstorableNumbers(inner, [...path, key], out);
  }
  return out;
}

export const validationHook = (result: { success: boolean; error?: ZodError; target?: string; data?: unknown }, c: Context<AppEnv>) => {
  const where = result.target === 'json' ? 'body' : result.target;
  if (!result.success && result.error) {
    return c.json(errorBody('invalid_request', `The request ${where ?? 'input'} is not valid`, validationFields(result.error)), 400);
  }
  const unstorable = result.success ? unstorableNumbers(result.data) : {};
  if (Object.keys(unstorable).length) return c.json(errorBody('invalid_request', `The request ${where ?? 'input'} is not valid`, unstorable), 400);
};

/**
 * Uploads (CSV imports) are the one exception to the global size limit and to JSON-only: each such route applies
 * its own `uploadLimit` and content type (routes/imports.ts), so the global middleware leaves exactly these alone.
 */
export const UPLOAD_ROUTES = new Set(['POST /imports/customers', 'POST /imports/orders']);
const isUpload = (c: Context) => UPLOAD_ROUTES.has(`${c.req.method} ${c.req.path}`);

export const uploadLimit = (maxBytes: number): MiddlewareHandler<AppEnv> =>
  bodyLimit({
    maxSize: maxBytes,
    onError: (c) => c.json(errorBody('payload_too_large', `The request body is larger than ${maxBytes} bytes`), 413),
  });

export const limitBody = (maxBytes: number): MiddlewareHandler<AppEnv> => {
  const limit = uploadLimit(maxBytes);
  return (c, next) => (isUpload(c) ? next() : limit(c, next));
};

/** Writes take JSON only; anything else is a clear 415 rather than an empty body that fails validation. */
export const requireJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (isUpload(c)) return next();
  const hasBody = Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding');
  if (['POST', 'PUT', 'PATCH'].includes(c.req.method) && hasBody) {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!/^application\/([\w.-]+\+)?json$/.test(type)) {
      return c.json(errorBody('unsupported_media_type', 'Send the body as application/json'), 415);
    }
  }
  await next();
};

/**
 * Bearer token → Session for every request that sends one (an invalid token is a 401 wherever it goes).
 * Routes that need a caller add `requireSession`, so an unknown path is a 404 and not a 401.
 */
export const identify =
  (deps: Pick<AppDeps, 'verifier' | 'db'>): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw unauthorized('Send the token as "Authorization: Bearer <token>"');
      const identity = await deps.verifier.verify(match[1]!);
      c.set('session', new Session(deps.db, identity));
    }
    await next();
  };

export const refuseBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(c.req.method)) {
    const text = (await c.req.text()).trim();
    if (text !== '' && text !== '{}') throw new AppError(400, 'invalid_request', 'This request takes no body', { body: 'Send no body (or {})' });
  }
  await next();
};

export const requireSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('session')) throw unauthorized();
  await next();
};
