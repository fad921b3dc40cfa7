/**
 * Warm latency of the main read and write routes over real HTTP, against a bare Hono route doing one GetItem on
 * the same DynamoDB Local in the same process — the floor of this architecture. Requests are interleaved round by
 * round, so drift (GC, JIT, the other core, other work on the machine) hits every route alike.
 */
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '#shared/core/keys';
import { freePort } from '#infra/local/dynamodb-local';
import { benchApi, log, median, percentile, round } from './support.ts';

const GOAL = 1.3;

export async function latency(options: { rounds?: number; warmup?: number } = {}) {
  const rounds = options.rounds ?? Number(process.env.BENCH_ROUNDS ?? 300);
  const warmup = options.warmup ?? 30;
  const api = await benchApi({ demo: true });
  const { db } = api;

  const bare = new Hono();
  bare.get('/bare/:id', async (c) => {
    const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.customer(c.req.param('id')) }));
    return c.json(out.Item ?? {});
  });
  const [apiPort, barePort] = [await freePort(), await freePort()];
  const servers = [serve({ fetch: api.app.fetch, port: apiPort }), serve({ fetch: bare.fetch, port: barePort })];
  const base = `http://127.0.0.1:${apiPort}`;
  const REP = 'rep-east-enterprise-1';
  const auth = { authorization: `Bearer ${await api.tokenFor(REP)}`, 'content-type': 'application/json' };
  const managerAuth = { authorization: `Bearer ${await api.tokenFor('manager-east-enterprise')}` };

  const customerId: string = (await api.ok('GET', '/customers?limit=5', { as: REP })).items[0].id;
  const patchTarget = await api.ok('POST', '/customers', { as: REP, body: { name: 'Bench patch target' } });
  let version: number = patchTarget.version;
  const deal = await api.ok('POST', '/deals', {
    as: REP,
    body: { customerId, title: 'Bench deal', amount: 1_000_000, productLineId: 'crm-suite', expectedCloseDate: '2026-12-31' },
  });
  const stages = ['qualified', 'lead'];
  let moves = 0;
  let names = 0;
  const month = new Date().toISOString().slice(0, 7);
  const post = (path: string, body: unknown, headers: Record<string, string> = auth) => fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

  type Case = { name: string; kind: 'baseline' | 'read' | 'write'; run: () => Promise<Response> };
  const cases: Case[] = [
    { name: 'bare Hono + 1 GetItem', kind: 'baseline', run: () => fetch(`http://127.0.0.1:${barePort}/bare/${customerId}`) },
    { name: 'GET /me', kind: 'read', run: () => fetch(`${base}/me`, { headers: auth }) },
    { name: 'GET /customers/{id}', kind: 'read', run: () => fetch(`${base}/customers/${customerId}`, { headers: auth }) },
    { name: 'GET /customers?limit=25', kind: 'read', run: () => fetch(`${base}/customers?limit=25`, { headers: auth }) },
    { name: 'GET /deals/{id}', kind: 'read', run: () => fetch(`${base}/deals/${deal.id}`, { headers: auth }) },
    { name: 'GET /teams/{id}', kind: 'read', run: () => fetch(`${base}/teams/east-enterprise`, { headers: auth }) },
    { name: 'GET /dashboard', kind: 'read', run: () => fetch(`${base}/dashboard?period=${month}&scope=team:east-enterprise`, { headers: managerAuth }) },
    { name: 'GET /reports/funnel', kind: 'read', run: () => fetch(`${base}/reports/funnel?from=${month}&to=${month}`, { headers: auth }) },
    { name: 'GET /approvals?inbox=mine', kind: 'read', run: () => fetch(`${base}/approvals?inbox=mine`, { headers: auth }) },
    { name: 'POST /customers', kind: 'write', run: () => post('/customers', { name: `Bench Co ${names++}` }) },
    {
      name: 'PATCH /customers/{id}',
      kind: 'write',
      run: async () => {
        const res = await fetch(`${base}/customers/${patchTarget.id}`, { method: 'PATCH', headers: { ...auth, 'if-match': `"${version}"` }, body: JSON.stringify({ industry: `I${version}` }) });
        if (res.ok) version += 1;
        return res;
      },
    },
    { name: 'POST /deals/{id}/stage', kind: 'write', run: () => post(`/deals/${deal.id}/stage`, { stage: stages[moves++ % 2] }) },
  ];

  log(`latency: ${cases.length} cases × ${rounds} rounds (+${warmup} warm-up)`);
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const trips = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds + warmup; r++) {
    for (const c of cases) {
      const started = performance.now();
      const res = await c.run();
      await res.arrayBuffer();
      const elapsed = performance.now() - started;
      if (!res.ok) throw new Error(`bench latency: ${c.name} answered ${res.status}`);
      if (r < warmup) continue;
      samples.get(c.name)!.push(elapsed);
      const count = /desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1];
      trips.get(c.name)!.push(count === undefined ? 1 : Number(count));
    }
  }
  for (const server of servers) server.close();
  await api.stop();

  const baseline = samples.get(cases[0]!.name)!;
  const [baseP50, baseP99] = [percentile(baseline, 50), percentile(baseline, 99)];
  const routes = cases.map((c) => {
    const s = samples.get(c.name)!;
    return {
      route: c.name,
      kind: c.kind,
      roundTrips: Math.max(...trips.get(c.name)!),
      p50ms: round(percentile(s, 50)),
      p99ms: round(percentile(s, 99)),
      p50Ratio: round(percentile(s, 50) / baseP50),
      p99Ratio: round(percentile(s, 99) / baseP99),
    };
  });
  const main = routes.filter((r) => r.kind !== 'baseline');
  const worst = (key: 'p50Ratio' | 'p99Ratio') => main.reduce((a, b) => (b[key] > a[key] ? b : a));
  return {
    goal: GOAL,
    // The headline ratios are the WORST main route's (a median over routes would hide the slow ones).
    aggregate: 'max over main routes',
    p50Ratio: worst('p50Ratio').p50Ratio,
    p99Ratio: worst('p99Ratio').p99Ratio,
    worstP50Route: worst('p50Ratio').route,
    worstP99Route: worst('p99Ratio').route,
    medianP50Ratio: round(median(main.map((r) => r.p50Ratio))),
    medianP99Ratio: round(median(main.map((r) => r.p99Ratio))),
    baseline: { p50ms: round(baseP50), p99ms: round(baseP99) },
    rounds,
    warmup,
    routes,
  };
}
