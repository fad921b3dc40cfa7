import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRateLimit, tokenBuckets } from '#functions/api/rate-limit';
import { testApi } from '#test/support/api';
import { startStackProcess, type RunningStack } from '#test/support/local-stack-process';

/**
 * Claim 7 (issue 8): a per-principal limit — a token bucket per user (per client address without a token) —
 * answers 429 with Retry-After and the JSON error shape; one user's burst does not touch another user; after
 * Retry-After the user gets through again. The limiter's clock is injected, so nothing here sleeps.
 */
const A = 'rep-east-enterprise-1';
const B = 'rep-east-enterprise-2';
const C = 'rep-south-enterprise-1';
const RPS = 2;
const BURST = 5;

let api: Awaited<ReturnType<typeof testApi>>;
let nowMs = Date.UTC(2026, 10, 27, 9);
const advance = (seconds: number) => (nowMs += seconds * 1000);

beforeAll(async () => {
  api = await testApi({ demo: true, rateLimit: { rps: RPS, burst: BURST, now: () => nowMs } });
  for (const user of [A, B, C]) await api.tokenFor(user);
}, 300_000);

const me = (as: string) => api.call('GET', '/me', { as });

describe('per-principal rate limit (local stack)', () => {
  it('a user bursting past the limit gets 429 + Retry-After + a JSON error, while another user at the same moment is unaffected', async () => {
    const statusesA: number[] = [];
    const statusesB: number[] = [];
    // Interleaved: A spends its burst and more; B makes a few calls in between, at the same instant.
    for (let i = 0; i < BURST + 3; i++) {
      statusesA.push((await me(A)).status);
      if (i % 2 === 0) statusesB.push((await me(B)).status);
    }
    expect(statusesA).toEqual([...Array(BURST).fill(200), 429, 429, 429]);
    expect(statusesB).toEqual(Array(statusesB.length).fill(200));

    const refused = await me(A);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/try again in \d+ s/) } });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    // A refused request spends nothing: B is still served.
    expect((await me(B)).status).toBe(200);

    advance(retryAfter);
    const again = await me(A);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(A);
  });

  it('parallel requests from one user: exactly the burst gets through, the rest are 429', async () => {
    const results = await Promise.all(Array.from({ length: BURST + 7 }, () => me(C)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(BURST);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(7);
    for (const r of refused) expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('refills at the sustained rate (n seconds → n × rps requests), never above the burst', async () => {
    advance(BURST / RPS); // full again
    const burst = [];
    for (let i = 0; i < BURST + 1; i++) burst.push((await me(B)).status);
    expect(burst.filter((s) => s === 200)).toHaveLength(BURST);
    advance(2);
    const later = [];
    for (let i = 0; i < 2 * RPS + 1; i++) later.push((await me(B)).status);
    expect(later).toEqual([...Array(2 * RPS).fill(200), 429]);
    advance(3600); // an hour idle still only refills the burst
    const rested = [];
    for (let i = 0; i < BURST + 1; i++) rested.push((await me(B)).status);
    expect(rested).toEqual([...Array(BURST).fill(200), 429]);
  });

  it('calls without a token are limited by client address, separately from signed-in users', async () => {
    advance(60);
    const anonymous = [];
    for (let i = 0; i < BURST + 1; i++) anonymous.push((await api.call('GET', '/health')).status);
    expect(anonymous).toEqual([...Array(BURST).fill(200), 429]);
    expect((await me(A)).status).toBe(200);
  });
});

describe('limit settings', () => {
  it('PENTAD_RATE_LIMIT=rps:burst; unset gives the default; 0 or off disables; nonsense fails at start-up', () => {
    const fallback = { rps: 20, burst: 60 };
    expect(parseRateLimit(undefined, fallback)).toEqual(fallback);
    expect(parseRateLimit('', fallback)).toEqual(fallback);
    expect(parseRateLimit('5:15', fallback)).toEqual({ rps: 5, burst: 15 });
    expect(parseRateLimit('0.5:2', fallback)).toEqual({ rps: 0.5, burst: 2 });
    expect(parseRateLimit('0', fallback)).toBeUndefined();
    expect(parseRateLimit('off', fallback)).toBeUndefined();
    for (const bad of ['fast', '5:0', '-1:3', '5:x']) expect(() => parseRateLimit(bad, fallback), bad).toThrow(/PENTAD_RATE_LIMIT/);
  });

  it('Retry-After is the whole seconds until one token is back (slow rates wait longer)', () => {
    let t = 0;
    const slow = tokenBuckets({ rps: 0.1, burst: 1, now: () => t });
    expect(slow.take('u')).toBe(0);
    expect(slow.take('u')).toBe(10);
    t += 4_000;
    expect(slow.take('u')).toBe(6);
    t += 6_000;
    expect(slow.take('u')).toBe(0);
  });

  it('testApi leaves the limit off unless a test asks for it', async () => {
    const plain = await testApi();
    const results = await Promise.all(Array.from({ length: 100 }, () => plain.call('GET', '/health')));
    expect(results.every((r) => r.status === 200)).toBe(true);
  }, 120_000);

  it('/openapi.json documents the 429 on every route that needs a session', async () => {
    advance(60); // the anonymous bucket was spent above
    const doc = (await api.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>> };
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods)).filter((op) => op.security);
    expect(operations.length).toBeGreaterThan(50);
    for (const op of operations) expect(op.responses).toHaveProperty('429');
  });
});

describe('npm start', () => {
  let stack: RunningStack | undefined;
  afterAll(async () => {
    await stack?.stop();
  });

  it('has the limit on, set by PENTAD_RATE_LIMIT, per client address over real HTTP and per user', async () => {
    // 1 token per 100 s and a burst of 3: the requests below fit well inside one refill however slow the machine.
    stack = await startStackProcess({ PENTAD_IN_MEMORY: '1', PENTAD_DEMO: '0', PENTAD_RATE_LIMIT: '0.01:3' });
    expect(stack.output()).toMatch(/Rate limit\s+0\.01 req\/s per user, burst 3/);
    const token = await fetch(`${stack.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'admin' }) });
    expect(token.status).toBe(200);
    const { token: bearer } = (await token.json()) as { token: string };
    const anonymous = [];
    for (let i = 0; i < 3; i++) anonymous.push(await fetch(`${stack.url}/health`));
    expect(anonymous.map((r) => r.status)).toEqual([200, 200, 429]);
    const refused = anonymous[2]!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    // The same address, signed in: the user's own bucket.
    const signedIn = await fetch(`${stack.url}/me`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(signedIn.status).toBe(200);
  }, 120_000);
});
