import type { MonthActuals } from './actuals.ts';
import type { TargetNode } from './schemas.ts';
import { monthsOf } from './allocation.ts';
import type { PipelineFigures } from './open-pipeline.ts';

/**
 * Progress of one target node, pure. Periods are calendar months of the fiscal year (fiscal = calendar year):
 * a month node covers its month, a quarter node its three, any other node the whole year.
 */
export const periodMonths = (node: Pick<TargetNode, 'fiscalYear' | 'quarter' | 'month'>): string[] => (node.month ? [node.month] : monthsOf(node.fiscalYear, node.quarter));

const daysIn = (ym: string) => new Date(Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(5, 7)), 0)).getUTCDate();

/** How much of each month has elapsed at `now` (0…1): past months 1, the current one by day, future 0. */
export function elapsedByMonth(months: string[], now: Date): number[] {
  const current = now.toISOString().slice(0, 7);
  return months.map((m) => (m < current ? 1 : m > current ? 0 : (now.getUTCDate() - 1 + now.getUTCHours() / 24) / daysIn(m)));
}

export interface Progress {
  period: { from: string; to: string };
  actual: number;
  attainment: { base: number; sprint: number; challenge: number };
  /** Where the node should be by now: the base target × the share of the period elapsed (weighted by last year's months when there were sales). */
  expectedToDate: number;
  expectedBasis: 'elapsed_share' | 'last_year_seasonality';
  /** expectedToDate − actual: positive when behind. */
  gap: number;
  /** actual ÷ expectedToDate (null before the period starts). */
  pace: number | null;
  /** The actual extrapolated to the end of the period at the current rate (null before it starts). */
  runRateProjection: number | null;
  elapsedShare: number;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);

export function computeProgress(node: Pick<TargetNode, 'fiscalYear' | 'quarter' | 'month' | 'currency' | 'tiers'>, current: MonthActuals[], lastYear: MonthActuals[], now: Date): Progress {
  const months = periodMonths(node);
  const elapsed = elapsedByMonth(months, now);
  const elapsedShare = elapsed.reduce((a, b) => a + b, 0) / months.length;
  const amountIn = (list: MonthActuals[], month: string) => list.find((m) => m.month === month)?.amount[node.currency] ?? 0;
  const actual = months.reduce((sum, m) => sum + amountIn(current, m), 0);
  const lastYearMonths = months.map((m) => `${Number(m.slice(0, 4)) - 1}${m.slice(4)}`);
  const lastYearTotal = lastYearMonths.reduce((sum, m) => sum + amountIn(lastYear, m), 0);
  const seasonal = lastYearTotal > 0;
  const expectedShare = seasonal ? lastYearMonths.reduce((sum, m, i) => sum + amountIn(lastYear, m) * elapsed[i]!, 0) / lastYearTotal : elapsedShare;
  const expectedToDate = Math.round(node.tiers.base * expectedShare);
  return {
    period: { from: months[0]!, to: months.at(-1)! },
    actual,
    attainment: { base: ratio(actual, node.tiers.base), sprint: ratio(actual, node.tiers.sprint), challenge: ratio(actual, node.tiers.challenge) },
    expectedToDate,
    expectedBasis: seasonal ? 'last_year_seasonality' : 'elapsed_share',
    gap: expectedToDate - actual,
    pace: expectedToDate > 0 ? ratio(actual, expectedToDate) : null,
    runRateProjection: elapsedShare > 0 ? Math.round(actual / elapsedShare) : null,
    elapsedShare: Math.round(elapsedShare * 10_000) / 10_000,
  };
}

export interface PipelineProgress {
  openDeals: number;
  /** Unweighted amount of the open deals expected to close in the period. */
  openPipeline: number;
  /** Σ open amount × stage probability. */
  weightedPipeline: number;
  /** What is still needed for the base tier: max(0, base − actual). */
  remaining: number;
  /** openPipeline ÷ remaining (null when nothing remains). */
  coverage: number | null;
  /** Forecast categories: closed is the actual; commit, best case and pipeline are open deals by their category (omitted ones in none). */
  forecast: { closed: number; commit: number; bestCase: number; pipeline: number };
}

export function pipelineProgress(base: number, actual: number, figures: PipelineFigures): PipelineProgress {
  const remaining = Math.max(0, base - actual);
  return {
    openDeals: figures.openDeals,
    openPipeline: figures.openAmount,
    weightedPipeline: figures.weightedPipeline,
    remaining,
    coverage: remaining > 0 ? Math.round((figures.openAmount / remaining) * 10_000) / 10_000 : null,
    forecast: { closed: actual, commit: figures.commit, bestCase: figures.bestCase, pipeline: figures.pipeline },
  };
}
