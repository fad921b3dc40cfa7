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

export interface Approval {
  id: string;
  subject: { type: 'deal'; id: string; title: string };
  requesterId: string;
  ownerId: string;
  teamId?: string;
  regionId: string;
  reason: string;
  status: ApprovalStatus;
  policyVersion: number;
  terms: Terms;
  customerTier: string;
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
  subject: z.object({ type: z.literal('deal'), id: z.string(), title: z.string() }),
  requesterId: z.string(),
  ownerId: z.string(),
  reason: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  policyVersion: z.number(),
  terms: z.object({ amount: z.number(), currency: z.string(), discountPct: z.number(), paymentTermsDays: z.number() }),
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
