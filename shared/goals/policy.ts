import { z } from 'zod';
import { versionedPolicy } from '#shared/core/versioned-policy';

/**
 * The goals policy (GET|PUT /goal-policy): who approves a target revision and when the daily pace check
 * suggests one. Percentages are of the target (revisions) or of expected-to-date (pace).
 */
export const goalPolicy = z
  .strictObject({
    /** A revision changing the amount by more than this share of it needs the vp after the parent's owner. */
    revisionVpThresholdPct: z.number().min(0).max(1000),
    /** Decision SLA of each revision approval step; one escalation to the approver's manager, then it expires. */
    revisionSlaSeconds: z.number().int().min(60).max(30 * 24 * 3600),
    /** The daily check suggests a revision when actual ÷ expected-to-date is below the lower or above the upper bound… */
    paceLowerPct: z.number().min(0).max(100),
    paceUpperPct: z.number().min(100).max(1000),
    /** …and at least this many whole months of the target's period have passed (so month targets are never checked at 1). */
    paceGraceMonths: z.number().int().min(0).max(11),
  })
  .refine((p) => p.paceLowerPct < p.paceUpperPct, { message: 'paceLowerPct must be below paceUpperPct', path: ['paceLowerPct'] });

export type GoalPolicy = z.infer<typeof goalPolicy>;

export const DEFAULT_GOAL_POLICY: GoalPolicy = {
  revisionVpThresholdPct: 10,
  revisionSlaSeconds: 3 * 24 * 3600,
  paceLowerPct: 80,
  paceUpperPct: 130,
  paceGraceMonths: 1,
};

export const goalPolicyStore = versionedPolicy<GoalPolicy>('goals', DEFAULT_GOAL_POLICY);
