/**
 * Durations as counts in fixed log-scale buckets, so medians and p90s come from a few counters whatever the
 * volume (funnel stage times, approval turnaround). Estimates report the bucket's upper bound.
 */
const HOUR = 3600;
const DAY = 24 * HOUR;
export const BUCKET_UPPER_SECONDS = [60, 10 * 60, HOUR, 4 * HOUR, 12 * HOUR, DAY, 2 * DAY, 4 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 60 * DAY, 90 * DAY, Infinity];

/** The attribute name a duration is counted under: b00 … b13. */
export function bucketOf(seconds: number): string {
  const index = BUCKET_UPPER_SECONDS.findIndex((upper) => seconds <= upper);
  return `b${String(index).padStart(2, '0')}`;
}

export type Histogram = Record<string, number>;

export function countOf(histogram: Histogram): number {
  return Object.values(histogram).reduce((sum, n) => sum + n, 0);
}

/** The upper bound (seconds) of the bucket holding the p-th percentile; null when empty, or beyond the last bound. */
export function percentile(histogram: Histogram, p: number): number | null {
  const total = countOf(histogram);
  if (total === 0) return null;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (let i = 0; i < BUCKET_UPPER_SECONDS.length; i++) {
    seen += histogram[`b${String(i).padStart(2, '0')}`] ?? 0;
    if (seen >= rank) return Number.isFinite(BUCKET_UPPER_SECONDS[i]!) ? BUCKET_UPPER_SECONDS[i]! : null;
  }
  return null;
}

export function mergeHistograms(histograms: Histogram[]): Histogram {
  const merged: Histogram = {};
  for (const h of histograms) for (const [bucket, n] of Object.entries(h)) merged[bucket] = (merged[bucket] ?? 0) + n;
  return merged;
}
