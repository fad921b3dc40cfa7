import { z } from '@hono/zod-openapi';
import { entityId } from '#shared/core/schemas';
import type { Item } from '#shared/core/query';
import { PERIOD, type TargetLookup } from '#shared/goals/dashboard';
import { toMonthActuals } from '#shared/goals/dashboard';
import { attainmentOf } from './leaderboard.ts';
import { repCounts } from './rep-stats.ts';

/**
 * Personal incentive goals, pure: the request shape, and progress computed on read from the aggregates of the
 * incentive's period — revenue and orders from the rep's actuals (ACTUALS#REP#<id> × month), new customers from
 * the per-owner monthly counters, attainment like the leaderboard (actual ÷ the rep's target for the period).
 */
export const INCENTIVE_METRICS = ['won_amount', 'orders', 'new_customers', 'attainment'] as const;
export type IncentiveMetric = (typeof INCENTIVE_METRICS)[number];

export const createIncentive = z
  .strictObject({
    userId: entityId,
    metric: z.enum(INCENTIVE_METRICS),
    /** won_amount: minor units; orders, new_customers: a count; attainment: a ratio of the target (1.1 = 110%). */
    goal: z.number().positive(),
    reward: z.string().trim().min(1).max(500),
    period: z.string().regex(PERIOD, 'YYYY, YYYY-Qn or YYYY-MM').openapi({ example: '2026-Q3' }),
    /** won_amount only (default CNY); attainment uses the target's currency. */
    currency: z.string().regex(/^[A-Z]{3}$/, 'A 3-letter currency code').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.metric !== 'attainment' && !Number.isSafeInteger(v.goal)) ctx.addIssue({ code: 'custom', path: ['goal'], message: 'A whole number: minor units for won_amount, a count for orders and new_customers' });
    if (v.metric === 'attainment' && v.goal > 10) ctx.addIssue({ code: 'custom', path: ['goal'], message: 'A ratio of the target, e.g. 1.2 for 120%' });
    if (v.currency && v.metric !== 'won_amount') ctx.addIssue({ code: 'custom', path: ['currency'], message: 'Only won_amount takes a currency' });
  });
export type CreateIncentive = z.infer<typeof createIncentive>;

export const incentivesQuery = { userId: entityId.optional() };

export interface Incentive {
  id: string;
  userId: string;
  metric: IncentiveMetric;
  goal: number;
  currency?: string;
  reward: string;
  period: string;
  createdBy: string;
  createdAt: string;
  /** Where the person sat when the incentive was set (audit scope). */
  teamId?: string | null;
  regionId?: string | null;
  /** When the goal was first seen reached; kept from then on. */
  achievedAt: string | null;
}

export interface Progress {
  current: number | null;
  goal: number;
  /** current ÷ goal (4 decimals), null when the current value is unknown (attainment without a target). */
  ratio: number | null;
  remaining: number | null;
  achieved: boolean;
  achievedAt: string | null;
}

export const progressView = z.object({
  current: z.number().nullable(),
  goal: z.number(),
  ratio: z.number().nullable(),
  remaining: z.number().nullable(),
  achieved: z.boolean(),
  achievedAt: z.string().nullable(),
});

export const incentiveView = z.object({
  id: z.string(),
  userId: z.string(),
  metric: z.enum(INCENTIVE_METRICS),
  goal: z.number(),
  currency: z.string().optional(),
  reward: z.string(),
  period: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  achievedAt: z.string().nullable(),
  progress: progressView.optional(),
});

/** The aggregates of the incentive's period: the rep's actuals and counters per month, and their target lookup. */
export interface PeriodAggregates {
  months: string[];
  actuals: (Item | undefined)[];
  stats: (Item | undefined)[];
  target?: TargetLookup;
}

/** The incentive's current value from the period's aggregates. */
export function currentValue(incentive: Pick<Incentive, 'userId' | 'metric' | 'currency'>, figures: PeriodAggregates): number | null {
  const months = figures.months.map((m, i) => toMonthActuals(m, figures.actuals[i]));
  const amount = (currency: string) => months.reduce((s, m) => s + (m.amount[currency] ?? 0), 0);
  switch (incentive.metric) {
    case 'won_amount':
      return amount(incentive.currency ?? 'CNY');
    case 'orders':
      return months.reduce((s, m) => s + m.orders, 0);
    case 'new_customers':
      return repCounts(figures.stats, incentive.userId).newCustomers;
    case 'attainment':
      return figures.target ? attainmentOf(amount(figures.target.currency), figures.target) : null;
  }
}

/** Once reached, an incentive stays achieved (the reward is earned), even if a later correction lowers the figure. */
export function progressOf(incentive: Incentive, current: number | null, now: string): Progress {
  const reached = current !== null && current >= incentive.goal;
  return {
    current,
    goal: incentive.goal,
    ratio: current === null ? null : Math.round((current / incentive.goal) * 10_000) / 10_000,
    remaining: current === null ? null : Math.max(0, Math.round((incentive.goal - current) * 10_000) / 10_000),
    achieved: reached || incentive.achievedAt !== null,
    achievedAt: incentive.achievedAt ?? (reached ? now : null),
  };
}
