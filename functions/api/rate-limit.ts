import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './types.ts';

/** Sustained requests per second and the burst a caller may spend at once. */
export interface RateLimit {
  rps: number;
  burst: number;
  /** Milliseconds since the epoch; injectable so a test can step past Retry-After without sleeping. */
  now?: () => number;
}

/** `PENTAD_RATE_LIMIT=rps:burst` (e.g. `20:60`); `0` or `off` disables; unset gives the fallback. */
export function parseRateLimit(value: string | undefined, fallback: RateLimit): RateLimit | undefined {
  const text = value?.trim();
  if (!text) return fallback;
  if (text === '0' || text.toLowerCase() === 'off') return undefined;
  const match = /^(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(text);
  const rps = Number(match?.[1]);
  const burst = match?.[2] === undefined ? Math.max(1, Math.ceil(rps)) : Number(match[2]);
  if (!match || !(rps > 0) || !(burst >= 1)) throw new Error(`PENTAD_RATE_LIMIT must be "rps:burst" (e.g. 20:60) or 0 to disable; got "${value}"`);
  return { rps, burst };
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets of idle callers are full again, so forgetting them changes nothing; this bounds memory. */
const MAX_BUCKETS = 10_000;

/** Token buckets per key: each request takes one token; tokens refill at `rps` up to `burst`. */
export function tokenBuckets(limit: RateLimit) {
  const now = limit.now ?? Date.now;
  const buckets = new Map<string, Bucket>();
  const refill = (bucket: Bucket, t: number) => Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1000) * limit.rps);

  return {
    /** 0 when allowed, else the whole seconds until one token is back. */
    take(key: string): number {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: limit.burst, at: t };
      bucket.tokens = refill(bucket, t);
      bucket.at = t;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        buckets.delete(key); // re-insert: the Map stays in least-recently-used order for pruning
        buckets.set(key, bucket);
        if (buckets.size > MAX_BUCKETS) buckets.delete(buckets.keys().next().value!);
        return 0;
      }
      buckets.set(key, bucket);
      return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.rps));
    },
  };
}

/**
 * A per-principal limit (the user id; the client address for calls without a token), answering 429 with
 * Retry-After. It lives in one process: the local stack's. In AWS every Lambda container would hold its own
 * buckets, so API Gateway's stage and route throttling does this job there (infra/constructs/api.ts).
 */
export function rateLimit(limit: RateLimit): MiddlewareHandler<AppEnv> {
  const buckets = tokenBuckets(limit);
  return async (c, next) => {
    const session = c.get('session');
    const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
    const key = session ? `user:${session.identity.userId}` : `ip:${env?.incoming?.socket?.remoteAddress ?? 'unknown'}`;
    const wait = buckets.take(key);
    if (wait === 0) return next();
    c.header('Retry-After', String(wait));
    return c.json({ error: { code: 'rate_limited', message: `Too many requests; try again in ${wait} s` } }, 429);
  };
}
