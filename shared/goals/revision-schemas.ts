import { z } from 'zod';
import { entityId } from '#shared/core/schemas';
import { calendarDate } from '#shared/process/schemas';

/**
 * Target revisions: a change of a target's amount with a recorded reason. People request them (they go through
 * the approval engine); the daily pace check only suggests them (status `suggested`, reason `pace_deviation`),
 * and a suggestion becomes a request when someone turns it into one.
 */
export const REVISION_REASONS = ['market_demand', 'competition', 'internal_resources', 'other'] as const;
export const REVISION_STATUSES = ['suggested', 'pending', 'approved', 'rejected', 'recalled', 'expired', 'requested'] as const;
export type RevisionStatus = (typeof REVISION_STATUSES)[number];
/** People give one of REVISION_REASONS; the pace check and the performance review suggest with their own. */
export type RevisionReason = (typeof REVISION_REASONS)[number] | 'pace_deviation' | 'performance_review';

const minor = z.number().int('Use integer minor units (e.g. fen)').min(0).max(1e15);

export const requestRevision = z.strictObject({
  newAmount: minor,
  reason: z.enum(REVISION_REASONS),
  evidence: z.string().trim().min(1).max(4000),
  /** The first day the new amount applies; period children that end before it keep their amounts. */
  effectiveFrom: calendarDate,
  /** Turn this pace suggestion into the request (it is then `requested`). */
  fromSuggestionId: entityId.optional(),
});
export type RequestRevision = z.infer<typeof requestRevision>;

/** What the pace check saw when it suggested a revision. */
export interface PaceFinding {
  /** The target's period: YYYY, YYYY-Qn or YYYY-MM. */
  period: string;
  checkedAt: string;
  actual: number;
  expectedToDate: number;
  /** actual ÷ expectedToDate */
  pace: number;
  direction: 'behind' | 'ahead';
  lowerPct: number;
  upperPct: number;
}

export interface TargetRevision {
  id: string;
  targetId: string;
  status: RevisionStatus;
  reason: RevisionReason;
  /** The amount when the revision was made, and the one asked for (a suggestion proposes the run-rate projection). */
  oldAmount: number;
  newAmount: number;
  currency: string;
  evidence: string;
  effectiveFrom: string;
  requesterId?: string;
  approvalId?: string;
  /** Suggestions: what the check found; requests made from one: its id. A suggestion turned into a request names it. */
  finding?: PaceFinding;
  fromSuggestionId?: string;
  requestRevisionId?: string;
  /** A performance review's next-period suggestion: the cycle and the rating behind it. */
  review?: { cycleId: string; rating: number };
  /** The target version an approved revision created. */
  resultingVersion?: number;
  createdAt: string;
  updatedAt: string;
  decidedAt?: string;
}

/** A superseded version of a target (GET /targets/{id}/versions lists these, then the current one). */
export interface TargetVersion {
  targetId: string;
  version: number;
  amount: number;
  tiers: { base: number; sprint: number; challenge: number };
  currency: string;
  /** From when this version applied (the creation date for version 1) until the next one's effectiveFrom. */
  effectiveFrom: string;
  /** The revision that made this version (none for version 1) and, once superseded, the one that replaced it. */
  revisionId?: string;
  supersededBy?: string;
  createdAt: string;
}
