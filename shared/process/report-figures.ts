import { z } from 'zod';
import { LOST_REASONS, stageTimesView } from './schemas.ts';
import { LOST, WON } from './pipeline.ts';
import type { CounterItem } from './funnel.ts';

/**
 * Figures derived from the funnel counters, pure: the stage-times bottleneck and win/loss with lost reasons.
 * Won and lost deals are the `entered` counts of the won and lost stages in the months of closing; a lost
 * move also adds `reason_<reason>` to its counter (funnel.ts moveCounters), in the move's own transaction.
 */

const num = (value: unknown) => (typeof value === 'number' ? value : 0);

export interface StageTime {
  stage: string;
  medianSeconds: number | null;
}
export interface StageConversion {
  stage: string;
  conversion: number | null;
}

/** The slowest stage (largest median time) and the leakiest (lowest conversion); ties go to the earlier stage. */
export function bottleneck(times: StageTime[], conversions: StageConversion[]) {
  let slowest: { stage: string; medianSeconds: number } | null = null;
  for (const t of times) if (t.medianSeconds !== null && (!slowest || t.medianSeconds > slowest.medianSeconds)) slowest = { stage: t.stage, medianSeconds: t.medianSeconds };
  let lowest: { stage: string; conversion: number } | null = null;
  for (const c of conversions) if (c.conversion !== null && (!lowest || c.conversion < lowest.conversion)) lowest = { stage: c.stage, conversion: c.conversion };
  return { slowestStage: slowest, lowestConversion: lowest };
}

export type Bottleneck = ReturnType<typeof bottleneck>;

/** Won and lost per currency, the win rate and the lost reasons, summed over the months' counters. */
export function winLossReport(counters: CounterItem[]) {
  const sum = (stage: string) => {
    const mine = counters.filter((c) => c.stage === stage);
    const amount: Record<string, number> = {};
    for (const c of mine) for (const [name, value] of Object.entries(c)) if (name.startsWith('amount_')) amount[name.slice(7)] = (amount[name.slice(7)] ?? 0) + num(value);
    return { count: mine.reduce((s, c) => s + num(c.entered), 0), amount, counters: mine };
  };
  const won = sum(WON);
  const lost = sum(LOST);
  const reasons = LOST_REASONS.map((reason) => ({ reason, count: lost.counters.reduce((s, c) => s + num(c[`reason_${reason}`]), 0) }));
  const closed = won.count + lost.count;
  return {
    won: { count: won.count, amount: won.amount },
    lost: { count: lost.count, amount: lost.amount },
    winRate: closed === 0 ? null : won.count / closed,
    reasons,
  };
}

const scopeView = z.object({ kind: z.enum(['owner', 'team', 'region', 'all']), id: z.string().optional() });
const money = z.record(z.string(), z.number().int()).describe('Per currency, minor units (never converted)');

export const winLossView = z.object({
  scope: scopeView,
  from: z.string(),
  to: z.string(),
  won: z.object({ count: z.number().int(), amount: money }),
  lost: z.object({ count: z.number().int(), amount: money }),
  winRate: z.number().nullable().describe('won ÷ (won + lost); null when nothing closed'),
  reasons: z.array(z.object({ reason: z.enum(LOST_REASONS), count: z.number().int() })).describe('Lost deals per reason (moves recorded since reasons were counted)'),
});

export const stageTimesWithBottleneck = stageTimesView.extend({
  bottleneck: z.object({
    slowestStage: z.object({ stage: z.string(), medianSeconds: z.number() }).nullable().describe('The open stage with the largest median time in stage'),
    lowestConversion: z.object({ stage: z.string(), conversion: z.number() }).nullable().describe('The open stage with the lowest conversion to the next stage'),
  }),
});
