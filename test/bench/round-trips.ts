/**
 * DynamoDB round trips per API route over the API-level test suites: they run with PENTAD_ROUNDTRIP_LOG set, so the
 * serverTiming middleware (counting on the SDK client) appends every request's route pattern and round trips to a
 * file — in the vitest workers and in the local stack the e2e suite spawns alike. Max and median per route.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '#infra/project-root';
import { benchApi, log, median } from './support.ts';

const GOAL = 2;
const DEFAULT_TESTS = 'test/integration test/workflows test/e2e/local-stack.test.ts';

interface Line {
  method: string;
  route: string | null;
  status: number;
  trips: number;
}

function runSuites(files: string[], logFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['vitest', 'run', ...files], {
      cwd: projectRoot,
      env: { ...process.env, PENTAD_ROUNDTRIP_LOG: logFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      const summary = tail.split('\n').filter((l) => /Test Files|Tests /.test(l)).join(' | ');
      log(`round trips: vitest exited ${code}${summary ? ` — ${summary.replace(/\x1b\[[0-9;]*m/g, '').replace(/\s+/g, ' ')}` : ''}`);
      resolve(code ?? 1);
    });
  });
}

/** Every operation /openapi.json documents, as "METHOD /path/{param}". */
async function documentedRoutes(): Promise<string[]> {
  const api = await benchApi();
  const doc = await api.ok('GET', '/openapi.json');
  await api.stop();
  return Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
}

export async function roundTrips() {
  const files = (process.env.BENCH_ROUNDTRIP_TESTS ?? DEFAULT_TESTS).split(/\s+/).filter(Boolean);
  const dir = mkdtempSync(join(tmpdir(), 'pentad-roundtrips-'));
  const logFile = join(dir, 'roundtrips.jsonl');
  log(`round trips: npx vitest run ${files.join(' ')} (a few minutes)`);
  const exitCode = await runSuites(files, logFile);
  const lines: Line[] = existsSync(logFile)
    ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line)
    : [];
  rmSync(dir, { recursive: true, force: true });
  if (lines.length === 0) throw new Error('bench round trips: no request was recorded (is PENTAD_ROUNDTRIP_LOG read by functions/api/middleware.ts?)');

  const byRoute = new Map<string, Line[]>();
  for (const line of lines) {
    if (!line.route) continue; // no route matched: the 404 handler, no DynamoDB work
    const key = `${line.method} ${line.route}`;
    byRoute.set(key, [...(byRoute.get(key) ?? []), line]);
  }
  const routes = Object.fromEntries(
    [...byRoute.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, calls]) => {
        const trips = calls.map((c) => c.trips);
        const ok = calls.filter((c) => c.status < 400).map((c) => c.trips);
        return [key, { max: Math.max(...trips), median: median(trips), calls: calls.length, maxOn2xx: ok.length ? Math.max(...ok) : null }];
      }),
  );
  const figures = Object.values(routes);
  const documented = await documentedRoutes();
  const above = Object.entries(routes)
    .filter(([, r]) => r.max > GOAL)
    .map(([route, r]) => ({ route, max: r.max, median: r.median, calls: r.calls }));
  return {
    goal: GOAL,
    maxPerRoute: Math.max(...figures.map((r) => r.max)),
    medianOfRouteMedians: median(figures.map((r) => r.median)),
    requests: lines.length,
    suites: files,
    suitesExitCode: exitCode,
    routesMeasured: figures.length,
    routesDocumented: documented.length,
    notExercised: documented.filter((r) => !(r in routes)),
    aboveGoal: above,
    routes,
  };
}
