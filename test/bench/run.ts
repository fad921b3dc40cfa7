/**
 * `npm run bench`: what Pentad costs, measured side by side in one run on this machine, against the physical limit
 * of its architecture. Prints a table and writes test/bench/results.json.
 *
 *   BENCH_ONLY=latency,bundles   run some parts (roundTrips, latency, scaling, bundles, approval, reviewCycle);
 *                                the others keep their figures from the last results.json
 *   BENCH_ROUNDS, BENCH_IMPORTS, BENCH_DEALS_SMALL/LARGE, BENCH_REPS_SMALL/LARGE, BENCH_ROUNDTRIP_TESTS   sizes
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { approval } from './approval.ts';
import { bundles } from './bundles.ts';
import { latency } from './latency.ts';
import { reviewCycle } from './review-cycle.ts';
import { roundTrips } from './round-trips.ts';
import { scaling } from './scaling.ts';
import { log, stopDynamoDbLocal } from './support.ts';
import { summary } from './summary.ts';

// Quick parts first; results.json is rewritten after each part, so a long run that is stopped keeps what it measured.
const parts = { bundles, approval, latency, reviewCycle, roundTrips, scaling } as const;
type Part = keyof typeof parts;

const only = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const unknown = only.filter((name) => !(name in parts));
if (unknown.length) throw new Error(`BENCH_ONLY: unknown part(s) ${unknown.join(', ')}; choose from ${Object.keys(parts).join(', ')}`);
const selected = (Object.keys(parts) as Part[]).filter((name) => only.length === 0 || only.includes(name));

const file = new URL('./results.json', import.meta.url);
const results: Record<string, unknown> = {};
/** This run's parts over the latest file's others (read at each write: two runs of different parts may overlap). */
const output = () => {
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const kept = Object.fromEntries((Object.keys(parts) as Part[]).filter((name) => previous[name] && !(name in results)).map((name) => [name, previous[name]]));
  return { at: new Date().toISOString(), node: process.version, measured: Object.keys(results), ...kept, ...results };
};

const started = Date.now();
for (const name of selected) {
  const t = Date.now();
  log(`── ${name}`);
  results[name] = { ...(await parts[name]()), at: new Date().toISOString(), seconds: Math.round((Date.now() - t) / 1000) };
  writeFileSync(file, `${JSON.stringify(output(), null, 2)}\n`);
}
await stopDynamoDbLocal();
console.log(`\nPentad bench — Node ${process.version}, DynamoDB Local in memory, ${Math.round((Date.now() - started) / 1000)} s\n`);
summary(output());
console.log('\nWritten to test/bench/results.json');
process.exit(0);
