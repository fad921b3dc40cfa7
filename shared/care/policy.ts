import { z } from 'zod';
import { versionedPolicy, type Stored } from '#shared/core/versioned-policy';
import { TIERS } from '#shared/customers/schemas';
import { INTERACTION_TYPES, SEVERITIES } from './schemas.ts';

/**
 * The care policy (admin, `GET|PUT /care-policy`, If-Match on its version): how interactions weigh and decay
 * into intent, how often each tier is contacted, and the service-ticket SLAs. One item, so every care write
 * reads it in the same BatchGet as the principal and the customer.
 */
const weight = z.number().min(0).max(100);
const days = z.number().int().min(1).max(365);
const hours = z.number().int().min(1).max(24 * 60);

export const carePolicy = z.strictObject({
  intent: z
    .strictObject({
      /** Days after which an interaction counts half as much (score = Σ weight × 0.5^(age / halfLifeDays)). */
      halfLifeDays: z.number().min(0.5).max(365),
      weights: z.strictObject(Object.fromEntries(INTERACTION_TYPES.map((type) => [type, weight])) as Record<(typeof INTERACTION_TYPES)[number], typeof weight>),
      /** score ≥ hotAt → hot, ≥ warmAt → warm, else cold. */
      hotAt: z.number().positive().max(10_000),
      warmAt: z.number().positive().max(10_000),
    })
    .refine((p) => p.hotAt > p.warmAt, { message: 'hotAt must be above warmAt', path: ['hotAt'] }),
  /** Days between contacts (visit or call) per tier. */
  cadenceDays: z.strictObject(Object.fromEntries(TIERS.map((tier) => [tier, days])) as Record<(typeof TIERS)[number], typeof days>),
  /** Hours from opening to the resolution due time, per severity. */
  ticketSlaHours: z.strictObject(Object.fromEntries(SEVERITIES.map((s) => [s, hours])) as Record<(typeof SEVERITIES)[number], typeof hours>),
});

export type CarePolicy = z.infer<typeof carePolicy>;
export type StoredCarePolicy = Stored<CarePolicy>;

/**
 * What ships. Weights rank how much an interaction says about buying: a quote request or a demo far more than an
 * e-mail. With a 14-day half-life a fresh quote request alone (8) is warm, and with a demo (13) hot; a month of
 * silence halves most of it away again.
 */
export const DEFAULT_CARE_POLICY: CarePolicy = {
  intent: {
    halfLifeDays: 14,
    weights: { inquiry: 3, visit: 3, call: 2, email: 1, event: 2, demo: 5, quote_request: 8 },
    hotAt: 10,
    warmAt: 4,
  },
  cadenceDays: { A: 14, B: 30, C: 60, D: 90 },
  ticketSlaHours: { critical: 4, high: 24, medium: 72, low: 120 },
};

export const carePolicyStore = versionedPolicy<CarePolicy>('care', DEFAULT_CARE_POLICY);
