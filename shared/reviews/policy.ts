import { z } from 'zod';
import { versionedPolicy } from '#shared/core/versioned-policy';

/** What a scorecard is made of; each weight is that component's share of the score (they add up to 100). */
export const COMPONENTS = ['attainment', 'winRate', 'activities', 'followUpCompliance', 'nps', 'training'] as const;
export type Component = (typeof COMPONENTS)[number];

/** The review policy (GET|PUT /review-policy): SLAs, weights, rating bands and what triggers an improvement plan. */
export const reviewPolicy = z
  .strictObject({
    assessmentSlaSeconds: z.number().int().min(1).max(60 * 24 * 3600),
    acknowledgementSlaSeconds: z.number().int().min(1).max(60 * 24 * 3600),
    weights: z.strictObject(Object.fromEntries(COMPONENTS.map((c) => [c, z.number().int().min(0).max(100)])) as Record<Component, z.ZodNumber>),
    /** Minimum score (0–100) for ratings 5, 4, 3 and 2; below the last it is 1. */
    ratingFloors: z.strictObject({ r5: z.number().min(0).max(100), r4: z.number().min(0).max(100), r3: z.number().min(0).max(100), r2: z.number().min(0).max(100) }),
    /** A final rating at or below this gets an improvement plan. */
    improvementPlanAtOrBelow: z.number().int().min(1).max(5),
    /** Interactions per month that count as a full activity component. */
    activitiesPerMonthTarget: z.number().int().min(1).max(10_000),
    improvementPlanDays: z.number().int().min(7).max(365),
  })
  .refine((p) => Object.values(p.weights).reduce((a, b) => a + b, 0) === 100, { message: 'The weights must add up to 100', path: ['weights'] })
  .refine((p) => p.ratingFloors.r5 > p.ratingFloors.r4 && p.ratingFloors.r4 > p.ratingFloors.r3 && p.ratingFloors.r3 > p.ratingFloors.r2, {
    message: 'Floors must fall from r5 to r2',
    path: ['ratingFloors'],
  });

export type ReviewPolicy = z.infer<typeof reviewPolicy>;

export const DEFAULT_REVIEW_POLICY: ReviewPolicy = {
  assessmentSlaSeconds: 5 * 24 * 3600,
  acknowledgementSlaSeconds: 3 * 24 * 3600,
  weights: { attainment: 40, winRate: 15, activities: 10, followUpCompliance: 10, nps: 15, training: 10 },
  ratingFloors: { r5: 90, r4: 75, r3: 60, r2: 40 },
  improvementPlanAtOrBelow: 2,
  activitiesPerMonthTarget: 20,
  improvementPlanDays: 60,
};

export const reviewPolicyStore = versionedPolicy<ReviewPolicy>('review', DEFAULT_REVIEW_POLICY);
