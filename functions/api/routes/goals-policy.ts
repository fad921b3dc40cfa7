import { createPolicyService } from '#shared/core/policy-service';
import { goalPolicy, goalPolicyStore } from '#shared/goals/policy';
import { policyRoutes } from '../policy-routes.ts';
import type { AppDeps } from '../types.ts';

/**
 * The goals policy: revision approval threshold and SLA, pace-check thresholds and grace. Everyone signed in reads it
 * (a rep should know when the pace check flags them); the next pace check and revision request use a new version.
 */
export const goalPolicyRoutes = (deps: AppDeps) =>
  policyRoutes({ path: '/goal-policy', tag: 'Goals', what: 'Revision vp threshold and SLA, pace bounds and grace months', schema: goalPolicy, service: createPolicyService(goalPolicyStore, 'goal', deps) });
