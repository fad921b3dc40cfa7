/**
 * Dashboard and funnel at 1,000 vs 100,000 deals: the same requests against two tables on the same DynamoDB Local,
 * interleaved, comparing latency and the read capacity DynamoDB reports (ReturnConsumedCapacity TOTAL, added and
 * summed by SDK middleware on each table's client). Counters written with the deals should keep both flat.
 */
import type { Db } from '#shared/core/db';
import { benchApi, freshBenchTable, log, median, percentile, round, type BenchApi } from './support.ts';
import { createRealDeals, growTo, scanAll } from './deal-growth.ts';

const GOAL = 1.1;

/** Asks for ConsumedCapacity on every call of this client and adds it up in `meter.units`. */
function meterCapacity(db: Db) {
  const meter = { units: 0 };
  db.doc.middlewareStack.add(
    (next) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      for (const c of [consumed ?? []].flat()) meter.units += c.CapacityUnits ?? 0;
      return out;
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  return meter;
}

export async function scaling(options: { small?: number; large?: number; rounds?: number } = {}) {
  const small = options.small ?? Number(process.env.BENCH_DEALS_SMALL ?? 1_000);
  const large = options.large ?? Number(process.env.BENCH_DEALS_LARGE ?? 100_000);
  const rounds = options.rounds ?? Number(process.env.BENCH_SCALING_ROUNDS ?? 200);
  const warmup = 20;

  const smallApi = await benchApi({ demo: true });
  const t = Date.now();
  const half = Math.floor(small / 2);
  const realIds = await createRealDeals(smallApi, half);
  const snapshotA = await scanAll(smallApi.db);
  realIds.push(...(await createRealDeals(smallApi, small - half, half)));
  log(`scaling: ${small} deals through the API in ${Math.round((Date.now() - t) / 1000)} s`);
  await smallApi.stop();

  const largeDb = await freshBenchTable('bench-large');
  const g = Date.now();
  await growTo(smallApi.db, largeDb, { total: large, realIds, snapshotA, half });
  log(`scaling: ${large} deals in ${Math.round((Date.now() - g) / 1000)} s`);

  // Fresh apps on both tables, each with its own metered client, the same tokens' users.
  const tables = { small: smallApi.db, large: largeDb };
  const apis: Record<'small' | 'large', { api: BenchApi; meter: { units: number } }> = {} as never;
  for (const size of ['small', 'large'] as const) {
    const db = { ...tables[size] };
    const api = await benchApi({ db });
    apis[size] = { api, meter: meterCapacity(db) };
  }
  const year = new Date().getUTCFullYear();
  const month = new Date().toISOString().slice(0, 7);
  const cases = [
    { name: 'GET /dashboard (company, year)', as: 'vp', path: `/dashboard?period=${year}&scope=company` },
    { name: 'GET /dashboard (team, month)', as: 'manager-east-enterprise', path: `/dashboard?period=${month}&scope=team:east-enterprise` },
    { name: 'GET /reports/funnel (company)', as: 'vp', path: `/reports/funnel?from=${month}&to=${month}` },
    { name: 'GET /reports/funnel (team)', as: 'manager-east-enterprise', path: `/reports/funnel?from=${month}&to=${month}&teamId=east-enterprise` },
  ];
  const samples = new Map<string, { ms: number[]; units: number[] }>();
  for (const c of cases) for (const size of ['small', 'large']) samples.set(`${c.name}|${size}`, { ms: [], units: [] });
  const bodies = new Map<string, string>();
  for (let r = 0; r < rounds + warmup; r++) {
    for (const c of cases) {
      for (const size of (r % 2 ? ['small', 'large'] : ['large', 'small']) as ('small' | 'large')[]) {
        const { api, meter } = apis[size];
        const units = meter.units;
        const started = performance.now();
        const res = await api.call('GET', c.path, { as: c.as });
        const elapsed = performance.now() - started;
        if (res.status !== 200) throw new Error(`bench scaling: ${c.name} on ${size} answered ${res.status} ${JSON.stringify(res.body)}`);
        if (r === 0) bodies.set(`${c.name}|${size}`, JSON.stringify(res.body));
        if (r < warmup) continue;
        const s = samples.get(`${c.name}|${size}`)!;
        s.ms.push(elapsed);
        s.units.push(meter.units - units);
      }
    }
  }
  for (const { api } of Object.values(apis)) await api.stop();

  const rows = cases.map((c) => {
    const [s, l] = [samples.get(`${c.name}|small`)!, samples.get(`${c.name}|large`)!];
    return {
      route: c.name,
      [`p50ms@${small}`]: round(percentile(s.ms, 50)),
      [`p50ms@${large}`]: round(percentile(l.ms, 50)),
      latencyRatio: round(percentile(l.ms, 50) / percentile(s.ms, 50)),
      [`rcu@${small}`]: median(s.units),
      [`rcu@${large}`]: median(l.units),
      rcuRatio: round(median(l.units) / median(s.units)),
      // The large table's figures must differ (it holds 100× the deals): proof that the bench measured real counters.
      answersDiffer: bodies.get(`${c.name}|small`) !== bodies.get(`${c.name}|large`),
    };
  });
  const worst = (prefix: string, key: 'latencyRatio' | 'rcuRatio') => Math.max(...rows.filter((r) => r.route.startsWith(prefix)).map((r) => r[key] as number));
  return {
    goal: GOAL,
    aggregate: 'worst of the scopes measured (p50 latency; median consumed read capacity per request)',
    dashboardLatencyRatio: worst('GET /dashboard', 'latencyRatio'),
    dashboardRcuRatio: worst('GET /dashboard', 'rcuRatio'),
    funnelLatencyRatio: worst('GET /reports/funnel', 'latencyRatio'),
    funnelRcuRatio: worst('GET /reports/funnel', 'rcuRatio'),
    deals: { small, large, throughApi: small, cloned: large - small },
    rounds,
    rows,
  };
}
