import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testApi } from '#test/support/api';
import { bodyCases, fillPath, operationsOf, pathValue, queryCases, valid, violates, type BodyCase, type Operation, type QueryCase } from '#test/support/openapi-arbitraries';
import { IMPORT_MAX_BYTES } from '#functions/api/routes/imports';
import { authHeaders, callerArb, checkAnswer, csvCases, idPools, poolFor, seedRecords } from './fuzz-setup.ts';

/**
 * Every operation in /openapi.json, fuzzed from its own schemas (issue 8 item 3). `npm run test:fuzz` sends
 * FUZZ_RUNS=1000 inputs per operation; inside `npm test` the same file sends 20 so the suite stays quick.
 * FUZZ_SEED replays a run, FUZZ_ONLY narrows it.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const MAX_BODY = 1024 * 1024;

let api: Awaited<ReturnType<typeof testApi>>;
let pools: Map<string, string[]>;
const histogram = new Map<number, number>();
const perOperation = new Map<string, number>();
const started = Date.now();

// The operation list is read from the app's own document before the tests are declared (a new route is fuzzed too).
const doc = await (async () => {
  const { createApp } = await import('#functions/api/app');
  const { createLocalTokenIssuer } = await import('#infra/local/token-issuer');
  const issuer = await createLocalTokenIssuer();
  const app = createApp({ stage: 'local', db: {} as never, engine: {} as never, verifier: issuer.verifier, clock: { now: () => new Date() } as never, maxBodyBytes: MAX_BODY, devTokens: issuer });
  return (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, any>> };
})();
/** FUZZ_ONLY narrows the run to operations whose "METHOD /path" contains one of its |-separated parts. */
const only = process.env.FUZZ_ONLY?.split('|');
const operations = operationsOf(doc).filter((op) => !only || only.some((o) => `${op.method} ${op.path}`.includes(o)));

beforeAll(async () => {
  api = await testApi({ demo: true });
  await seedRecords(api);
  pools = await idPools(api, operations);
}, 300_000);

afterAll(() => {
  const inputs = [...perOperation.values()].reduce((a, b) => a + b, 0);
  const statuses = Object.fromEntries([...histogram.entries()].sort(([a], [b]) => a - b));
  console.log(`fuzz: ${perOperation.size} operations, ${inputs} inputs (${RUNS} generated per operation + oversize bodies), ${((Date.now() - started) / 1000).toFixed(0)} s; status histogram ${JSON.stringify(statuses)}`);
});

async function send(op: Operation, path: string, caller: Parameters<typeof authHeaders>[0], init: { body?: unknown; raw?: string; type?: string }) {
  const auth = authHeaders(caller);
  const headers = { ...auth.headers, ...(init.type ? { 'content-type': init.type } : {}) };
  // A request that never answers is as bad as a 500: name it instead of letting the whole run hang.
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in 30 s: ${op.method} ${path.slice(0, 300)} ${JSON.stringify(init).slice(0, 300)}`)), 30_000);
  });
  const call = api.call(op.method, path, { as: auth.as, headers, ...(init.raw !== undefined ? { rawBody: init.raw } : init.body !== undefined ? { body: init.body } : {}) });
  const res = await Promise.race([call, hung]).finally(() => clearTimeout(timer));
  histogram.set(res.status, (histogram.get(res.status) ?? 0) + 1);
  perOperation.set(`${op.method} ${op.path}`, (perOperation.get(`${op.method} ${op.path}`) ?? 0) + 1);
  return res;
}

const query = (q: Record<string, string>) => (Object.keys(q).length ? `?${new URLSearchParams(q)}` : '');

/** One generated request: the path, the caller, and either a broken body or a broken query (the other part valid). */
function requestArb(op: Operation) {
  const pathArb = fc.record(Object.fromEntries(op.params.map((p) => [p.name, pathValue(p, poolFor(pools, op.path, p.name))])));
  const validQuery = fc.constant<QueryCase>({ kind: 'no query', query: {}, invalid: false });
  const queryArb = op.query.length ? queryCases(op.query) : validQuery;
  const validBody: fc.Arbitrary<BodyCase | undefined> = op.body?.type === 'json' ? valid(op.body.schema).map((value) => ({ kind: 'valid', value, invalid: false })) : fc.constant(undefined);
  const bodyArb: fc.Arbitrary<BodyCase | undefined> = op.body?.type === 'json' ? bodyCases(op.body.schema) : fc.constant(undefined);
  const parts = fc.oneof(fc.tuple(validQuery, bodyArb), fc.tuple(queryArb, validBody));
  const csv = op.body?.type === 'csv' ? csvCases(op) : fc.constant(undefined);
  return fc.record({ path: pathArb, caller: callerArb, parts, csv });
}

describe.concurrent(`fuzzing every operation in /openapi.json (${RUNS} inputs each)`, () => {
  for (const op of operations) {
    it(`${op.method} ${op.path}`, async () => {
      await fc.assert(
        fc.asyncProperty(requestArb(op), async ({ path: values, caller, parts: [q, body], csv }) => {
          const path = fillPath(op.path, values) + query(q.query);
          // Field naming is checked only when the path is well formed and the caller signed in (else 404/401 come first).
          const wellFormed = op.params.every((p) => values[p.name]!.encode && values[p.name]!.text !== '' && !violates(p.schema, values[p.name]!.text));
          const strict = wellFormed && caller !== null && caller !== 'forged';
          // A raw '..' or '/' in a path value moves the request to another route (/forecasts/%2e%2e/me is GET /me):
          // that route may rightly answer 2xx, so such a request is only held to no 5xx and the error shape.
          const rerouted = op.params.some((p) => !values[p.name]!.encode && /\/|^(\.|%2e)+$/i.test(values[p.name]!.text));
          const label = `${op.method} ${path.slice(0, 200)} as ${caller}`;
          if (csv) {
            const res = await send(op, path, caller, { raw: csv.text, type: csv.type });
            checkAnswer(res, { invalid: q.invalid && !rerouted, expect: q.expect, strict }, `${label} [${csv.kind}] ${q.kind}`);
            return;
          }
          const bodyInit = body ? (body.raw !== undefined ? { raw: body.raw } : { body: body.value }) : {};
          const res = await send(op, path, caller, bodyInit);
          const input = body?.invalid ? body : q;
          // A path value can pass its pattern and still be refused (a year out of range): the 400 then names it.
          const missing = [...op.params.map((p) => p.name), ...(body?.invalid ? [] : op.query.map((p) => p.name).filter((name) => !(name in q.query)))];
          checkAnswer(res, { invalid: (q.invalid || !!body?.invalid) && !rerouted, expect: input.expect, strict, missing }, `${label} [${body?.kind ?? '-'} / ${q.kind}]`);
        }),
        { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: true },
      );
      if (op.method === 'GET' || op.method === 'DELETE') return;
      // Oversize: one byte past the limit is a JSON 413 before anything is parsed.
      const path = fillPath(op.path, Object.fromEntries(op.params.map((p) => [p.name, { text: poolFor(pools, op.path, p.name)[0] ?? 'x', encode: true }])));
      const limit = op.body?.type === 'csv' ? IMPORT_MAX_BYTES : MAX_BODY;
      const raw = op.body?.type === 'csv' ? `name\n${'x'.repeat(limit)}` : JSON.stringify({ padding: 'x'.repeat(limit) });
      const res = await send(op, path, 'admin', { raw, type: op.body?.type === 'csv' ? 'text/csv' : 'application/json' });
      expect(res.status, `${op.method} ${op.path} oversize`).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
    }, 60_000 + RUNS * 400);
  }
});

describe('oversize bodies without a Content-Length are refused while streaming', () => {
  it('a chunked 2 MiB JSON body is a JSON 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= 32) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const res = await api.app.request('/customers', { method: 'POST', headers: { authorization: `Bearer ${await api.tokenFor('admin')}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
  });
});
