import { z } from 'zod';
import { entityId } from '#shared/core/schemas';
import { amount, calendarDate, currency } from '#shared/process/schemas';
import { TIERS } from './schemas.ts';

/** Repeat business recorded directly (won deals book their own). Who, where and when it was recorded are the server's. */
export const recordOrder = z.strictObject({
  amount,
  currency: currency.default('CNY'),
  /** The day the order was placed (UTC); not in the future. */
  date: calendarDate,
  productLineId: entityId,
  note: z.string().trim().min(1).max(500).optional(),
});

export const pinTier = z.strictObject({
  tier: z.enum(TIERS),
  reason: z.string().trim().min(3, 'Say why (at least 3 characters)').max(500),
});

export type RecordOrder = z.infer<typeof recordOrder>;
export type PinTier = z.infer<typeof pinTier>;

const tier = z.enum(TIERS);

export const gradeView = z.object({
  customerId: z.string(),
  tier: tier.describe('The tier in force: the pinned tier if any, else the computed one (or the assigned one while ungraded)'),
  graded: z.boolean().describe('False until the first order (or a pin): the tier given at creation stands'),
  score: z.number().int().nullable(),
  computedTier: tier.nullable(),
  pinned: z.object({ tier, reason: z.string(), by: z.string(), at: z.string() }).nullable(),
  asOf: z.string().nullable().describe('The day the components were measured (recency counts days to it)'),
  computedAt: z.string().nullable(),
  policyVersion: z.number().int().nullable().describe('The grading policy version the score was computed under'),
  currentPolicyVersion: z.number().int().describe('The version in force now; the daily regrade applies a newer one'),
  components: z.array(
    z.object({
      component: z.enum(['monetary', 'frequency', 'recency', 'credit']),
      measure: z.string(),
      value: z.union([z.number(), z.string(), z.null()]),
      points: z.number().int().describe('0–100 from the policy scale'),
      weight: z.number().int().describe('Weights add up to 100'),
      contribution: z.number().int().describe('points × weight / 100, rounded so the contributions add up to the score'),
    }),
  ),
  thresholds: z.object({ A: z.number().int(), B: z.number().int(), C: z.number().int() }),
  rounding: z.string(),
});

export const storedGradingPolicyView = z.object({ version: z.number().int(), policy: z.unknown(), updatedAt: z.string().optional(), updatedBy: z.string().optional() });
