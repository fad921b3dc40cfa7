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
