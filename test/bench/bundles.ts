/**
 * Each Lambda bundle built the way infra/constructs/function.ts has NodejsFunction build it (esbuild, ESM, minified,
 * source maps, node22, @aws-sdk/* external — the runtime ships it), its size from the esbuild metafile, and its cold
 * import time (a fresh `node` per import, with NODE_OPTIONS=--enable-source-maps as the Lambda sets it) against a
 * bare Hono Lambda bundle doing one GetItem, built and imported the same way.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { projectRoot } from '#infra/project-root';
import { registry } from '#workflows/index';
import { log, median, round } from './support.ts';

const run = promisify(execFile);
const GOAL_KB = 300;
const GOAL_IMPORT_RATIO = 1.5;
// Inside node_modules so the external @aws-sdk/* resolve from the bundles as they would from the Lambda runtime.
const OUT = join(projectRoot, 'node_modules', '.cache', 'pentad-bench', 'bundles');
const BARE = join(OUT, 'bare-hono-lambda.ts');

const BARE_SOURCE = `import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const app = new Hono();
app.get('/items/:id', async (c) => c.json((await doc.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: c.req.param('id'), SK: 'PROFILE' } }))).Item ?? {}));
export const handler = handle(app);
`;

/** What the stack passes every function (pentad-stack.ts), with placeholder values: the modules read it at import. */
const LAMBDA_ENV = {
  NODE_OPTIONS: '--enable-source-maps',
  AWS_REGION: 'eu-west-1',
  STAGE: 'aws',
  TABLE_NAME: 'bench',
  TOKEN_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_bench',
  TOKEN_AUDIENCE: 'bench',
  USER_POOL_ID: 'eu-west-1_bench',
  STATE_MACHINE_ARN_PREFIX: 'arn:aws:states:eu-west-1:000000000000:stateMachine:',
  UPLOAD_BUCKET: 'bench-uploads',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** The Lambda entries: the API and every distinct task module of the registry (one Lambda each, as in workflows.ts). */
export function lambdaEntries(): { name: string; entry: string }[] {
  const modules = ['functions/api/handler', ...new Set(registry.workflows.flatMap((w) => Object.values(w.tasks).map((t) => t.handler)))];
  return modules.map((module) => ({ name: module, entry: join(projectRoot, `${module}.ts`) }));
}

async function bundle(name: string, entry: string) {
  const outfile = join(OUT, name.replace(/[^\w-]+/g, '_'), 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: projectRoot,
  });
  const output = result.metafile.outputs[Object.keys(result.metafile.outputs).find((o) => o.endsWith('index.mjs'))!]!;
  // What the bytes are: per npm package (node_modules/<pkg>) or Pentad's own code.
  const by = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'pentad';
    by.set(pkg, (by.get(pkg) ?? 0) + bytesInOutput);
  }
  const top = Object.fromEntries([...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([pkg, b]) => [pkg, round(b / 1024, 1)]));
  return { outfile, bytes: output.bytes, top };
}

/** Median wall time of `import()` of the bundle in `times` fresh node processes (module evaluation included). */
async function importMs(outfile: string, times: number): Promise<number[]> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(outfile).href)}); console.log(performance.now() - t);`;
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    for (;;) {
      try {
        const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...LAMBDA_ENV }, cwd: projectRoot });
        samples.push(Number(stdout.trim().split('\n').pop()));
        break;
      } catch (error) {
        // A variable the stack passes and this list lacks: the module names it as it fails fast; give it a placeholder.
        const missing = /Invalid environment: ([A-Z_]+)/.exec(String((error as { stderr?: string }).stderr))?.[1];
        if (!missing || missing in LAMBDA_ENV) throw error;
        (LAMBDA_ENV as Record<string, string>)[missing] = 'bench';
      }
    }
  }
  return samples;
}

export async function bundles(options: { imports?: number } = {}) {
  const times = options.imports ?? Number(process.env.BENCH_IMPORTS ?? 15);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(BARE, BARE_SOURCE);
  const entries = [{ name: 'bare Hono Lambda + GetItem', entry: BARE }, ...lambdaEntries()];
  log(`bundles: ${entries.length} entries, ${times} cold imports each`);
  const built = [];
  for (const e of entries) built.push({ ...e, ...(await bundle(e.name, e.entry)) });
  // Imports interleaved entry by entry, so machine load drifts over all of them alike.
  const samples = new Map<string, number[]>(built.map((b) => [b.name, []]));
  for (let i = 0; i < times; i++) {
    for (const b of built) samples.get(b.name)!.push(...(await importMs(b.outfile, 1)));
  }
  const baseMs = median(samples.get(built[0]!.name)!);
  const rows = built.map((b) => ({
    bundle: b.name,
    kb: round(b.bytes / 1024, 1),
    importMs: round(median(samples.get(b.name)!), 1),
    importRatio: round(median(samples.get(b.name)!) / baseMs),
  }));
  const composition = Object.fromEntries(built.map((b) => [b.name, b.top]));
  const lambdas = rows.slice(1);
  const biggest = lambdas.reduce((a, b) => (b.kb > a.kb ? b : a));
  const slowest = lambdas.reduce((a, b) => (b.importRatio > a.importRatio ? b : a));
  return {
    goal: { maxKb: GOAL_KB, importRatio: GOAL_IMPORT_RATIO },
    maxKb: biggest.kb,
    maxKbBundle: biggest.bundle,
    // The slowest Lambda's median cold import over the bare bundle's.
    importRatio: slowest.importRatio,
    importRatioBundle: slowest.bundle,
    baseline: rows[0],
    imports: times,
    rows: lambdas,
    // KB per package in each bundle (largest first).
    composition,
  };
}
