import { z } from 'zod';
import { entityId } from '#shared/core/schemas';
import type { ApproverRule } from './policy.ts';

export const APPROVAL_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'RECALLED', 'EXPIRED'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export type StepStatus = 'WAITING' | 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'RECALLED';

export const requestApproval = z.strictObject({ reason: z.string().trim().min(1).max(1000) });
export const decide = z.strictObject({ decision: z.enum(['approve', 'reject']), comment: z.string().trim().max(2000).optional() });
export const previewRequest = z.strictObject({ dealId: entityId });
export const delegation = z.strictObject({
  delegateId: entityId.nullable(),
  from: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
});
export const approvalsQuery = {
  inbox: z.literal('mine').optional(),
  requestedBy: z.literal('me').optional(),
};

export interface Decision {
  decision: 'approve' | 'reject';
  actorId: string;
  /** The assignee the actor decided for, when the actor is their delegate. */
  onBehalfOf?: string;
  comment?: string;
  at: string;
}

export interface Escalation {
  at: string;
  from: string[];
  to: string[];
}

export interface ApprovalStep {
  id: string;
  name: string;
  mode: 'any' | 'all';
  slaSeconds: number;
  maxEscalations: number;
  /** Why the policy asked for this step (the criteria that held). */
  because: string[];
  approvers: ApproverRule;
  assignees: string[];
  status: StepStatus;
  decisions: Decision[];
  escalations: Escalation[];
  /** Who has an inbox entry for this step (assignees and their delegates); cleared with the entries. */
  inbox?: { userId: string; onBehalfOf?: string }[];
  startedAt?: string;
  dueAt?: string;
  decidedAt?: string;
}

export interface Terms {
  amount: number;
  currency: string;
  discountPct: number;
  paymentTermsDays: number;
}

/** What a target revision asks for (subject type `target`): the node, its amounts before and after, from when. */
export interface RevisionTerms {
  revisionId: string;
  fiscalYear: number;
  rootId: string;
  treePath: string;
  reason: string;
  currency: string;
  oldAmount: number;
  newAmount: number;
  oldTiers: { base: number; sprint: number; challenge: number };
  newTiers: { base: number; sprint: number; challenge: number };
  /** The node's version before (and the revision that had made it); approval creates fromVersion + 1. */
  fromVersion: number;
  fromRevisionId?: string;
  /** The pace or review suggestion this request came from: it is offered again if the request does not succeed. */
  fromSuggestionId?: string;
  /** When the superseded version had applied from (kept in its snapshot). */
  fromEffectiveFrom: string;
  effectiveFrom: string;
}

export const SUBJECT_TYPES = ['deal', 'target'] as const;

export interface Approval {
  id: string;
  /** A deal (terms, customerTier) or a target revision (revision). */
  subject: { type: (typeof SUBJECT_TYPES)[number]; id: string; title: string };
  requesterId: string;
  ownerId: string;
  teamId?: string;
  regionId?: string;
  reason: string;
  status: ApprovalStatus;
  /** The version of the policy that chose the steps (the approval policy for deals, the goals policy for targets). */
  policyVersion: number;
  terms?: Terms;
  revision?: RevisionTerms;
  customerTier?: string;
  steps: ApprovalStep[];
  /** Index of the step being decided; -1 before the first. */
  currentStep: number;
  executionId?: string;
  createdAt: string;
  updatedAt: string;
  decidedAt?: string;
  version: number;
}

const decisionView = z.object({ decision: z.enum(['approve', 'reject']), actorId: z.string(), onBehalfOf: z.string().optional(), comment: z.string().optional(), at: z.string() });
export const approvalView = z.object({
  id: z.string(),
  subject: z.object({ type: z.enum(SUBJECT_TYPES), id: z.string(), title: z.string() }),
  requesterId: z.string(),
  ownerId: z.string(),
  reason: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  policyVersion: z.number(),
  terms: z.object({ amount: z.number(), currency: z.string(), discountPct: z.number(), paymentTermsDays: z.number() }).optional(),
  revision: z
    .object({ revisionId: z.string(), reason: z.string(), currency: z.string(), oldAmount: z.number(), newAmount: z.number(), fromVersion: z.number(), effectiveFrom: z.string() })
    .passthrough()
    .optional(),
  steps: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      mode: z.enum(['any', 'all']),
      slaSeconds: z.number(),
      because: z.array(z.string()),
      assignees: z.array(z.string()),
      status: z.string(),
      decisions: z.array(decisionView),
      escalations: z.array(z.object({ at: z.string(), from: z.array(z.string()), to: z.array(z.string()) })),
      startedAt: z.string().optional(),
      dueAt: z.string().optional(),
      decidedAt: z.string().optional(),
    }),
  ),
  currentStep: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  decidedAt: z.string().optional(),
  version: z.number(),
});
