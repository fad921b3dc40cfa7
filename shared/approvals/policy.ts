import { z } from 'zod';
import { ROLES } from '#shared/core/principal';
import { entityId, name, slugId } from '#shared/core/schemas';
import { TIERS } from '#shared/customers/schemas';

/**
 * The approval policy: ordered steps, each applying when any of its criteria holds. Amounts are integer
 * minor units in the deal's currency (thresholds are not converted between currencies).
 */
const amountCriterion = z.strictObject({ field: z.literal('amount'), op: z.enum(['gte', 'gt']), value: z.number().int().min(0) });
const discountCriterion = z.strictObject({ field: z.literal('discountPct'), op: z.enum(['gte', 'gt']), value: z.number().min(0).max(100) });
const termsCriterion = z.strictObject({ field: z.literal('paymentTermsDays'), op: z.enum(['gte', 'gt']), value: z.number().int().min(0).max(3650) });
const tierCriterion = z.strictObject({ field: z.literal('customerTier'), op: z.literal('in'), value: z.array(z.enum(TIERS)).min(1).max(4) });
/** The customer's risk level (PUT /customers/{id}/risk); unassessed customers count as low. */
const riskCriterion = z.strictObject({ field: z.literal('customerRisk'), op: z.literal('in'), value: z.array(z.enum(['low', 'medium', 'high'])).min(1).max(3) });
export const criterion = z.discriminatedUnion('field', [amountCriterion, discountCriterion, termsCriterion, tierCriterion, riskCriterion]);

export const approverRule = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('owner_manager') }),
  z.strictObject({ type: z.literal('region_director') }),
  z.strictObject({ type: z.literal('role'), role: z.enum(ROLES) }),
  z.strictObject({ type: z.literal('users'), userIds: z.array(entityId).min(1).max(10) }),
]);

export const policyStep = z.strictObject({
  id: slugId,
  name,
  when: z.array(criterion).min(1).max(10),
  approvers: approverRule,
  /** any: the first answer decides; all: every assignee must approve (one rejection rejects). */
  mode: z.enum(['any', 'all']).default('any'),
  slaSeconds: z.number().int().min(1).max(30 * 24 * 3600),
  maxEscalations: z.number().int().min(0).max(5).default(1),
});

export const approvalPolicy = z
  .strictObject({ steps: z.array(policyStep).max(10) })
  .refine((p) => new Set(p.steps.map((s) => s.id)).size === p.steps.length, { message: 'Step ids must be unique', path: ['steps'] });

export type Criterion = z.infer<typeof criterion>;
export type ApproverRule = z.infer<typeof approverRule>;
export type PolicyStep = z.infer<typeof policyStep>;
export type ApprovalPolicy = z.infer<typeof approvalPolicy>;

const DAY = 24 * 3600;

/** What ships: manager for ≥ 50,000.00 or > 10 % off (or anything that needs a director), director, vp, finance. */
export const DEFAULT_POLICY: ApprovalPolicy = {
  steps: [
    {
      id: 'manager',
      name: 'Sales manager',
      when: [
        { field: 'amount', op: 'gte', value: 5_000_000 },
        { field: 'discountPct', op: 'gt', value: 10 },
        { field: 'customerTier', op: 'in', value: ['A'] },
      ],
      approvers: { type: 'owner_manager' },
      mode: 'any',
      slaSeconds: 2 * DAY,
      maxEscalations: 1,
    },
    {
      id: 'director',
      name: 'Region director',
      when: [
        { field: 'amount', op: 'gte', value: 20_000_000 },
        { field: 'discountPct', op: 'gt', value: 20 },
        { field: 'customerTier', op: 'in', value: ['A'] },
      ],
      approvers: { type: 'region_director' },
      mode: 'any',
      slaSeconds: 3 * DAY,
      maxEscalations: 1,
    },
    {
      id: 'vp',
      name: 'VP Sales',
      when: [
        { field: 'amount', op: 'gte', value: 100_000_000 },
        { field: 'discountPct', op: 'gt', value: 30 },
      ],
      approvers: { type: 'role', role: 'vp' },
      mode: 'any',
      slaSeconds: 3 * DAY,
      maxEscalations: 1,
    },
    {
      id: 'finance',
      name: 'Finance (payment terms)',
      when: [{ field: 'paymentTermsDays', op: 'gt', value: 60 }],
      approvers: { type: 'role', role: 'finance' },
      mode: 'any',
      slaSeconds: 2 * DAY,
      maxEscalations: 1,
    },
  ],
};

/** The terms a policy looks at; an approval holds for exactly these. */
export interface DealFacts {
  amount: number;
  discountPct: number;
  paymentTermsDays: number;
  customerTier: (typeof TIERS)[number];
  customerRisk?: 'low' | 'medium' | 'high';
}

const holds = (c: Criterion, facts: DealFacts): boolean => {
  if (c.field === 'customerTier') return c.value.includes(facts.customerTier);
  if (c.field === 'customerRisk') return c.value.includes(facts.customerRisk ?? 'low');
  const actual = facts[c.field];
  return c.op === 'gte' ? actual >= c.value : actual > c.value;
};

export function describeCriterion(c: Criterion): string {
  if (c.field === 'customerTier') return `customer tier in ${c.value.join(', ')}`;
  if (c.field === 'customerRisk') return `customer risk ${c.value.join(' or ')}`;
  const op = c.op === 'gte' ? '≥' : '>';
  if (c.field === 'amount') return `amount ${op} ${(c.value / 100).toFixed(2)}`;
  if (c.field === 'discountPct') return `discount ${op} ${c.value}%`;
  return `payment terms ${op} ${c.value} days`;
}

/** The steps a deal needs, in policy order, each with the criteria that triggered it (shown to the requester). */
export function requiredSteps(policy: ApprovalPolicy, facts: DealFacts): (PolicyStep & { because: string[] })[] {
  return policy.steps
    .map((step) => ({ ...step, because: step.when.filter((c) => holds(c, facts)).map(describeCriterion) }))
    .filter((step) => step.because.length > 0);
}

/** True when the approved terms still cover the deal as it is (nothing moved against the company). */
export function termsCovered(approved: Omit<DealFacts, 'customerTier'>, current: Omit<DealFacts, 'customerTier'>): boolean {
  return current.amount <= approved.amount && current.discountPct <= approved.discountPct && current.paymentTermsDays <= approved.paymentTermsDays;
}
