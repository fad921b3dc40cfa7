import { z } from 'zod';
import { name, shortText } from '#shared/core/schemas';

export const PARTNER_TYPES = ['channel', 'reseller', 'supplier', 'alliance'] as const;
export const CRITERIA = ['marketOverlap', 'capability', 'reputation', 'financialHealth', 'strategicFit'] as const;
export const SCREENING_RESULTS = ['approved', 'watch', 'rejected'] as const;

export type Criterion = (typeof CRITERIA)[number];
export type ScreeningResult = (typeof SCREENING_RESULTS)[number];

/** Each criterion scored 0 (poor) … 10 (excellent) by whoever assessed the partner. */
const score = z.number().min(0).max(10);

/** The screening result is server-owned: it is computed from the criteria, never sent. */
export const createPartner = z.strictObject({
  name,
  type: z.enum(PARTNER_TYPES),
  criteria: z.strictObject(Object.fromEntries(CRITERIA.map((c) => [c, score])) as Record<Criterion, typeof score>),
  notes: shortText.max(2000).optional(),
});

export const listPartnersQuery = { result: z.enum(SCREENING_RESULTS).optional() };

export type CreatePartner = z.infer<typeof createPartner>;
export type Criteria = CreatePartner['criteria'];

export interface Screening {
  result: ScreeningResult;
  /** The rule that decided, e.g. `knock-out: reputation` or `weighted score 7.4 ≥ 7`. */
  rule: string;
  /** Weighted average of the criteria, 0–10 (two decimals). */
  score: number;
}

export interface Partner {
  id: string;
  name: string;
  type: (typeof PARTNER_TYPES)[number];
  criteria: Criteria;
  notes?: string;
  screening: Screening;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const partnerView = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(PARTNER_TYPES),
  criteria: z.record(z.string(), z.number()),
  notes: z.string().optional(),
  screening: z.object({ result: z.enum(SCREENING_RESULTS), rule: z.string(), score: z.number() }),
  createdBy: z.string(),
  createdAt: z.string(),
  version: z.number(),
});
