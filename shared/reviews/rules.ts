import { createHash } from 'node:crypto';
import { COMPONENTS, type Component, type ReviewPolicy } from './policy.ts';
import type { Badge, Metrics, Scorecard } from './schemas.ts';

/** Review rules, pure: periods, the score and rating, improvement actions, badges and next-period suggestions. */

/** Months of a review period: YYYY-MM → itself, YYYY-Qn → its three. */
export function monthsOfPeriod(period: string): string[] {
  const year = period.slice(0, 4);
  if (!period.includes('Q')) return [period];
  const q = Number(period.slice(6));
  return [0, 1, 2].map((i) => `${year}-${String((q - 1) * 3 + i + 1).padStart(2, '0')}`);
}

export function nextPeriod(period: string): string {
  const year = Number(period.slice(0, 4));
  if (period.includes('Q')) {
    const q = Number(period.slice(6));
    return q === 4 ? `${year + 1}-Q1` : `${year}-Q${q + 1}`;
  }
  const month = Number(period.slice(5, 7));
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}

/** The period a scheduled run reviews: the month (or quarter) before the one it fires in. */
export function previousPeriod(at: string, cadence: 'monthly' | 'quarterly'): string {
  const year = Number(at.slice(0, 4));
  const month = Number(at.slice(5, 7));
  if (cadence === 'monthly') return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
  const q = Math.floor((month - 1) / 3) + 1;
  return q === 1 ? `${year - 1}-Q4` : `${year}-Q${q - 1}`;
}

/** First and last day of a period (YYYY-MM-DD). */
export function periodDays(period: string): { from: string; to: string } {
  const months = monthsOfPeriod(period);
  const last = months.at(-1)!;
  const end = new Date(Date.UTC(Number(last.slice(0, 4)), Number(last.slice(5, 7)), 0)).toISOString().slice(0, 10);
  return { from: `${months[0]}-01`, to: end };
}

/** The target lookup's period key: the month itself, or the quarter (Qn). */
export const lookupPeriod = (period: string) => (period.includes('Q') ? period.slice(5) : period);

/** The quarter (Qn) a month falls in. */
export const quarterOfMonth = (month: string) => `Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;

/**
 * The target for a review period: the period's own node, else a share of the quarter's (a third for a month), else
 * of the year's (months ÷ 12) — reps often have only a yearly or quarterly target.
 */
export function periodTarget(period: string, found: { period?: number; quarter?: number; year?: number }): { target: number | null; basis: 'period' | 'quarter_share' | 'year_share' | null } {
  if (found.period !== undefined) return { target: found.period, basis: 'period' };
  if (!period.includes('Q') && found.quarter !== undefined) return { target: Math.round(found.quarter / 3), basis: 'quarter_share' };
  if (found.year !== undefined) return { target: Math.round((found.year * monthsOfPeriod(period).length) / 12), basis: 'year_share' };
  return { target: null, basis: null };
}

/** Cycle ids are readable and derive from what the cycle covers, so a second start finds the first. */
export const cycleIdOf = (period: string, teamId?: string) => (teamId ? `${period}-${teamId}` : period);

/** Ids that derive from their parts (a retried step writes the same item). Crockford base32, 26 characters. */
export function derivedId(...parts: string[]): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bytes = createHash('sha256').update(parts.join('|')).digest();
  let out = '';
  for (let i = 0; i < 26; i += 1) out += alphabet[bytes[i]! % 32];
  return out;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Each component on 0–100, or null when there is nothing to measure. */
export function componentsOf(m: Metrics, policy: ReviewPolicy, months: number): Record<Component, number | null> {
  return {
    attainment: m.attainment === null ? null : round1(clamp(m.attainment * 100, 0, 100)),
    winRate: m.winRate === null ? null : round1(m.winRate * 100),
    activities: round1(clamp((m.activities / (policy.activitiesPerMonthTarget * months)) * 100, 0, 100)),
    followUpCompliance: m.followUpCompliance === null ? null : round1(m.followUpCompliance * 100),
    nps: m.nps === null ? null : round1((m.nps + 100) / 2),
    training: m.training.required === 0 ? null : round1(m.training.pct),
  };
}

/** The weighted score over the measurable components (their weights scaled up to 100), and its rating band. */
export function scoreOf(components: Record<Component, number | null>, policy: ReviewPolicy): { score: number; rating: number } {
  let weight = 0;
  let sum = 0;
  for (const c of COMPONENTS) {
    const value = components[c];
    if (value === null) continue;
    weight += policy.weights[c];
    sum += policy.weights[c] * value;
  }
  const score = weight > 0 ? round1(sum / weight) : 0;
  const f = policy.ratingFloors;
  const rating = score >= f.r5 ? 5 : score >= f.r4 ? 4 : score >= f.r3 ? 3 : score >= f.r2 ? 2 : 1;
  return { score, rating };
}

export const adjustedRating = (rating: number, adjustment: number) => clamp(rating + adjustment, 1, 5);

const ACTIONS: Record<Component, string> = {
  attainment: 'Weekly pipeline review with your manager; agree the deals that close the gap to target',
  winRate: 'Deal reviews before proposal: qualify harder and bring in a senior seller on the two largest opportunities',
  activities: 'Plan customer contact: at least the policy’s interactions per month, logged the same day',
  followUpCompliance: 'Clear overdue follow-ups first each morning; no follow-up more than two days late',
  nps: 'Call every detractor within a week and agree one fix with them',
  training: 'Complete the required courses for your role',
};

/** The plan's actions: the weakest measured components first (below 60), or the lowest one when none is. */
export function improvementActions(components: Record<Component, number | null>): string[] {
  const measured = COMPONENTS.filter((c) => components[c] !== null).sort((a, b) => components[a]! - components[b]!);
  const weak = measured.filter((c) => components[c]! < 60);
  return (weak.length > 0 ? weak : measured.slice(0, 1)).map((c) => ACTIONS[c]);
}

/** Growth on this period's larger of actual and target, by final rating. */
const GROWTH: Record<number, number> = { 5: 0.15, 4: 0.1, 3: 0.05, 2: 0, 1: -0.05 };

export function suggestedNextTarget(m: Pick<Metrics, 'actual' | 'target'>, finalRating: number): { amount: number; basis: string } {
  const base = Math.max(m.actual, m.target ?? 0);
  const growth = GROWTH[finalRating] ?? 0;
  return { amount: Math.max(0, Math.round(base * (1 + growth))), basis: `max(actual ${m.actual}, target ${m.target ?? 'none'}) × ${1 + growth} for rating ${finalRating}` };
}

/** Cycle badges: the highest attainment, the biggest score gain on the previous scorecard, the best NPS. */
export function cycleBadges(cards: Pick<Scorecard, 'userId' | 'score' | 'metrics' | 'teamId' | 'regionId'>[], previousScore: Map<string, number>): Badge[] {
  const byUser = (a: { userId: string }, b: { userId: string }) => (a.userId < b.userId ? -1 : 1);
  const best = <T extends { userId: string }>(items: T[], value: (t: T) => number | null) =>
    items
      .filter((t) => value(t) !== null)
      .sort(byUser)
      .reduce<T | undefined>((top, t) => (top === undefined || value(t)! > value(top)! ? t : top), undefined);
  const badges: Badge[] = [];
  const top = best(cards, (c) => (c.metrics.attainment !== null && c.metrics.attainment > 0 ? c.metrics.attainment : null));
  const at = (c: { teamId?: string; regionId?: string }) => ({ ...(c.teamId ? { teamId: c.teamId } : {}), ...(c.regionId ? { regionId: c.regionId } : {}) });
  if (top) badges.push({ userId: top.userId, ...at(top), badge: 'top_attainment', reason: `Highest attainment: ${Math.round(top.metrics.attainment! * 1000) / 10}%` });
  const improved = best(cards, (c) => (previousScore.has(c.userId) && c.score > previousScore.get(c.userId)! ? c.score - previousScore.get(c.userId)! : null));
  if (improved) badges.push({ userId: improved.userId, ...at(improved), badge: 'most_improved', reason: `Score up ${round1(improved.score - previousScore.get(improved.userId)!)} points on the previous review` });
  const nps = best(cards, (c) => (c.metrics.npsResponses > 0 ? c.metrics.nps : null));
  if (nps) badges.push({ userId: nps.userId, ...at(nps), badge: 'best_nps', reason: `Best NPS: ${nps.metrics.nps} from ${nps.metrics.npsResponses} responses` });
  return badges;
}
