import { z } from 'zod';
import { entityId, isoDate, isoMonth, name } from '#shared/core/schemas';
import { TIERS } from '#shared/customers/schemas';

/** The sales process: deals, the pipeline they move through, their stage history, orders and the funnel. */
export const FORECAST_CATEGORIES = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] as const;
/** `closed` follows a won deal and `omitted` a lost one; people choose among the others. */
export const SETTABLE_FORECAST_CATEGORIES = ['pipeline', 'best_case', 'commit', 'omitted'] as const;
export const LOST_REASONS = ['price', 'competitor', 'no_budget', 'no_decision', 'product_fit', 'other'] as const;
export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;
export const CRITERION_FIELDS = ['amount', 'expectedCloseDate', 'discountPct', 'paymentTermsDays'] as const;
export const APPROVAL_STATUSES = ['APPROVED', 'REJECTED', 'RECALLED', 'EXPIRED'] as const;

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
/** ISO 4217, upper case. */
export const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'Use a 3-letter ISO 4217 code, e.g. CNY')
  .refine((code) => CURRENCIES.has(code), 'Not an ISO 4217 currency');
/** Integer minor units (fen, cents): 300,000.00 CNY is 30000000. */
export const amount = z.number().int('Use integer minor units (e.g. cents)').positive().max(1e15);
export const discountPct = z.number().min(0).max(100);
export const paymentTermsDays = z.number().int().min(0).max(3650);
/** A real calendar day, YYYY-MM-DD. */
export const calendarDate = isoDate.refine((d) => {
  const parsed = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === d;
}, 'Not a calendar date');
export const month = isoMonth;
export const stageId = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'Use 1–40 lowercase letters, digits or _ (starting with a letter)');

// ── Deals ───────────────────────────────────────────────────────────────────────────────────────────────

/** Unknown and server-owned fields (stage, status, teamId, regionId, version, lockedByApprovalId, approval…) are rejected. */
export const createDeal = z.strictObject({
  customerId: entityId,
  title: name,
  amount: amount.optional(),
  currency: currency.default('CNY'),
  productLineId: entityId,
  expectedCloseDate: calendarDate.optional(),
  discountPct: discountPct.default(0),
  paymentTermsDays: paymentTermsDays.default(30),
  /** Managers and above create deals for someone in their scope; otherwise the creator owns the deal. */
  ownerId: entityId.optional(),
});

export const patchDeal = z
  .strictObject({
    title: name.optional(),
    amount: amount.optional(),
    currency: currency.optional(),
    productLineId: entityId.optional(),
    expectedCloseDate: calendarDate.optional(),
    discountPct: discountPct.optional(),
    paymentTermsDays: paymentTermsDays.optional(),
    forecastCategory: z.enum(SETTABLE_FORECAST_CATEGORIES).optional(),
    /** Reassign (manager, director, vp, admin: within their scope). */
    ownerId: entityId.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'Send at least one field to change' });

export const moveStage = z.strictObject({
  stage: stageId,
  /** Required when moving to lost: one of price, competitor, no_budget, no_decision, product_fit, other. Free text otherwise. */
  reason: z.string().trim().min(1).max(500).optional(),
});

export const listDealsQuery = {
  ownerId: entityId.optional(),
  stage: stageId.optional(),
};

export type CreateDeal = z.infer<typeof createDeal>;
export type PatchDeal = z.infer<typeof patchDeal>;
export type MoveStage = z.infer<typeof moveStage>;

/** Written by the approvals engine; deals only read it. */
export interface DealApproval {
  approvalId: string;
  status: (typeof APPROVAL_STATUSES)[number];
  terms: { amount: number; discountPct: number; paymentTermsDays: number };
  decidedAt?: string;
}

/** Where the deal entered its current stage in the funnel: exits are counted against that cohort. */
export interface StageEntry {
  at: string;
  ownerId?: string;
  teamId?: string;
  regionId: string;
}

export interface Deal {
  id: string;
  customerId: string;
  /** The customer's tier as last checked (the approval facts use it; a stale copy is caught when it matters). */
  customerTier: (typeof TIERS)[number];
  title: string;
  amount?: number;
  currency: string;
  productLineId: string;
  expectedCloseDate?: string;
  discountPct: number;
  paymentTermsDays: number;
  stage: string;
  probability: number;
  forecastCategory: (typeof FORECAST_CATEGORIES)[number];
  status: (typeof DEAL_STATUSES)[number];
  stageEntry: StageEntry;
  lostReason?: (typeof LOST_REASONS)[number];
  closedAt?: string;
  orderId?: string;
  ownerId: string;
  teamId?: string;
  regionId: string;
  createdBy: string;
  /** Set and cleared by the approvals engine while an approval is pending; deals refuse changes meanwhile. */
  lockedByApprovalId?: string;
  approval?: DealApproval;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface StageMove {
  id: string;
  dealId: string;
  from: string | null;
  to: string;
  at: string;
  by: string;
  amount: number | null;
  currency: string;
  /** Seconds the deal spent in `from` (null for the first move). */
  secondsInStage: number | null;
  reason?: string;
}

export const stageMoveView = z.object({
  from: z.string().nullable(),
  to: z.string(),
  at: z.string(),
  by: z.string(),
  amount: z.number().int().nullable().describe('The deal amount when it moved (minor units)'),
  currency: z.string(),
  secondsInStage: z.number().int().nullable(),
  reason: z.string().optional(),
});

export const dealView = z.object({
  id: z.string(),
  customerId: z.string(),
  customerTier: z.enum(TIERS),
  title: z.string(),
  amount: z.number().int().optional(),
  currency: z.string(),
  productLineId: z.string(),
  expectedCloseDate: z.string().optional(),
  discountPct: z.number(),
  paymentTermsDays: z.number().int(),
  stage: z.string(),
  probability: z.number().int(),
  forecastCategory: z.enum(FORECAST_CATEGORIES),
  status: z.enum(DEAL_STATUSES),
  stageEntry: z.object({ at: z.string(), ownerId: z.string().optional(), teamId: z.string().optional(), regionId: z.string() }),
  lostReason: z.enum(LOST_REASONS).optional(),
  closedAt: z.string().optional(),
  orderId: z.string().optional(),
  ownerId: z.string(),
  teamId: z.string().optional(),
  regionId: z.string(),
  createdBy: z.string(),
  lockedByApprovalId: z.string().optional(),
  approval: z
    .object({
      approvalId: z.string(),
      status: z.enum(APPROVAL_STATUSES),
      terms: z.object({ amount: z.number(), discountPct: z.number(), paymentTermsDays: z.number() }),
      decidedAt: z.string().optional(),
    })
    .optional(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const dealWithHistoryView = dealView.extend({ history: z.array(stageMoveView) });

// ── Pipeline ────────────────────────────────────────────────────────────────────────────────────────────

/** What a deal needs to enter a stage: a field set, or an approval when the approval policy requires one. */
export const stageCriterion = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('field'), field: z.enum(CRITERION_FIELDS) }),
  z.strictObject({ type: z.literal('approval') }),
]);

export const pipelineStage = z.strictObject({
  id: stageId,
  name,
  probability: z.number().int().min(0).max(100),
  /** Checked when a deal enters this stage (the exit criteria of the stages before it). */
  requires: z.array(stageCriterion).max(10).default([]),
});

/** The stages in order: open stages first, then `won` and `lost` (both required, both final). */
export const pipelineInput = z.strictObject({ stages: z.array(pipelineStage).min(3).max(20) });

export type StageCriterion = z.infer<typeof stageCriterion>;
export type PipelineStage = z.infer<typeof pipelineStage>;
export type PipelineInput = z.infer<typeof pipelineInput>;

export interface Pipeline {
  version: number;
  stages: PipelineStage[];
  updatedAt?: string;
  updatedBy?: string;
}

export const pipelineView = z.object({
  version: z.number().int().describe('0 until an admin saves one (the default pipeline)'),
  stages: z.array(pipelineStage.extend({ kind: z.enum(['open', 'won', 'lost']) })),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});

// ── Orders ──────────────────────────────────────────────────────────────────────────────────────────────

export interface Order {
  id: string;
  customerId: string;
  /** The won deal that booked it; absent on orders recorded directly (POST /customers/{id}/orders). */
  dealId?: string;
  amount: number;
  currency: string;
  productLineId: string;
  regionId: string;
  teamId?: string;
  ownerId: string;
  /** YYYY-MM-DD (UTC) of the move to won, or the date a recorded order was placed. */
  date: string;
  source: 'deal' | 'direct';
  note?: string;
  /** Who recorded a direct order. */
  recordedBy?: string;
  createdAt: string;
}

export const orderView = z.object({
  id: z.string(),
  customerId: z.string(),
  dealId: z.string().optional(),
  amount: z.number().int(),
  currency: z.string(),
  productLineId: z.string(),
  regionId: z.string(),
  teamId: z.string().optional(),
  ownerId: z.string(),
  date: z.string(),
  source: z.enum(['deal', 'direct']),
  note: z.string().optional(),
  recordedBy: z.string().optional(),
  createdAt: z.string(),
});

// ── Reports ─────────────────────────────────────────────────────────────────────────────────────────────

export const reportQuery = z
  .strictObject({
    from: month.optional().describe('First month (YYYY-MM, UTC); default: `to`'),
    to: month.optional().describe('Last month (YYYY-MM, UTC); default: the current month'),
    teamId: entityId.optional(),
    regionId: entityId.optional(),
  })
  .refine((q) => !(q.teamId && q.regionId), { message: 'Ask for a team or a region, not both', path: ['regionId'] });

export type ReportQuery = z.infer<typeof reportQuery>;

const reportScopeView = z.object({ kind: z.enum(['owner', 'team', 'region', 'all']), id: z.string().optional() });

export const funnelView = z.object({
  scope: reportScopeView,
  from: z.string(),
  to: z.string(),
  stages: z.array(
    z.object({
      stage: z.string(),
      name: z.string(),
      entered: z.number().int().describe('Deals that entered the stage in the months'),
      amount: z.record(z.string(), z.number().int()).describe('Sum of their amounts on entering, per currency (never converted)'),
      exitsToNext: z.number().int().describe('Of those, how many have since left for the next stage in pipeline order'),
      conversion: z.number().nullable().describe('exitsToNext ÷ entered; null when nothing entered or for won/lost'),
    }),
  ),
  won: z.number().int(),
  lost: z.number().int(),
  winRate: z.number().nullable().describe('won ÷ (won + lost); null when neither'),
});

export const stageTimesView = z.object({
  scope: reportScopeView,
  from: z.string(),
  to: z.string(),
  stages: z.array(
    z.object({
      stage: z.string(),
      name: z.string(),
      count: z.number().int().describe('Exits from the stage by deals that entered it in the months'),
      medianSeconds: z.number().nullable().describe('Estimated from a log-scale histogram: the upper bound of the bucket holding the median; null when empty or beyond the last bound (> 90 days)'),
      p90Seconds: z.number().nullable().describe('Same estimate for the 90th percentile'),
      buckets: z.array(z.object({ upToSeconds: z.number().nullable().describe('Inclusive upper bound; null = no bound'), count: z.number().int() })),
    }),
  ),
});
