/**
 * A table with N deals, fast. The first deals are real: created (and some moved) through the API and its services,
 * so every item a deal writes — the deal, its stage moves, its index and reference items, the audit records and the
 * aggregates (funnel counters, occupancy, open pipeline) — is what the product writes. The rest are clones of those:
 *
 * - per-deal items (those that name a deal id) are copied with every id the deal's transaction minted replaced by a
 *   fresh ULID, so each clone is its own deal with its own collection and index entries;
 * - shared aggregates (items that name no deal) are extrapolated: the real deals are created in two equal halves;
 *   a number that moved between the two snapshots moves by the same per-deal step for every clone (counts, sums,
 *   histogram buckets, versions), a number that did not is a constant (a year, a limit) and stays.
 *
 * The clones are BatchWritten straight to the table (a bench shortcut: the services' transactions would take an
 * hour for 100,000 deals on DynamoDB Local); what a read finds is what 100,000 service-made deals would leave.
 */
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { newId } from '#shared/core/ids';
import type { BenchApi } from './support.ts';
import { inParallel, log } from './support.ts';

type Item = Record<string, unknown>;
const ULID = /[0-9A-HJKMNP-TV-Z]{26}/g;
const keyOf = (item: Item) => `${item.PK}\u0000${item.SK}`;

export async function scanAll(db: Db): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new ScanCommand({ TableName: db.tableName, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export async function batchPut(db: Db, items: Item[], concurrency = 8) {
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await inParallel(batches, concurrency, async (batch) => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 20) throw new Error('bench: BatchWrite kept leaving items unprocessed');
      const out = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.tableName]: requests } }));
      requests = (out.UnprocessedItems?.[db.tableName] ?? []) as typeof requests;
      if (requests.length) await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  });
}

/** Real deals through POST /deals (round robin over the demo reps), every third moved to qualified. */
export async function createRealDeals(api: BenchApi, count: number, first = 0): Promise<string[]> {
  const reps = (await api.ok('GET', '/users?limit=100', { as: 'admin' })).items
    .filter((u: { roles: string[] }) => u.roles.includes('rep'))
    .map((u: { id: string }) => u.id) as string[];
  const customers = new Map<string, string[]>();
  for (const rep of reps) customers.set(rep, (await api.ok('GET', '/customers?limit=100', { as: rep })).items.map((c: { id: string }) => c.id));
  const workers = reps.filter((r) => customers.get(r)!.length > 0);
  const ids: string[] = [];
  await inParallel(
    Array.from({ length: count }, (_, i) => first + i),
    4,
    async (n) => {
      const rep = workers[n % workers.length]!;
      const mine = customers.get(rep)!;
      const deal = await api.ok('POST', '/deals', {
        as: rep,
        body: { customerId: mine[n % mine.length], title: `Bench deal ${n}`, amount: 100_000 + (n % 50) * 10_000, productLineId: 'crm-suite', expectedCloseDate: '2026-12-31' },
      });
      if (n % 3 === 0) await api.ok('POST', `/deals/${deal.id}/stage`, { as: rep, body: { stage: 'qualified' } });
      ids.push(deal.id);
    },
  );
  return ids;
}

/** `value` at `total` deals from its snapshots at `a` and `b` deals (b > a). */
function extrapolate(atA: unknown, atB: unknown, step: number): unknown {
  if (typeof atB === 'number' && typeof atA === 'number') return atA === atB ? atB : atB + Math.round((atB - atA) * step);
  if (atB && typeof atB === 'object' && !Array.isArray(atB) && atA && typeof atA === 'object' && !Array.isArray(atA)) {
    return Object.fromEntries(Object.entries(atB as Item).map(([k, v]) => [k, extrapolate((atA as Item)[k], v, step)]));
  }
  return atB;
}

const remap = (value: unknown, ids: Map<string, string>): unknown => {
  if (typeof value === 'string') return value.replace(ULID, (id) => ids.get(id) ?? id);
  if (Array.isArray(value)) return value.map((v) => remap(v, ids));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, remap(v, ids)]));
  return value;
};

/**
 * Fills `target` with everything in `source` (which holds `real` service-made deals, `snapshotA` taken at half of
 * them) plus clones up to `total` deals.
 */
export async function growTo(source: Db, target: Db, opts: { total: number; realIds: string[]; snapshotA: Item[]; half: number }) {
  const snapshotB = await scanAll(source);
  const real = opts.realIds.length;
  const before = new Map(opts.snapshotA.map((i) => [keyOf(i), i]));
  const dealIds = new Set(opts.realIds);
  const knownIds = new Set<string>(); // ids that existed before the deals (customers, users…): never remapped
  const perDeal = new Map<string, Item[]>();
  const shared: Item[] = [];
  for (const item of snapshotB) {
    const text = JSON.stringify(item);
    const dealId = text.match(ULID)?.find((id) => dealIds.has(id));
    if (dealId) perDeal.set(dealId, [...(perDeal.get(dealId) ?? []), item]);
    else shared.push(item);
  }
  for (const item of opts.snapshotA) {
    const found = JSON.stringify(item).match(ULID) ?? [];
    if (!found.some((id) => dealIds.has(id))) for (const id of found) knownIds.add(id);
  }
  for (const item of shared) for (const id of JSON.stringify(item).match(ULID) ?? []) knownIds.add(id);

  // Shared aggregates: snapshot A holds `half` deals, B holds `real`; each clone adds one per-deal step.
  const step = (opts.total - real) / (real - opts.half);
  const grown = shared.map((item) => {
    const a = before.get(keyOf(item));
    return a ? (extrapolate(a, item, step) as Item) : item;
  });
  log(`scaling: ${snapshotB.length} items for ${real} real deals (${shared.length} shared); cloning to ${opts.total} deals`);
  await batchPut(target, [...grown, ...[...perDeal.values()].flat()]);

  const templates = opts.realIds.map((id) => perDeal.get(id) ?? []);
  const clones = opts.total - real;
  const chunk: Item[] = [];
  let logged = 0;
  for (let n = 0; n < clones; n++) {
    const template = templates[n % templates.length]!;
    const ids = new Map<string, string>();
    for (const item of template) for (const id of JSON.stringify(item).match(ULID) ?? []) if (!knownIds.has(id) && !ids.has(id)) ids.set(id, newId());
    for (const item of template) chunk.push(remap(item, ids) as Item);
    if (chunk.length >= 5000 || n === clones - 1) {
      await batchPut(target, chunk.splice(0));
      if (Math.floor((n + 1) / 10_000) > logged) log(`scaling: ${real + n + 1} deals written`);
      logged = Math.floor((n + 1) / 10_000);
    }
  }
}
