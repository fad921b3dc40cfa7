import { z } from 'zod';
import { entityId } from '#shared/core/schemas';
import type { Component } from './policy.ts';

/** A review period: a month (YYYY-MM) or a quarter (YYYY-Qn). */
export const reviewPeriod = z.string().regex(/^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/, 'Use YYYY-MM or YYYY-Qn');
export const createCycle = z.strictObject({ period: reviewPeriod, teamId: entityId.optional() });
export const assessmentInput = z.strictObject({
  comment: z.string().trim().min(1).max(4000),
  /** The manager may move the computed rating by one step either way. */
  ratingAdjustment: z.number().int().min(-1).max(1),
  goalsNextPeriod: z.array(z.string().trim().min(1).max(500)).min(1).max(10),
});
export const acknowledgementInput = z.strictObject({ comment: z.string().trim().max(2000).optional() });
export const checkpointInput = z.strictObject({ note: z.string().trim().min(1).max(2000), status: z.enum(['on_track', 'at_risk', 'done']) });
export const scorecardsQuery = { cycleId: z.string().max(80).optional(), userId: entityId.optional(), assessor: z.literal('me', { error: 'Only assessor=me' }).optional() };

export type CreateCycle = z.infer<typeof createCycle>;
export type AssessmentInput = z.infer<typeof assessmentInput>;

/** What the scorecard measured for one rep in one period (null: nothing to measure, left out of the score). */
export interface Metrics {
  actual: number;
  target: number | null;
  /** Where the target came from: the period's own node, or a share of its quarter's or year's. */
  targetBasis: 'period' | 'quarter_share' | 'year_share' | null;
  /** actual ÷ target */
  attainment: number | null;
  wonCount: number;
  wonAmount: number;
  lostCount: number;
  winRate: number | null;
  avgCycleDays: number | null;
  activities: number;
  followUpsMet: number;
  followUpsOnTime: number;
  followUpCompliance: number | null;
  nps: number | null;
  npsResponses: number;
  training: { required: number; completed: number; compliant: boolean; pct: number };
}

export interface Scorecard {
  id: string;
  cycleId: string;
  period: string;
  userId: string;
  name: string;
  teamId?: string;
  regionId?: string;
  /** The rep's manager when scored: the improvement plan's owner. */
  managerId?: string;
  currency: string;
  metrics: Metrics;
  /** Each component on 0–100; null when not measurable (its weight is spread over the others). */
  components: Record<Component, number | null>;
  score: number;
  rating: number;
  finalRating: number;
  status: 'scored' | 'assessed' | 'acknowledged';
  /** Who may assess now: the rep's manager, after an SLA breach the manager's manager. */
  assessorIds: string[];
  escalatedTo?: string[];
  assessment?: { by: string; comment: string; ratingAdjustment: number; goalsNextPeriod: string[]; at: string; automatic?: boolean };
  acknowledgement?: { at: string; comment?: string; overdue?: boolean };
  createdAt: string;
  updatedAt: string;
  version: number;
}

export type StoredScorecard = Scorecard & { assessmentToken?: string; acknowledgementToken?: string };

/** Where the rep sits, so a cycle shows each reader only the people in their scope. */
export interface Placed {
  teamId?: string;
  regionId?: string;
}

export interface Badge extends Placed {
  userId: string;
  badge: 'top_attainment' | 'most_improved' | 'best_nps';
  reason: string;
}

export interface TargetSuggestion extends Placed {
  userId: string;
  period: string;
  suggestedAmount: number;
  basis: string;
  /** The rep's target node for that period, when one exists (the suggestion is then a `suggested` revision on it). */
  targetId?: string;
  revisionId?: string;
}

export interface ReviewCycle {
  id: string;
  period: string;
  teamId?: string;
  /** failed: the workflow stopped on an error; POST /review-cycles again restarts it. */
  status: 'open' | 'closed' | 'failed';
  error?: string;
  /** The execution that runs this cycle; another one for the same cycle stops at once. */
  executionName: string;
  startedBy: string;
  policyVersion?: number;
  reps: number;
  scored: number;
  assessed: number;
  acknowledged: number;
  escalated: number;
  badges: Badge[];
  suggestions: TargetSuggestion[];
  improvementPlans: number;
  statements?: { finalised: number; already: number };
  createdAt: string;
  closedAt?: string;
}

export interface ImprovementPlan {
  id: string;
  cycleId: string;
  period: string;
  userId: string;
  /** Who sees it through: the rep's manager. */
  ownerId: string | null;
  rating: number;
  actions: string[];
  dueAt: string;
  checkpoints: { at: string; by: string; note: string; status: 'on_track' | 'at_risk' | 'done' }[];
  status: 'open' | 'done';
  createdAt: string;
  updatedAt: string;
}
