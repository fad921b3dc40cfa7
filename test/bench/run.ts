/**
 * `npm run bench`: what a request costs, measured side by side in one run on this machine.
 * For each main route: DynamoDB round trips (from Server-Timing) and warm latency p50/p99 over real HTTP,
 * against a bare Hono route doing one GetItem on the same DynamoDB Local — the floor of this architecture.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { writeFileSync } from 'node:fs';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createApp } from '#functions/api/app';
import { createDb, localDbConfig } from '#shared/core/db';
import { systemClock } from '#shared/core/clock';
import { keys } from '#shared/core/keys';
import { registry } from '#workflows/index';
import { ensureTable, freePort, startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { createLocalTokenIssuer } from '#infra/local/token-issuer';
import { LocalWorkflowEngine } from '#infra/local/workflow-engine';
import { seedAdmin, seedDemo } from '#infra/local/seed';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const WARMUP = 30;

const dynamo = await startDynamoDbLocal();
await ensureTable(dynamo.endpoint, 'bench');
const db = createDb('bench', localDbConfig(dynamo.endpoint));
await seedAdmin(db, systemClock);
await seedDemo(db, systemClock);
const issuer = await createLocalTokenIssuer();
const engine = new LocalWorkflowEngine({ db, registry });
await engine.resume();
const app = createApp({ stage: 'local', db, engine, verifier: issuer.verifier, clock: systemClock, maxBodyBytes: 1 << 20, devTokens: issuer });

const bare = new Hono();
bare.get('/bare/:id', async (c) => {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.customer(c.req.param('id')) }));
  return c.json(out.Item ?? {});
});

const [apiPort, barePort] = [await freePort(), await freePort()];
const servers = [serve({ fetch: app.fetch, port: apiPort }), serve({ fetch: bare.fetch, port: barePort })];
const api = `http://127.0.0.1:${apiPort}`;
const { token } = await issuer.issue({ id: 'rep-east-enterprise-1', roles: ['rep'] });
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const list = await (await fetch(`${api}/customers?limit=5`, { headers: auth })).json();
const customerId: string = list.items[0].id;
let version = list.items[0].version;
const patchTarget = await (await fetch(`${api}/customers`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Bench patch target' }) })).json();
version = patchTarget.version;

const deal = await (
  await fetch(`${api}/deals`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ customerId, title: 'Bench deal', amount: 1_000_000, productLineId: 'crm-suite', expectedCloseDate: '2026-12-31' }),
  })
).json();
const stages = ['qualified', 'lead'];
let moves = 0;
const month = new Date().toISOString().slice(0, 7);

type Case = { name: string; run: () => Promise<Response> };
const cases: Case[] = [
  { name: 'baseline: bare Hono + 1 GetItem', run: () => fetch(`http://127.0.0.1:${barePort}/bare/${customerId}`) },
  { name: 'GET /customers/{id}', run: () => fetch(`${api}/customers/${customerId}`, { headers: auth }) },
  { name: 'GET /customers?limit=25', run: () => fetch(`${api}/customers?limit=25`, { headers: auth }) },
  { name: 'GET /teams/{id}', run: () => fetch(`${api}/teams/east-enterprise`, { headers: auth }) },
  { name: 'GET /me', run: () => fetch(`${api}/me`, { headers: auth }) },
  { name: 'POST /customers', run: () => fetch(`${api}/customers`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Bench Co' }) }) },
  { name: 'GET /deals/{id} (with history)', run: () => fetch(`${api}/deals/${deal.id}`, { headers: auth }) },
  {
    name: 'POST /deals/{id}/stage',
    run: () => fetch(`${api}/deals/${deal.id}/stage`, { method: 'POST', headers: auth, body: JSON.stringify({ stage: stages[moves++ % 2] }) }),
  },
  { name: 'GET /reports/funnel', run: () => fetch(`${api}/reports/funnel?from=${month}&to=${month}`, { headers: auth }) },
  { name: 'GET /approvals?inbox=mine', run: () => fetch(`${api}/approvals?inbox=mine`, { headers: auth }) },
  {
    name: 'PATCH /customers/{id}',
    run: async () => {
      const res = await fetch(`${api}/customers/${patchTarget.id}`, { method: 'PATCH', headers: { ...auth, 'if-match': `"${version}"` }, body: JSON.stringify({ industry: `I${version}` }) });
      if (res.ok) version += 1;
      return res;
    },
  },
];

const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const trips = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let round = 0; round < ROUNDS + WARMUP; round++) {
  // Interleaved, so drift (GC, JIT, the other core) hits every route alike.
  for (const c of cases) {
    const started = performance.now();
    const res = await c.run();
    await res.arrayBuffer();
    const elapsed = performance.now() - started;
    if (!res.ok) throw new Error(`${c.name} answered ${res.status}`);
    if (round >= WARMUP) {
      samples.get(c.name)!.push(elapsed);
      const count = /desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1];
      if (count !== undefined) trips.get(c.name)!.push(Number(count));
    }
  }
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const base = samples.get(cases[0]!.name)!;
const [baseP50, baseP99] = [pct(base, 50), pct(base, 99)];
const rows = cases.map((c) => {
  const s = samples.get(c.name)!;
  const t = trips.get(c.name)!;
  return {
    route: c.name,
    roundTripsMax: t.length ? Math.max(...t) : 1,
    p50ms: +pct(s, 50).toFixed(2),
    p99ms: +pct(s, 99).toFixed(2),
    p50VsBaseline: +(pct(s, 50) / baseP50).toFixed(2),
    p99VsBaseline: +(pct(s, 99) / baseP99).toFixed(2),
  };
});
console.log(`\nPentad bench — ${ROUNDS} interleaved rounds after ${WARMUP} warm-up, Node ${process.version}, DynamoDB Local in memory\n`);
console.table(rows);
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify({ at: new Date().toISOString(), rounds: ROUNDS, rows }, null, 2));
console.log('Written to test/bench/results.json');

for (const server of servers) server.close();
await engine.stop();
await dynamo.stop();
process.exit(0);
