import { z } from 'zod';
import { versionedPolicy, type Stored } from '#shared/core/versioned-policy';
import { currency } from '#shared/process/schemas';

/**
 * The value-grading policy (GET|PUT /grading-policy). Each measured value is mapped to 0–100 points by a step
 * scale: the value earns the points of the LAST breakpoint whose `from` is ≤ the value (breakpoints ascend, the
 * first starts at 0). Points are combined by integer weights that add up to 100, and the score picks the tier.
 */
const points = z.number().int().min(0).max(100);
const breakpoint = z.strictObject({ from: z.number().int().min(0), points });

const scale = z
  .array(breakpoint)
  .min(1)
  .max(20)
  .superRefine((steps, ctx) => {
    if (steps[0] && steps[0].from !== 0) ctx.addIssue({ code: 'custom', path: [0, 'from'], message: 'The first breakpoint starts at 0' });
    steps.forEach((step, i) => {
      if (i > 0 && step.from <= steps[i - 1]!.from) ctx.addIssue({ code: 'custom', path: [i, 'from'], message: 'Breakpoints ascend: each from is above the one before' });
    });
  });

export const gradingPolicy = z
  .strictObject({
    weights: z.strictObject({ monetary: points, frequency: points, recency: points, credit: points }),
    /** 12-month spend in minor units of `currency` (spend in other currencies scores nothing: no FX rates). */
    monetary: z.strictObject({ currency, breakpoints: scale }),
    /** Orders dated in the last 12 months. */
    frequency: z.strictObject({ breakpoints: scale }),
    /** Days since the last order; a customer with no order scores `noOrder`. */
    recency: z.strictObject({ breakpoints: scale, noOrder: points }),
    /** Points per credit rating, and for a customer without one. */
    credit: z.strictObject({ A: points, B: points, C: points, D: points, E: points, unrated: points }),
    /** Minimum score per tier; below C is D. */
    thresholds: z.strictObject({ A: points, B: points, C: points }),
  })
  .superRefine((p, ctx) => {
    const total = p.weights.monetary + p.weights.frequency + p.weights.recency + p.weights.credit;
    if (total !== 100) ctx.addIssue({ code: 'custom', path: ['weights'], message: `Weights add up to 100 (these add up to ${total})` });
    if (!(p.thresholds.A > p.thresholds.B && p.thresholds.B > p.thresholds.C)) {
      ctx.addIssue({ code: 'custom', path: ['thresholds'], message: 'Thresholds descend: A above B above C' });
    }
  });

export type GradingPolicy = z.infer<typeof gradingPolicy>;
export type Scale = GradingPolicy['frequency']['breakpoints'];

/** What ships (version 0). Amounts in fen: 1000000 is 10,000.00 CNY. */
export const DEFAULT_GRADING_POLICY: GradingPolicy = {
  weights: { monetary: 40, frequency: 25, recency: 20, credit: 15 },
  monetary: {
    currency: 'CNY',
    breakpoints: [
      { from: 0, points: 0 },
      { from: 1, points: 20 },
      { from: 1_000_000, points: 40 },
      { from: 5_000_000, points: 60 },
      { from: 20_000_000, points: 80 },
      { from: 100_000_000, points: 100 },
    ],
  },
  frequency: {
    breakpoints: [
      { from: 0, points: 0 },
      { from: 1, points: 30 },
      { from: 2, points: 50 },
      { from: 4, points: 70 },
      { from: 8, points: 85 },
      { from: 12, points: 100 },
    ],
  },
  recency: {
    breakpoints: [
      { from: 0, points: 100 },
      { from: 31, points: 80 },
      { from: 91, points: 60 },
      { from: 181, points: 30 },
      { from: 366, points: 0 },
    ],
    noOrder: 0,
  },
  credit: { A: 100, B: 80, C: 60, D: 30, E: 0, unrated: 50 },
  thresholds: { A: 80, B: 60, C: 40 },
};

export type StoredGradingPolicy = Stored<GradingPolicy>;

/** `POLICY#grading`: CURRENT and every VERSION#n (shared/core/versioned-policy.ts). */
export const gradingPolicyStore = versionedPolicy<GradingPolicy>('grading', DEFAULT_GRADING_POLICY);

export const fromGradingPolicyItem = gradingPolicyStore.fromItem;
