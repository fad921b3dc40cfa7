import { z } from '@hono/zod-openapi';
import { entityId, name } from '#shared/core/schemas';
import { currency } from '#shared/process/schemas';
import { COMMISSION_PERIOD, MAX_CLAWBACK_DAYS } from './period.ts';

/**
 * Commission plans and statements. Rates, attainment bounds and the accelerator are decimals (0.05 = 5%,
 * 1.2 = 120% of target) with at most 6 decimal places, so the math can run on exact integers (micro-units).
 */
const sixDecimals = (x: number) => Math.abs(x * 1e6 - Math.round(x * 1e6)) < 1e-6;
const decimal = (min: number, max: number) => z.number().min(min).max(max).refine(sixDecimals, 'At most 6 decimal places');

export const commissionPeriod = z.string().regex(COMMISSION_PERIOD, 'Use YYYY-MM or YYYY-Qn').openapi({ example: '2026-Q1' });

const band = z.strictObject({
  fromAttainment: decimal(0, 100).openapi({ example: 1, description: 'Attainment where the band starts (1 = 100% of target)' }),
  toAttainment: decimal(0, 100).nullable().optional().openapi({ example: 1.2, description: 'Where it ends (exclusive); omit or null on the last band only' }),
  rate: decimal(0, 1).openapi({ example: 0.06, description: 'Commission rate as a decimal (0.06 = 6%)' }),
});
export type Band = { fromAttainment: number; toAttainment: number | null; rate: number };

export const createPlan = z
  .strictObject({
    name,
    period: commissionPeriod,
    currency: currency.default('CNY'),
    baseRate: decimal(0, 1).openapi({ example: 0.03, description: 'The rate when the rep has no target for the period' }),
    bands: z.array(band).min(1).max(20),
    mode: z.enum(['tiered', 'marginal']),
    accelerator: decimal(1, 10).default(1).openapi({ description: 'Multiplies the rate above 100% attainment' }),
    cap: z.number().int('Use integer minor units').positive().max(1e15).nullable().default(null).openapi({ description: 'Most a statement’s orders may earn (minor units); null = no cap' }),
    clawbackDays: z.number().int().min(0).max(MAX_CLAWBACK_DAYS),
  })
  .superRefine((plan, ctx) => {
    // Contiguous from 0, ascending, non-overlapping, open-ended at the top: every attainment falls in exactly one band.
    const last = plan.bands.length - 1;
    plan.bands.forEach((b, i) => {
      const expectedFrom = i === 0 ? 0 : plan.bands[i - 1]!.toAttainment;
      if (expectedFrom !== undefined && expectedFrom !== null && b.fromAttainment !== expectedFrom) {
        const message = i === 0 ? 'The first band starts at 0' : `Must equal the previous band’s toAttainment (${expectedFrom}): bands are contiguous and do not overlap`;
        ctx.addIssue({ code: 'custom', path: ['bands', i, 'fromAttainment'], message });
      }
      const to = b.toAttainment ?? null;
      if (i < last && to === null) ctx.addIssue({ code: 'custom', path: ['bands', i, 'toAttainment'], message: 'Only the last band is open-ended' });
      if (i === last && to !== null) ctx.addIssue({ code: 'custom', path: ['bands', i, 'toAttainment'], message: 'The last band is open-ended: omit toAttainment or send null' });
      if (to !== null && to <= b.fromAttainment) ctx.addIssue({ code: 'custom', path: ['bands', i, 'toAttainment'], message: 'Must be above fromAttainment (bands ascend)' });
    });
  });
export type CreatePlan = z.infer<typeof createPlan>;

export interface PlanTerms {
  currency: string;
  baseRate: number;
  bands: Band[];
  mode: 'tiered' | 'marginal';
  accelerator: number;
  cap: number | null;
  clawbackDays: number;
}

export interface Plan extends PlanTerms {
  id: string;
  name: string;
  period: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Assignee {
  planId: string;
  userId: string;
  teamId?: string;
  regionId?: string;
  assignedBy: string;
  assignedAt: string;
}

export const assignPlan = z.strictObject({ userId: entityId });
export const listPlansQuery = { period: commissionPeriod.optional() };
export const statementQuery = z.strictObject({ period: commissionPeriod });
export const refundOrder = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const refundParams = z.strictObject({ id: entityId, orderId: entityId });

// ── Statements ────────────────────────────────────────────────────────────────────────────────────────────

export interface StatementLine {
  kind: 'order' | 'cap' | 'clawback';
  /** The order's date; the cap's period end; the refund or churn date of a clawback. */
  date: string;
  orderId?: string;
  customerId?: string;
  /** The order's amount (minor units of `currency`). */
  amount?: number;
  currency: string;
  /** Minor units of the plan currency; negative for cap and clawback lines. */
  commission: number;
  rule: string;
  /** Clawbacks: what happened, and the statement period the order earned in. */
  event?: { type: 'refund' | 'churn'; date: string; alertId?: string; reason?: string };
  originPeriod?: string;
}

export interface Slice {
  fromAttainment: number;
  toAttainment: number | null;
  /** Revenue bounds of the slice (target × attainment bounds, minor units). */
  revenueFrom: number;
  revenueTo: number | null;
  amount: number;
  rate: number;
  accelerator: number;
  commission: number;
}

export interface Statement {
  userId: string;
  period: string;
  status: 'draft' | 'final';
  plan: PlanTerms & { id: string; name: string; period: string };
  target: { amount: number; currency: string; lookup: string } | null;
  /** The period's orders in the plan currency (gross of later refunds: those come back as clawbacks). */
  revenue: number;
  /** revenue ÷ target (4 decimals), null without a target in the plan currency. */
  attainment: number | null;
  attainmentRule: string;
  /** Marginal plans: the revenue split into slices by band (and at 100%). */
  slices?: Slice[];
  lines: StatementLine[];
  totals: { orders: number; cap: number; clawbacks: number; payable: number };
  computedAt: string;
  finalisedAt?: string;
  cycleId?: string;
}

const terms = {
  currency: z.string(),
  baseRate: z.number(),
  bands: z.array(z.object({ fromAttainment: z.number(), toAttainment: z.number().nullable(), rate: z.number() })),
  mode: z.enum(['tiered', 'marginal']),
  accelerator: z.number(),
  cap: z.number().nullable(),
  clawbackDays: z.number(),
};
export const assigneeView = z.object({ planId: z.string(), userId: z.string(), teamId: z.string().optional(), regionId: z.string().optional(), assignedBy: z.string(), assignedAt: z.string() });
export const planView = z.object({ id: z.string(), name: z.string(), period: z.string(), ...terms, createdBy: z.string(), createdAt: z.string(), updatedAt: z.string(), version: z.number() });
export const planWithAssigneesView = planView.extend({ assignees: z.array(assigneeView) });
export const statementView = z.object({
  userId: z.string(),
  period: z.string(),
  status: z.enum(['draft', 'final']),
  plan: z.object({ id: z.string(), name: z.string(), period: z.string(), ...terms }),
  target: z.object({ amount: z.number(), currency: z.string(), lookup: z.string() }).nullable(),
  revenue: z.number(),
  attainment: z.number().nullable(),
  attainmentRule: z.string(),
  slices: z
    .array(z.object({ fromAttainment: z.number(), toAttainment: z.number().nullable(), revenueFrom: z.number(), revenueTo: z.number().nullable(), amount: z.number(), rate: z.number(), accelerator: z.number(), commission: z.number() }))
    .optional(),
  lines: z.array(
    z.object({
      kind: z.enum(['order', 'cap', 'clawback']),
      date: z.string(),
      orderId: z.string().optional(),
      customerId: z.string().optional(),
      amount: z.number().optional(),
      currency: z.string(),
      commission: z.number(),
      rule: z.string(),
      event: z.object({ type: z.enum(['refund', 'churn']), date: z.string(), alertId: z.string().optional(), reason: z.string().optional() }).optional(),
      originPeriod: z.string().optional(),
    }),
  ),
  totals: z.object({ orders: z.number(), cap: z.number(), clawbacks: z.number(), payable: z.number() }),
  computedAt: z.string(),
  finalisedAt: z.string().optional(),
  cycleId: z.string().optional(),
});
export const refundView = z.object({
  orderId: z.string(),
  customerId: z.string(),
  amount: z.number(),
  currency: z.string(),
  date: z.string(),
  refund: z.object({ date: z.string(), at: z.string(), reason: z.string(), by: z.string() }),
});
