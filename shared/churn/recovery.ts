import type { Customer } from '#shared/customers/schemas';
import type { Health } from './health.ts';

export const REASONS = ['product', 'service', 'price', 'competitor', 'relationship', 'unknown'] as const;
export type Reason = (typeof REASONS)[number];
export const OUTCOMES = ['recovered', 'lost', 'still_at_risk'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Evidence {
  reason: Reason;
  evidence: string;
}

const KEYWORDS: [Reason, RegExp][] = [
  ['price', /price|expensive|cost|budget|discount|价格|贵/i],
  ['competitor', /competitor|switch|alternative|竞争/i],
  ['service', /support|service|slow|response|ticket|服务/i],
  ['product', /product|feature|bug|quality|功能|质量/i],
];

const LOST_REASON_TO_REASON: Record<string, Reason> = { price: 'price', competitor: 'competitor', product_fit: 'product', no_budget: 'price', no_decision: 'relationship' };

/** Likely reasons, each with the evidence that suggested it: complaints, lost-deal reasons, survey comments, silence. */
export function likelyReasons(customer: Customer, health: Health, lostDealReasons: string[]): Evidence[] {
  const found: Evidence[] = [];
  const complaints = health.components.find((c) => c.component === 'complaints')?.value ?? 0;
  if (Number(complaints) > 0) found.push({ reason: 'service', evidence: `${complaints} complaint(s) in the last 90 days` });
  for (const lost of lostDealReasons) {
    const reason = LOST_REASON_TO_REASON[lost];
    if (reason) found.push({ reason, evidence: `a deal was lost for “${lost}”` });
  }
  const comment = customer.care?.lastNpsComment ?? '';
  for (const [reason, pattern] of KEYWORDS) if (pattern.test(comment)) found.push({ reason, evidence: `survey comment: “${comment.slice(0, 120)}”` });
  if ((health.components.find((c) => c.component === 'silence')?.severity ?? 0) > 0) found.push({ reason: 'relationship', evidence: 'no contact past the follow-up cadence' });
  const unique = [...new Map(found.map((e) => [e.reason, e])).values()];
  return unique.length ? unique : [{ reason: 'unknown', evidence: 'purchase pattern changed without a recorded cause' }];
}

export interface PlanTask {
  id: string;
  type: string;
  title: string;
  reason: Reason;
}

const PLAYBOOK: Record<Reason, { type: string; title: string }> = {
  price: { type: 'offer', title: 'Prepare a retention offer (bundle or discount within approval limits)' },
  service: { type: 'service_review', title: 'Service review of recent tickets with support, agree fixes and dates' },
  product: { type: 'product_session', title: 'Product session: roadmap, workaround or training for the gap' },
  competitor: { type: 'competitive_review', title: 'Competitive review: value recap and counter-offer' },
  relationship: { type: 'relationship_call', title: 'Relationship reset call with the main contact' },
  unknown: { type: 'discovery_call', title: 'Discovery call to find out why ordering stopped' },
};

/** The win-back plan: one task per reason, plus an executive visit for tier-A customers. */
export function winBackPlan(reasons: Evidence[], tier: string): PlanTask[] {
  const tasks = reasons.map((r, i) => ({ id: `t${i + 1}`, ...PLAYBOOK[r.reason], reason: r.reason }));
  if (tier === 'A' && !tasks.some((t) => t.type === 'executive_visit')) {
    tasks.push({ id: `t${tasks.length + 1}`, type: 'executive_visit', title: 'Executive visit by sales leadership', reason: reasons[0]!.reason });
  }
  return tasks;
}
