import { z } from 'zod';
import { currency } from '#shared/process/schemas';

/** Goals: the target tree (company → region / product line / team / rep / quarter / month), with tiers. */
export const DIMENSIONS = ['region', 'productLine', 'team', 'rep', 'quarter', 'month'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const METHODS = ['even', 'weights', 'history'] as const;

/** Integer minor units; a child may be 0 (a zero weight), a company target may not. */
const minor = z.number().int('Use integer minor units (e.g. fen)').min(0).max(1e15);
export const fiscalYear = z.number().int().min(2000).max(2100);

const tiers = z.strictObject({ base: minor, sprint: minor, challenge: minor });

/** base = amount (目标), sprint ≥ base (冲刺), challenge ≥ sprint (挑战). */
export const createTarget = z
  .strictObject({ fiscalYear, amount: minor.positive(), currency: currency.default('CNY'), tiers })
  .superRefine((t, ctx) => {
    if (t.tiers.base !== t.amount) ctx.addIssue({ code: 'custom', path: ['tiers', 'base'], message: 'The base tier must equal amount' });
    if (t.tiers.sprint < t.tiers.base) ctx.addIssue({ code: 'custom', path: ['tiers', 'sprint'], message: 'The sprint tier must be at least the base tier' });
    if (t.tiers.challenge < t.tiers.sprint) ctx.addIssue({ code: 'custom', path: ['tiers', 'challenge'], message: 'The challenge tier must be at least the sprint tier' });
  });

/** A key is a region / product line / team / user id, Q1–Q4, or YYYY-MM. */
const allocationKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'Not a valid key');

export const allocate = z
  .strictObject({
    dimension: z.enum(DIMENSIONS),
    /** Omit when sending explicit `amounts`. */
    method: z.enum(METHODS).optional(),
    weights: z.record(allocationKey, z.number().min(0).max(1e9)).optional(),
    amounts: z.record(allocationKey, minor).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.amounts && a.method) ctx.addIssue({ code: 'custom', path: ['method'], message: 'Send either a method or explicit amounts, not both' });
    if (a.amounts && a.weights) ctx.addIssue({ code: 'custom', path: ['weights'], message: 'Weights are not used with explicit amounts' });
    if (!a.amounts && !a.method) ctx.addIssue({ code: 'custom', path: ['method'], message: 'Send a method (even, weights, history) or explicit amounts' });
    if (a.method === 'weights' && !a.weights) ctx.addIssue({ code: 'custom', path: ['weights'], message: 'method weights needs weights: {key: number}' });
    if (a.method && a.method !== 'weights' && a.weights) ctx.addIssue({ code: 'custom', path: ['weights'], message: `Weights are not used with method ${a.method}` });
    for (const [field, record] of [['weights', a.weights], ['amounts', a.amounts]] as const) {
      if (record && Object.keys(record).length === 0) ctx.addIssue({ code: 'custom', path: [field], message: 'Name at least one key' });
    }
    if (a.weights && Object.keys(a.weights).length > 0 && Object.values(a.weights).every((w) => w === 0)) {
      ctx.addIssue({ code: 'custom', path: ['weights'], message: 'At least one weight must be above 0' });
    }
  });

export const listTargetsQuery = {
  fiscalYear: z.coerce.number().int().min(2000).max(2100),
  dimension: z.enum(['company', ...DIMENSIONS]).optional(),
  key: allocationKey.optional(),
};

export type CreateTarget = z.infer<typeof createTarget>;
export type Allocate = z.infer<typeof allocate>;

/** One node of a fiscal year's target tree. Scope fields are inherited from the parent and narrowed by the dimension. */
export interface TargetNode {
  id: string;
  fiscalYear: number;
  rootId: string;
  parentId: string | null;
  /** Ids from the root down to this node, joined by '/': the node's sort key in the tree partition. */
  treePath: string;
  depth: number;
  dimension: 'company' | Dimension;
  key: string;
  amount: number;
  currency: string;
  tiers: { base: number; sprint: number; challenge: number };
  ownerId: string | null;
  regionId?: string;
  teamId?: string;
  repId?: string;
  productLineId?: string;
  quarter?: string;
  month?: string;
  /** Dimensions this node has been decomposed along (each at most once), with how. */
  allocatedDimensions: Dimension[];
  allocationMethods?: Partial<Record<Dimension, string>>;
  /** The target's version (1 until a revision is approved) and the day it applies from (absent for version 1). */
  targetVersion?: number;
  effectiveFrom?: string;
  /** When the current version was made (the node's creation for version 1). */
  versionCreatedAt?: string;
  /** Revisions pending on nodes below this one (they lock it against its own revision until they close). */
  pendingBelow?: number;
  /** The revision whose amounts this node carries (the cascade's idempotency mark). */
  appliedRevisionId?: string;
  /** Set while a revision of this node awaits approval: allocation and other revisions wait. */
  lockedByApprovalId?: string;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** What a node's by-id pointer holds: where the node lives and its (immutable) scope. */
export interface TargetPointer {
  id: string;
  fiscalYear: number;
  rootId: string;
  treePath: string;
  ownerId: string | null;
  regionId?: string;
  teamId?: string;
}

const tiersView = z.object({ base: z.number(), sprint: z.number(), challenge: z.number() });
const summary = z.object({ id: z.string(), dimension: z.string(), key: z.string(), amount: z.number(), currency: z.string(), tiers: tiersView });
export const targetView = summary.extend({
  fiscalYear: z.number(),
  rootId: z.string(),
  parentId: z.string().nullable(),
  depth: z.number(),
  ownerId: z.string().nullable(),
  regionId: z.string().optional(),
  teamId: z.string().optional(),
  repId: z.string().optional(),
  productLineId: z.string().optional(),
  quarter: z.string().optional(),
  month: z.string().optional(),
  allocatedDimensions: z.array(z.string()),
  targetVersion: z.number(),
  effectiveFrom: z.string().optional(),
  lockedByApprovalId: z.string().optional(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const targetTreeView = targetView.extend({
  children: z.array(targetView),
  /** Root first, parent last: summaries (id, dimension, key, amount, tiers); amounts only of the targets you may open. */
  path: z.array(summary.partial({ amount: true, currency: true, tiers: true })),
  /** Per allocated dimension: this target minus its children's sum (0 until a child alone is revised). */
  unallocated: z.record(z.string(), z.number()),
});
export const allocationView = z.object({ target: targetView, dimension: z.string(), method: z.string(), children: z.array(targetView) });
