import { z } from 'zod';
import { entityId, isoMonth } from '#shared/core/schemas';
import { OUTCOMES } from './recovery.ts';

const level = z.enum(['low', 'medium', 'high']);
export const riskAssessment = z.strictObject({ industryRisk: level, financialRisk: level, supplyChainRisk: level, notes: z.string().trim().max(2000).optional() });
export const alertAction = z.strictObject({
  type: z.enum(['call', 'visit', 'offer', 'service_review', 'executive_visit', 'email', 'other']),
  note: z.string().trim().min(1).max(2000),
});
export const alertOutcome = z
  .strictObject({ outcome: z.enum(OUTCOMES), reason: z.string().trim().max(500).optional() })
  .refine((o) => o.outcome !== 'lost' || Boolean(o.reason), { message: 'Say why the customer was lost', path: ['reason'] });
export const alertsQuery = { status: z.enum(['open', 'closed']).default('open') };
export const churnReportQuery = z.strictObject({ from: isoMonth.optional(), to: isoMonth.optional(), teamId: entityId.optional(), regionId: entityId.optional() });
