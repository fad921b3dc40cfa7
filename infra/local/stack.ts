import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '#functions/api/app';
import { createDb, localDbConfig } from '#shared/core/db';
import { systemClock } from '#shared/core/clock';
import { registry as productRegistry, type WorkflowRegistry } from '#workflows/index';
import { ensureTable, startDynamoDbLocal } from './dynamodb-local.ts';
import { createLocalTokenIssuer } from './token-issuer.ts';
import { LocalWorkflowEngine } from './workflow-engine.ts';
import { startScheduler } from './scheduler.ts';
import { seedAdmin, seedDemo } from './seed.ts';
import { withConsole } from './console-site.ts';
import { createLocalUploadStore, withLocalUploads } from './upload-store.ts';
import { IMPORT_FILE_MAX_BYTES } from '#shared/imports/uploads';
import type { RateLimit } from '#functions/api/rate-limit';

export interface LocalStackOptions {
  port: number;
  /** Persist under this folder; undefined = in memory (a throwaway run). */
  dataDir?: string;
  demo: boolean;
  tableName?: string;
  registry?: WorkflowRegistry;
  log?: (line: string) => void;
  /** Per-principal request limit; undefined = none. */
  rateLimit?: RateLimit;
}

export interface LocalStack {
  url: string;
  stop(): Promise<void>;
}

/** Fails early with a clear message instead of half-starting when the HTTP port is busy. */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'EADDRINUSE' ? `Port ${port} is already in use; stop what runs there or start with PORT=<another port>` : error.message)),
    );
    probe.listen(port, () => probe.close(() => resolvePromise()));
  });
}

/**
 * The whole of Pentad on one machine: DynamoDB Local, the table from the shared definition, seed data,
 * the local Step Functions engine and scheduler, the local token issuer and the HTTP API.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  await assertPortFree(options.port);
  const dynamo = await startDynamoDbLocal({ dataDir: options.dataDir });
  const cleanup: (() => Promise<void> | void)[] = [() => dynamo.stop()];
  const stopAll = async () => {
    for (const step of cleanup.reverse()) await step();
  };
  try {
    log(`DynamoDB Local ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${dynamo.endpoint} (${options.dataDir ? `data in ${resolve(options.dataDir)}` : 'in memory'})`);
    const tableName = options.tableName ?? 'pentad';
    const created = await ensureTable(dynamo.endpoint, tableName);
    log(`Table ${tableName} ${created ? 'created from the shared definition' : 'found'}`);
    const db = createDb(tableName, localDbConfig(dynamo.endpoint));
    await seedAdmin(db, systemClock);
    if (options.demo) {
      const demo = await seedDemo(db, systemClock);
      log(demo.seeded ? `Seeded the demo organisation: ${demo.users} users, ${demo.customers} customers` : 'Demo organisation already seeded');
    }
    const registry = options.registry ?? productRegistry;
    const engine = new LocalWorkflowEngine({ db, registry, clock: systemClock });
    const resumed = await engine.resume();
    cleanup.push(() => engine.stop());
    log(`Workflow engine ready: ${registry.workflows.length} workflow(s), ${resumed.length} execution(s) resumed`);
    const scheduler = startScheduler({ registry, engine });
    cleanup.push(() => scheduler.stop());
    log(`Scheduler running ${registry.schedules.length} schedule(s)`);
    const issuer = await createLocalTokenIssuer(options.dataDir);
    const url = `http://localhost:${options.port}`;
    const uploadDir = options.dataDir ? join(options.dataDir, 'uploads') : mkdtempSync(join(tmpdir(), 'pentad-uploads-'));
    const uploads = createLocalUploadStore({ dir: uploadDir, baseUrl: url, maxPutBytes: IMPORT_FILE_MAX_BYTES });
    const app = createApp({ stage: 'local', db, engine, verifier: issuer.verifier, clock: systemClock, maxBodyBytes: 1024 * 1024, devTokens: issuer, rateLimit: options.rateLimit, uploads });
    const fetchWithConsole = withLocalUploads(await withConsole(app.fetch, { demo: options.demo }), uploads);
    const server = await new Promise<ServerType>((ready) => {
      const s = serve({ fetch: fetchWithConsole, port: options.port }, () => ready(s));
    });
    cleanup.push(() => new Promise<void>((done) => server.close(() => done())));
    return { url, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
