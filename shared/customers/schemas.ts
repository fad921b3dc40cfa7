import { z } from 'zod';
import { email, entityId, isoDate, name, phone, shortText } from '#shared/core/schemas';

export const TIERS = ['A', 'B', 'C', 'D'] as const;
export const CREDIT_RATINGS = ['A', 'B', 'C', 'D', 'E'] as const;
export const CUSTOMER_STATUSES = ['active', 'archived', 'merged'] as const;

export const contact = z.strictObject({
  name,
  title: shortText.optional(),
  email: email.optional(),
  phone: phone.optional(),
  /** YYYY-MM-DD, or --MM-DD when the year is unknown (ISO 8601 without year). */
  birthday: z.union([isoDate, z.string().regex(/^--\d{2}-\d{2}$/, 'Use YYYY-MM-DD or --MM-DD')]).optional(),
});

const editable = {
  name,
  industry: shortText.max(100).optional(),
  taxId: z.string().trim().max(40).regex(/^[A-Za-z0-9-]*$/, 'Letters, digits and dashes only').optional(),
  contacts: z.array(contact).max(20).optional(),
  creditRating: z.enum(CREDIT_RATINGS).optional(),
  tags: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
  /** Admin only until grading computes it (the service enforces who). */
  tier: z.enum(TIERS).optional(),
  /** Managers and above hand customers to someone in their scope; a rep's customers are their own. */
  ownerId: entityId.optional(),
};

/** Unknown and server-owned fields (id, status, version, teamId, createdAt…) are rejected, not ignored. */
export const createCustomer = z.strictObject({ ...editable, regionId: entityId.optional() });
export const patchCustomer = z
  .strictObject({ ...editable, name: name.optional() })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'Send at least one field to change' });

export const listCustomersQuery = {
  ownerId: entityId.optional(),
  tier: z.enum(TIERS).optional(),
  status: z.enum(CUSTOMER_STATUSES).default('active'),
  /** Buying intent (shared/care): answered from the intent entries' index, each item a summary (id, name, tier, owner, intent). */
  intent: z.enum(['hot', 'warm', 'cold']).optional(),
};

export type CreateCustomer = z.infer<typeof createCustomer>;
export type PatchCustomer = z.infer<typeof patchCustomer>;
export type Contact = z.infer<typeof contact>;

export interface Customer {
  id: string;
  name: string;
  industry?: string;
  regionId: string;
  teamId?: string;
  ownerId: string;
  taxId?: string;
  contacts: Contact[];
  creditRating?: (typeof CREDIT_RATINGS)[number];
  tier: (typeof TIERS)[number];
  tags: string[];
  status: (typeof CUSTOMER_STATUSES)[number];
  /** Set when the customer was merged into another (its orders and deals moved there; shared/data-quality). */
  mergedInto?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  /*
   * Derived figures, each owned by one module. Every writer updates only its own attribute with an UpdateItem
   * that also does `version = version + 1` (so a PATCH holding an older ETag gets a 409, never a lost update).
   */
  /** Rolling purchase figures, maintained in the same transaction as every order (shared/customers/stats.ts). */
  stats?: CustomerStats;
  /** The value grade behind `tier` (shared/customers/grading.ts); a pinned tier wins over the score. */
  grade?: Grade;
  /** Buying intent from interactions, with time decay (shared/care). */
  intent?: { score: number; level: 'hot' | 'warm' | 'cold'; computedAt: string; lastInteractionAt?: string };
  /** The care routine's signals (shared/care): contact cadence, tickets, complaints, NPS. */
  care?: CareSignals;
  /** Risk assessment: the three assessed risks plus derived signals (shared/churn). */
  risk?: { industryRisk: RiskLevel; financialRisk: RiskLevel; supplyChainRisk: RiskLevel; notes?: string; level: RiskLevel; signals: string[]; assessedAt: string; assessedBy: string };
  /** Churn health (shared/churn): 0–100, its band, and the open alert if any (at most one). */
  health?: { score: number; band: 'green' | 'yellow' | 'red'; computedAt: string; openAlertId?: string };
}

export type RiskLevel = 'low' | 'medium' | 'high';

/**
 * Rolling purchase figures (shared/customers/stats.ts). Windows are calendar months (UTC): "12 months" is the
 * month of `windowMonth` and the 11 before it, so they can be recomputed from the monthly buckets alone.
 */
export interface CustomerStats {
  /** Spend of orders dated in the 12 months ending with `windowMonth` (minor units of `currency`). */
  spend12m: number;
  /** Spend of the 12 months before those (for "falling spend"). */
  spendPrior12m: number;
  /** Orders dated in the same 12 months (every currency). */
  orders12m: number;
  /** Every order ever booked, also those older than 24 months. */
  orderCount: number;
  firstOrderDate?: string;
  lastOrderDate?: string;
  /** Mean days between consecutive orders ((last − first) / (count − 1), 0.1 day); null with fewer than two orders. */
  avgIntervalDays: number | null;
  /** Orders per month over the 24 months ending with `windowMonth`, `YYYY-MM` → count (months with none absent). */
  monthlyOrders: Record<string, number>;
  /** Spend per month over the same 24 months, in `currency` (what the windows are recomputed from). */
  spendByMonth: Record<string, number>;
  /** The currency of the first order; spend in another currency is not added (no FX rates in Pentad). */
  currency: string;
  /** Orders in another currency: counted as orders, not as spend. */
  otherCurrencyOrders: number;
  /** YYYY-MM: the month the windows end in (rolled forward on every order and by the daily regrade). */
  windowMonth: string;
}

export type GradeComponentName = 'monetary' | 'frequency' | 'recency' | 'credit';

/** One component of the value score: what was measured, its points (0–100) and its integer share of the score. */
export interface GradeComponent {
  component: GradeComponentName;
  /** 12-month spend (minor units), orders in 12 months, days since the last order (null: none), credit rating. */
  value: number | string | null;
  points: number;
  weight: number;
  contribution: number;
}

/** The grade as computed (the explanation is stored, so it always adds up to the score shown). */
export interface Grade {
  score: number;
  computedTier: (typeof TIERS)[number];
  /** YYYY-MM-DD the components were measured on (recency counts days to it). */
  asOf: string;
  computedAt: string;
  policyVersion: number;
  components: GradeComponent[];
  thresholds: { A: number; B: number; C: number };
  pinned?: { tier: (typeof TIERS)[number]; reason: string; by: string; at: string };
}

export interface CareSignals {
  lastContactAt?: string;
  nextFollowUpAt?: string;
  openTickets: number;
  /** Dates (YYYY-MM-DD) of complaints filed in the last 90 days. */
  complaintDates: string[];
  lastNps?: number;
  lastNpsAt?: string;
  lastNpsComment?: string;
}

export const customerView = z.object({
  id: z.string(),
  name: z.string(),
  industry: z.string().optional(),
  regionId: z.string(),
  teamId: z.string().optional(),
  ownerId: z.string(),
  taxId: z.string().optional(),
  contacts: z.array(contact),
  creditRating: z.enum(CREDIT_RATINGS).optional(),
  tier: z.enum(TIERS),
  tags: z.array(z.string()),
  status: z.enum(CUSTOMER_STATUSES),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  stats: z.record(z.string(), z.unknown()).optional().describe('Rolling purchase figures (12-month spend, orders, last order, average interval)'),
  grade: z.record(z.string(), z.unknown()).optional().describe('The value score behind the tier; see GET /customers/{id}/grade'),
  intent: z.record(z.string(), z.unknown()).optional().describe('Buying intent: score and hot / warm / cold'),
  care: z.record(z.string(), z.unknown()).optional().describe('Care signals: next follow-up, open tickets, complaints, latest NPS'),
  risk: z.record(z.string(), z.unknown()).optional().describe('Assessed risks, derived signals and the resulting level'),
  health: z.record(z.string(), z.unknown()).optional().describe('Churn health band and the open alert, if any; see GET /customers/{id}/health'),
});
