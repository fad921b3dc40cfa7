import { createApp } from '#functions/api/app';
import { systemClock, type Clock } from '#shared/core/clock';
import { registry } from '#workflows/index';
import { createLocalTokenIssuer } from '#infra/local/token-issuer';
import { LocalWorkflowEngine } from '#infra/local/workflow-engine';
import { seedAdmin, seedDemo } from '#infra/local/seed';
import type { IdentityDirectory } from '#shared/core/identity-directory';
import type { RateLimit } from '#functions/api/rate-limit';
import { freshTable } from './db.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalUploadStore } from '#infra/local/upload-store';
import { IMPORT_FILE_MAX_BYTES } from '#shared/imports/uploads';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * The API exactly as the local stack builds it, on a fresh DynamoDB Local table, driven through app.request().
 * `demo: true` seeds the demo organisation through the real services.
 */
/** `clock` pins "now" for the API, the engine and the seed (e.g. one that starts at a given date and runs on). */
export async function testApi(options: { demo?: boolean; stage?: 'local' | 'aws' | 'test'; maxBodyBytes?: number; directory?: IdentityDirectory; clock?: Clock; rateLimit?: RateLimit } = {}) {
  const clock = options.clock ?? systemClock;
  const db = await freshTable();
  const issuer = await createLocalTokenIssuer();
  const engine = new LocalWorkflowEngine({ db, registry, clock });
  await engine.resume();
  await seedAdmin(db, clock);
  if (options.demo) await seedDemo(db, clock);
  const stage = options.stage ?? 'local';
  // Signed upload URLs point at the local stack's /local-uploads/; tests hand the PUT to uploads.handle().
  const uploads = createLocalUploadStore({ dir: mkdtempSync(join(tmpdir(), 'pentad-uploads-')), baseUrl: 'http://localhost', maxPutBytes: IMPORT_FILE_MAX_BYTES });
  const app = createApp({
    stage,
    db,
    engine,
    verifier: issuer.verifier,
    clock,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    devTokens: issuer,
    directory: options.directory,
    // Off unless a test asks for it, so other tests are never throttled.
    rateLimit: options.rateLimit,
    uploads,
  });
  const tokens = new Map<string, string>();

  async function tokenFor(userId: string): Promise<string> {
    if (!tokens.has(userId)) {
      const user = await db.doc.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: db.tableName, Key: { PK: `USER#${userId}`, SK: 'PROFILE' } }));
      if (!user.Item) throw new Error(`test: no user ${userId}`);
      tokens.set(userId, (await issuer.issue({ id: userId, roles: user.Item.roles })).token);
    }
    return tokens.get(userId)!;
  }

  async function call<T = any>(
    method: string,
    path: string,
    init: { as?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.as) headers.authorization = `Bearer ${await tokenFor(init.as)}`;
    let body: string | undefined = init.rawBody;
    if (init.body !== undefined) body = JSON.stringify(init.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON (docs page) */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  return { app, db, engine, issuer, call, tokenFor, uploads };
}
