import { z } from 'zod';
import { versionedPolicy } from '#shared/core/versioned-policy';

/** What health is made of; each weight is the most points that component can take off 100. */
export const COMPONENTS = ['frequencyDrop', 'recencyOverdue', 'complaints', 'npsDetractor', 'silence', 'spendFall'] as const;
export type Component = (typeof COMPONENTS)[number];

export const churnPolicy = z
  .strictObject({
    weights: z.strictObject(Object.fromEntries(COMPONENTS.map((c) => [c, z.number().int().min(0).max(100)])) as Record<Component, z.ZodNumber>),
    /** score ≥ green → green; ≥ yellow → yellow; below → red (an alert opens). */
    thresholds: z.strictObject({ green: z.number().int().min(1).max(100), yellow: z.number().int().min(0).max(99) }),
    recoverySlaSeconds: z.number().int().min(1).max(180 * 24 * 3600),
    maxEscalations: z.number().int().min(0).max(5),
  })
  .refine((p) => Object.values(p.weights).reduce((a, b) => a + b, 0) === 100, { message: 'The weights must add up to 100', path: ['weights'] })
  .refine((p) => p.thresholds.yellow < p.thresholds.green, { message: 'yellow must be below green', path: ['thresholds', 'yellow'] });

export type ChurnPolicy = z.infer<typeof churnPolicy>;

export const DEFAULT_CHURN_POLICY: ChurnPolicy = {
  weights: { frequencyDrop: 25, recencyOverdue: 25, complaints: 20, npsDetractor: 10, silence: 10, spendFall: 10 },
  thresholds: { green: 70, yellow: 40 },
  recoverySlaSeconds: 14 * 24 * 3600,
  maxEscalations: 1,
};

export const churnPolicyStore = versionedPolicy<ChurnPolicy>('churn', DEFAULT_CHURN_POLICY);
