/**
 * `npm start`: Pentad on this machine. Settings: PORT, PENTAD_DATA_DIR, PENTAD_IN_MEMORY=1, PENTAD_DEMO=0,
 * PENTAD_RATE_LIMIT=rps:burst per user (default 20:60; 0 disables).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { startLocalStack } = await import('./stack.ts');
const { users } = await import('./seed-data.ts');
const { parseRateLimit } = await import('#functions/api/rate-limit');

const port = Number(process.env.PORT ?? 3000);
const inMemory = process.env.PENTAD_IN_MEMORY === '1';
const dataDir = inMemory ? undefined : (process.env.PENTAD_DATA_DIR ?? '.pentad');
const demo = process.env.PENTAD_DEMO !== '0';
const log = (line: string) => console.log(`[pentad] ${line}`);

try {
  const rateLimit = parseRateLimit(process.env.PENTAD_RATE_LIMIT, { rps: 20, burst: 60 });
  const started = Date.now();
  const stack = await startLocalStack({ port, dataDir, demo, log, rateLimit });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the API, scheduler, workflow engine and DynamoDB Local…`);
    await stack.stop();
    log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const seeded = demo ? users.map((u) => `${u.id} (${u.roles.join(', ')})`) : [];
  console.log(`
  Pentad is running at ${stack.url}   (started in ${((Date.now() - started) / 1000).toFixed(1)} s)

    API docs      ${stack.url}/docs        OpenAPI ${stack.url}/openapi.json
    Health        ${stack.url}/health
    Data          ${dataDir ?? 'in memory (PENTAD_IN_MEMORY=1): gone when you stop'}
    Rate limit    ${rateLimit ? `${rateLimit.rps} req/s per user, burst ${rateLimit.burst} (PENTAD_RATE_LIMIT=rps:burst, 0 = off)` : 'off (PENTAD_RATE_LIMIT=0)'}

  Seeded users: admin (admin)${seeded.length ? `\n    ${seeded.join('\n    ')}` : ''}

  Get a token and call the API:
    TOKEN=$(curl -s -X POST ${stack.url}/dev/token -H 'content-type: application/json' -d '{"userId":"admin"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
    curl -s ${stack.url}/me -H "authorization: Bearer $TOKEN"

  Ctrl-C stops everything.
`);
} catch (error) {
  console.error(`[pentad] Could not start: ${(error as Error).message}`);
  process.exit(1);
}
export {};
