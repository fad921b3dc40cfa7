import { z } from 'zod';
import { entityId } from '#shared/core/schemas';

/** Cross-department requests: sales asks finance, legal, delivery… ; the department's team manager is assigned. */
export const TARGET_DEPARTMENTS = ['finance', 'legal', 'delivery', 'product', 'support', 'marketing'] as const;
export const COLLAB_STATUSES = ['open', 'accepted', 'resolved', 'rejected'] as const;

export type TargetDepartment = (typeof TARGET_DEPARTMENTS)[number];
export type CollabStatus = (typeof COLLAB_STATUSES)[number];

/** Any ISO-8601 instant with an offset; stored as UTC (`…Z`) so sort keys compare as times. */
const instant = z.iso.datetime({ offset: true, message: 'Use an ISO-8601 date-time, e.g. 2026-03-01T09:30:00Z' }).transform((v) => new Date(v).toISOString());
const text = (max: number) => z.string().trim().min(1).max(max);

export const createCollabRequest = z.strictObject({
  toDepartment: z.enum(TARGET_DEPARTMENTS),
  subject: text(200),
  detail: text(4000),
  /** In the future (checked against the server clock). */
  dueAt: instant,
  relatedDealId: entityId.optional(),
});
export const changeStatus = z.strictObject({
  status: z.enum(['accepted', 'resolved', 'rejected']),
  /** Optional when accepting; resolving or rejecting says why (checked by the rules). */
  note: text(2000).optional(),
});
export const addComment = z.strictObject({ text: text(2000) });
export const feedback = z.strictObject({ rating: z.number().int().min(1).max(5), comment: text(2000).optional() });
/** Exactly one of `mine=true` or `department=<d>` (checked by the service, which names the field). */
export const listCollabQuery = {
  mine: z.enum(['true']).optional(),
  department: z.enum(TARGET_DEPARTMENTS).optional(),
};

export type CreateCollabRequest = z.infer<typeof createCollabRequest>;
export type ChangeStatus = z.infer<typeof changeStatus>;
export type Feedback = z.infer<typeof feedback>;

export interface StatusChange {
  status: CollabStatus;
  at: string;
  by: string;
  note?: string;
}

export interface CollabRequest {
  id: string;
  requesterId: string;
  requesterTeamId?: string;
  toDepartment: TargetDepartment;
  /** The team of that department the request was routed to, and its manager at that moment. */
  departmentTeamId: string;
  assigneeId: string;
  subject: string;
  detail: string;
  dueAt: string;
  relatedDealId?: string;
  status: CollabStatus;
  history: StatusChange[];
  acceptedAt?: string;
  closedAt?: string;
  /** Seconds from creation to resolution (resolved only). */
  resolutionSeconds?: number;
  /** Stored when the request closes; computed against now while it is open. */
  breached?: boolean;
  feedback?: { rating: number; comment?: string; at: string };
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Comment {
  id: string;
  requestId: string;
  authorId: string;
  text: string;
  at: string;
}

const statusChange = z.object({ status: z.enum(COLLAB_STATUSES), at: z.string(), by: z.string(), note: z.string().optional() });
export const collabView = z.object({
  id: z.string(),
  requesterId: z.string(),
  toDepartment: z.enum(TARGET_DEPARTMENTS),
  departmentTeamId: z.string(),
  assigneeId: z.string(),
  subject: z.string(),
  detail: z.string(),
  dueAt: z.string(),
  relatedDealId: z.string().optional(),
  status: z.enum(COLLAB_STATUSES),
  history: z.array(statusChange),
  resolutionSeconds: z.number().optional(),
  breached: z.boolean(),
  feedback: z.object({ rating: z.number(), comment: z.string().optional(), at: z.string() }).optional(),
  createdAt: z.string(),
  version: z.number(),
});
export const commentView = z.object({ id: z.string(), requestId: z.string(), authorId: z.string(), text: z.string(), at: z.string() });
export const collabWithCommentsView = collabView.extend({ comments: z.array(commentView), commentsCursor: z.string().nullable() });
export const collabReportView = z.object({
  departments: z.array(
    z.object({
      department: z.enum(TARGET_DEPARTMENTS),
      count: z.number().int(),
      resolved: z.number().int(),
      rejected: z.number().int(),
      medianResolutionSeconds: z.number().nullable(),
      p90ResolutionSeconds: z.number().nullable(),
      breached: z.number().int(),
      overdueOpen: z.number().int(),
      ratings: z.number().int(),
      averageRating: z.number().nullable(),
    }),
  ),
});
