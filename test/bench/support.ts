/**
 * What every bench part shares: one DynamoDB Local for the run, the API exactly as the local stack builds it on a
 * fresh table (like test/support/api.ts, without vitest), and the statistics.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createApp } from '#functions/api/app';
import { createDb, localDbConfig, type Db } from '#shared/core/db';
import { systemClock, type Clock } from '#shared/core/clock';
import { newId } from '#shared/core/ids';
import { keys } from '#shared/core/keys';
import { registry } from '#workflows/index';
import { ensureTable, startDynamoDbLocal, type DynamoDbLocal } from '#infra/local/dynamodb-local';
import { createLocalTokenIssuer } from '#infra/local/token-issuer';
import { LocalWorkflowEngine } from '#infra/local/workflow-engine';
import { seedAdmin, seedDemo } from '#infra/local/seed';

let local: Promise<DynamoDbLocal> | undefined;

/** The run's one DynamoDB Local (in memory), started on first use. */
export const dynamoDbLocal = () => (local ??= startDynamoDbLocal());

export async function stopDynamoDbLocal() {
  if (local) await (await local).stop();
  local = undefined;
}

export async function freshBenchTable(prefix = 'bench'): Promise<Db> {
  const { endpoint } = await dynamoDbLocal();
  const tableName = `${prefix}-${newId().toLowerCase()}`;
  await ensureTable(endpoint, tableName);
  return createDb(tableName, localDbConfig(endpoint));
}

export type BenchApi = Awaited<ReturnType<typeof benchApi>>;

/** The local stack's app, engine and token issuer on a fresh table; `call` goes through app.request(). */
/** `db`: an already filled table (nothing is seeded into it). */
export async function benchApi(options: { demo?: boolean; clock?: Clock; db?: Db } = {}) {
  const clock = options.clock ?? systemClock;
  const db = options.db ?? (await freshBenchTable());
  const issuer = await createLocalTokenIssuer();
  const engine = new LocalWorkflowEngine({ db, registry, clock });
  await engine.resume();
  if (!options.db) {
    await seedAdmin(db, clock);
    if (options.demo) await seedDemo(db, clock);
  }
  const app = createApp({ stage: 'local', db, engine, verifier: issuer.verifier, clock, maxBodyBytes: 1024 * 1024, devTokens: issuer });
  const tokens = new Map<string, string>();

  async function tokenFor(userId: string): Promise<string> {
    if (!tokens.has(userId)) {
      const user = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.user(userId) }));
      if (!user.Item) throw new Error(`bench: no user ${userId}`);
      tokens.set(userId, (await issuer.issue({ id: userId, roles: user.Item.roles })).token);
    }
    return tokens.get(userId)!;
  }

  async function call<T = any>(method: string, path: string, init: { as?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (init.as) headers.authorization = `Bearer ${await tokenFor(init.as)}`;
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }

  /** Fails the bench loudly: a figure measured on a failing request would be meaningless. */
  async function ok<T = any>(method: string, path: string, init: Parameters<typeof call>[2] = {}) {
    const res = await call<T>(method, path, init);
    if (res.status >= 300) throw new Error(`bench: ${method} ${path} answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  return { app, db, engine, issuer, clock, call, ok, tokenFor, stop: () => engine.stop() };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const median = (values: number[]) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Runs `work` over `items`, `concurrency` at a time. */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

/** One figure against its goal, for the printed summary. */
export interface Figure {
  part: string;
  figure: string;
  value: number | null;
  goal: string;
  met: boolean | null;
}

export const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
