import { conflict, forbidden, invalid, notFound } from '#shared/core/errors';
import { canWriteSalesRecords, hasRole, isOrgWide, type Principal } from '#shared/core/principal';
import type { CarePolicy } from './policy.ts';
import type { CareSignals, Intent, IntentLevel, InteractionType, NpsCategory, Severity, TicketStatus } from './schemas.ts';

/** The care routine's rules, pure: intent decay, contact cadence, ticket SLAs and moves, complaints, NPS. */

export const DAY_MS = 86_400_000;
/** "Due" follow-ups: due from now up to this many days ahead. */
export const DUE_WINDOW_DAYS = 7;
/** Complaints count as churn signals for this many days. */
export const COMPLAINT_WINDOW_DAYS = 90;
/** A client clock may run a little ahead; beyond this an interaction is in the future. */
export const CLOCK_SKEW_MS = 60_000;

export const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY_MS).toISOString();
export const addHours = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3_600_000).toISOString();
const round = (n: number, places = 3) => Math.round(n * 10 ** places) / 10 ** places;

export function assertCanWriteCare(principal: Principal): void {
  if (!canWriteSalesRecords(principal)) throw forbidden('Your role reads customers but does not change them');
}

// ── Intent ──────────────────────────────────────────────────────────────────────────────────────────

/** How much an event `ageMs` old still counts: 1 when fresh, ½ after one half-life, ¼ after two… */
export const decayFactor = (ageMs: number, halfLifeDays: number) => 0.5 ** (Math.max(0, ageMs) / (halfLifeDays * DAY_MS));

export function intentLevel(score: number, policy: CarePolicy['intent']): IntentLevel {
  if (score >= policy.hotAt) return 'hot';
  if (score >= policy.warmAt) return 'warm';
  return 'cold';
}

/** The definition: Σ weight × 0.5^(age / half-life) over the interactions (what the incremental form equals). */
export function intentScore(events: { type: InteractionType; at: string }[], policy: CarePolicy['intent'], now: string): number {
  return round(events.reduce((sum, e) => sum + policy.weights[e.type] * decayFactor(Date.parse(now) - Date.parse(e.at), policy.halfLifeDays), 0));
}

export const coldIntent = (at: string): Intent => ({ score: 0, level: 'cold', computedAt: at });

/**
 * The stored score decayed to `now`. Decay is exponential, so the sum of every past contribution decays as one
 * number: no interaction needs reading again. A changed half-life applies from the moment the score is next
 * computed; earlier decay stays as it was.
 */
export function decayIntent(current: Intent, policy: CarePolicy['intent'], now: string): Intent {
  const elapsed = Date.parse(now) - Date.parse(current.computedAt);
  if (elapsed <= 0) return current;
  const score = round(current.score * decayFactor(elapsed, policy.halfLifeDays));
  return { ...current, score, level: intentLevel(score, policy), computedAt: now };
}

/** Adds one interaction (possibly back-dated) to the decayed score. */
export function addInteraction(current: Intent | undefined, interaction: { type: InteractionType; at: string }, policy: CarePolicy['intent'], now: string): Intent {
  const base = decayIntent(current ?? coldIntent(now), policy, now);
  const score = round(base.score + policy.weights[interaction.type] * decayFactor(Date.parse(now) - Date.parse(interaction.at), policy.halfLifeDays));
  const last = base.lastInteractionAt && base.lastInteractionAt > interaction.at ? base.lastInteractionAt : interaction.at;
  return { score, level: intentLevel(score, policy), computedAt: now, lastInteractionAt: last };
}

export function assertNotFuture(at: string, now: string): void {
  if (Date.parse(at) > Date.parse(now) + CLOCK_SKEW_MS) throw invalid('An interaction cannot be in the future', { at: `Must not be after ${now}` });
}

// ── Follow-up cadence ──────────────────────────────────────────────────────────────────────────────────

/** Next contact due: the last visit or call (or, never contacted, the customer's creation) plus the tier's cadence. */
export function nextFollowUpAt(customer: { tier: keyof CarePolicy['cadenceDays']; createdAt: string; care?: Pick<CareSignals, 'lastContactAt'> }, policy: CarePolicy): string {
  return addDays(customer.care?.lastContactAt ?? customer.createdAt, policy.cadenceDays[customer.tier]);
}

/** A later contact moves the cadence; a back-dated one older than the last contact does not. */
export const laterContact = (current: string | undefined, at: string) => (current && current > at ? current : at);

export function followUpStatus(dueAt: string, now: string): 'overdue' | 'due' | 'later' {
  if (dueAt < now) return 'overdue';
  return dueAt <= addDays(now, DUE_WINDOW_DAYS) ? 'due' : 'later';
}

/** The sort-key range of a follow-up list: overdue = before now, due = from now to now + 7 days. */
export function followUpRange(status: 'due' | 'overdue', now: string): { from: string; to: string } {
  return status === 'overdue' ? { from: '0', to: now } : { from: now, to: `${addDays(now, DUE_WINDOW_DAYS)}~` };
}

// ── Tickets ─────────────────────────────────────────────────────────────────────────────────────────

export function ticketSla(severity: Severity, createdAt: string, policy: CarePolicy): { slaHours: number; dueAt: string } {
  const slaHours = policy.ticketSlaHours[severity];
  return { slaHours, dueAt: addHours(createdAt, slaHours) };
}

/** Breached: resolved after the due time, or still open past it. */
export const isBreached = (ticket: { dueAt: string; resolvedAt?: string }, now: string) => (ticket.resolvedAt ?? now) > ticket.dueAt;

const MOVES: Record<TicketStatus, TicketStatus[]> = { open: ['in_progress', 'resolved'], in_progress: ['resolved'], resolved: [] };

export function assertTicketMove(from: TicketStatus, to: TicketStatus): void {
  if (!MOVES[from].includes(to)) {
    throw conflict('invalid_transition', `A ${from} ticket cannot move to ${to}`, { status: from === 'resolved' ? 'The ticket is resolved' : `From ${from}: ${MOVES[from].join(' or ')}` });
  }
}

// ── Care signals ────────────────────────────────────────────────────────────────────────────────────

export const emptyCare = (): CareSignals => ({ openTickets: 0, complaintDates: [] });

/** Complaint dates of the last 90 days, with today's added (one entry per complaint, so the length is the count). */
export function withComplaint(dates: string[], today: string): string[] {
  const since = addDays(`${today}T00:00:00.000Z`, -COMPLAINT_WINDOW_DAYS).slice(0, 10);
  return [...dates.filter((d) => d >= since), today].sort();
}

// ── NPS ─────────────────────────────────────────────────────────────────────────────────────────────

/** The standard NPS buckets: 9–10 promoters, 7–8 passives, 0–6 detractors. */
export const npsCategory = (score: number): NpsCategory => (score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor');

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
  csatResponses: number;
  csatTotal: number;
}

/** NPS = % promoters − % detractors (−100…100, one decimal); null without responses. CSAT: mean score (1–5). */
export function npsSummary(counts: NpsCounts) {
  const responses = counts.promoters + counts.passives + counts.detractors;
  return {
    promoters: counts.promoters,
    passives: counts.passives,
    detractors: counts.detractors,
    responses,
    nps: responses === 0 ? null : round((100 * (counts.promoters - counts.detractors)) / responses, 1),
    csat: { responses: counts.csatResponses, average: counts.csatResponses === 0 ? null : round(counts.csatTotal / counts.csatResponses, 2) },
  };
}

export type NpsScope = { kind: 'customer' | 'owner' | 'team' | 'region' | 'all'; id?: string };

/** The counter partition of a scope (careKeys.npsCounter). */
export const npsScopeKey = (scope: NpsScope) => (scope.kind === 'all' ? 'ALL' : `${scope.kind.toUpperCase()}#${scope.id}`);

/**
 * Whose NPS the caller may read, like the funnel report: a customer they can see; a team for its manager, its
 * region's director and org-wide roles; a region for its director and org-wide roles. By default: everyone for
 * org-wide roles, the region for a director, the team for a manager, a rep's own customers. Out of scope is a 403.
 */
export function npsScope(
  principal: Principal,
  asked: { teamId?: string; regionId?: string; customerId?: string },
  found: { team?: { id: string; regionId: string }; region?: { id: string }; customerVisible?: boolean },
): NpsScope {
  const given = [asked.teamId, asked.regionId, asked.customerId].filter(Boolean).length;
  if (given > 1) throw invalid('Ask for one of teamId, regionId or customerId', { teamId: 'One scope at a time' });
  const director = hasRole(principal, 'director') && principal.regionId;
  if (asked.customerId) {
    if (!found.customerVisible) throw notFound(`Customer ${asked.customerId}`);
    return { kind: 'customer', id: asked.customerId };
  }
  if (asked.teamId) {
    if (!found.team) throw notFound(`Team ${asked.teamId}`);
    const manager = hasRole(principal, 'manager') && principal.teamId === asked.teamId;
    if (isOrgWide(principal) || manager || (director && principal.regionId === found.team.regionId)) return { kind: 'team', id: asked.teamId };
    throw forbidden('You may read the NPS of your own team only');
  }
  if (asked.regionId) {
    if (!found.region) throw notFound(`Region ${asked.regionId}`);
    if (isOrgWide(principal) || (director && principal.regionId === asked.regionId)) return { kind: 'region', id: asked.regionId };
    throw forbidden('Region reports are for that region’s director and org-wide roles');
  }
  if (isOrgWide(principal)) return { kind: 'all' };
  if (director) return { kind: 'region', id: principal.regionId };
  if (hasRole(principal, 'manager') && principal.teamId) return { kind: 'team', id: principal.teamId };
  return { kind: 'owner', id: principal.userId };
}
