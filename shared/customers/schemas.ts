import { z } from 'zod';
import { email, entityId, isoDate, name, phone, shortText } from '#shared/core/schemas';

export const TIERS = ['A', 'B', 'C', 'D'] as const;
export const CREDIT_RATINGS = ['A', 'B', 'C', 'D', 'E'] as const;
export const CUSTOMER_STATUSES = ['active', 'archived'] as const;

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
  grade?: { score: number; computedAt: string; policyVersion: number; pinned?: { tier: (typeof TIERS)[number]; reason: string; by: string; at: string } };
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

export interface CustomerStats {
  /** Sum of order amounts dated in the last 365 days (minor units, currency of the orders). */
  spend12m: number;
  /** Spend of the 365 days before those (for "falling spend"). */
  spendPrior12m: number;
  orderCount: number;
  firstOrderDate?: string;
  lastOrderDate?: string;
  /** Mean days between consecutive orders; null with fewer than two orders. */
  avgIntervalDays: number | null;
  /** Orders per month over the last 24 months, `YYYY-MM` → count (baselines for purchase frequency). */
  monthlyOrders: Record<string, number>;
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
});
