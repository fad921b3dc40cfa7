import type { Customer, RiskLevel } from '#shared/customers/schemas';

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };
const LEVELS: RiskLevel[] = ['low', 'medium', 'high'];

export interface Assessment {
  industryRisk: RiskLevel;
  financialRisk: RiskLevel;
  supplyChainRisk: RiskLevel;
}

/**
 * The customer's risk level: the worst assessed risk, raised one level by two or more derived signals
 * (weak credit, overdue follow-up, open complaints); credit E is high on its own.
 */
export function riskLevel(assessed: Assessment, customer: Pick<Customer, 'creditRating' | 'care'>, today: Date): { level: RiskLevel; signals: string[] } {
  const signals: string[] = [];
  if (customer.creditRating === 'D' || customer.creditRating === 'E') signals.push(`credit rating ${customer.creditRating}`);
  if (customer.care?.nextFollowUpAt && Date.parse(customer.care.nextFollowUpAt) < today.getTime()) signals.push('follow-up overdue');
  if ((customer.care?.openTickets ?? 0) > 0 && (customer.care?.complaintDates ?? []).length > 0) signals.push('open complaints');
  let rank = Math.max(RANK[assessed.industryRisk], RANK[assessed.financialRisk], RANK[assessed.supplyChainRisk]);
  if (signals.length >= 2) rank = Math.min(2, rank + 1);
  if (customer.creditRating === 'E') rank = 2;
  return { level: LEVELS[rank]!, signals };
}
