import type { Item } from '#shared/core/query';
import type { Deal } from '#shared/process/schemas';
import { scopesOfOrder } from './actuals.ts';

/**
 * The open pipeline, pure. Every deal write adds the change in what the deal contributes to one item per roll-up
 * scope (the eight scopes of revenue actuals) × month of its expected close date, in the deal's own transaction,
 * so progress and forecasts read a period's months of one scope — a handful of items however many deals exist.
 *
 * Per currency an item holds: `deals|CUR` (open deals), `open|CUR` (their amount), `weighted|CUR` (Σ amount ×
 * probability, kept integer: divide by 100 when reading) and `<category>|CUR` for pipeline, best_case and commit.
 * An `omitted` deal stays in the open pipeline (it is still open) but in no forecast category.
 */
export type PipelineFacts = Pick<Deal, 'status' | 'amount' | 'currency' | 'probability' | 'forecastCategory' | 'expectedCloseDate' | 'ownerId' | 'teamId' | 'regionId' | 'productLineId'>;

export const FORECAST_MEASURES = ['pipeline', 'best_case', 'commit'] as const;

export const pipelineAttribute = (measure: 'deals' | 'open' | 'weighted' | (typeof FORECAST_MEASURES)[number], currency: string) => `${measure}|${currency}`;

export interface PipelineDelta {
  scope: string;
  /** YYYY-MM of the expected close date. */
  month: string;
  add: Record<string, number>;
}

/** What one deal adds while open. Won and lost deals add nothing (a won deal's order counts as actual instead). */
function contribution(deal: PipelineFacts | undefined): PipelineDelta[] {
  // A deal with no expected close date belongs to no period, so it is in no period's pipeline.
  if (!deal || deal.status !== 'open' || !deal.expectedCloseDate) return [];
  const amount = deal.amount ?? 0;
  const add: Record<string, number> = {
    [pipelineAttribute('deals', deal.currency)]: 1,
    [pipelineAttribute('open', deal.currency)]: amount,
    [pipelineAttribute('weighted', deal.currency)]: amount * deal.probability,
  };
  if ((FORECAST_MEASURES as readonly string[]).includes(deal.forecastCategory)) add[`${deal.forecastCategory}|${deal.currency}`] = amount;
  const month = deal.expectedCloseDate.slice(0, 7);
  return scopesOfOrder(deal).map((scope) => ({ scope, month, add: { ...add } }));
}

/**
 * The net change per (scope, month) item when a deal goes from `before` to `after` (either may be absent or
 * closed). A transaction may touch an item only once, so changes to the same item are merged; zero changes are
 * dropped, and so are items left with nothing to change.
 */
export function pipelineDeltas(before: PipelineFacts | undefined, after: PipelineFacts | undefined): PipelineDelta[] {
  const merged = new Map<string, PipelineDelta>();
  const apply = (deltas: PipelineDelta[], sign: 1 | -1) => {
    for (const delta of deltas) {
      const key = `${delta.scope}\u0000${delta.month}`;
      const into = merged.get(key) ?? { scope: delta.scope, month: delta.month, add: {} };
      for (const [name, value] of Object.entries(delta.add)) into.add[name] = (into.add[name] ?? 0) + sign * value;
      merged.set(key, into);
    }
  };
  apply(contribution(before), -1);
  apply(contribution(after), 1);
  return [...merged.values()]
    .map((delta) => ({ ...delta, add: Object.fromEntries(Object.entries(delta.add).filter(([, value]) => value !== 0)) }))
    .filter((delta) => Object.keys(delta.add).length > 0);
}

export interface PipelineFigures {
  openDeals: number;
  /** Unweighted amount of the open deals (minor units). */
  openAmount: number;
  /** Σ amount × stage probability ÷ 100, rounded to a minor unit. */
  weightedPipeline: number;
  commit: number;
  bestCase: number;
  pipeline: number;
}

const num = (value: unknown) => (typeof value === 'number' ? value : 0);

/** Sums the months' items in one currency (amounts are never converted). */
export function pipelineFigures(items: (Item | undefined)[], currency: string): PipelineFigures {
  const sum = (measure: Parameters<typeof pipelineAttribute>[0]) => items.reduce((total, item) => total + num(item?.[pipelineAttribute(measure, currency)]), 0);
  return {
    openDeals: sum('deals'),
    openAmount: sum('open'),
    weightedPipeline: Math.round(sum('weighted') / 100),
    commit: sum('commit'),
    bestCase: sum('best_case'),
    pipeline: sum('pipeline'),
  };
}
