import { z } from 'zod';
import { entityId } from '#shared/core/schemas';
import type { CareSignals, Customer } from '#shared/customers/schemas';

/** The care routine: interactions and intent, follow-up cadence, service tickets, reminders, surveys. */
export const INTERACTION_TYPES = ['inquiry', 'visit', 'call', 'email', 'event', 'demo', 'quote_request'] as const;
/** A visit or a call is a contact: it restarts the follow-up cadence. */
export const CONTACT_TYPES: readonly InteractionType[] = ['visit', 'call'];
export const INTENT_LEVELS = ['hot', 'warm', 'cold'] as const;
export const TICKET_TYPES = ['service', 'complaint', 'question'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const TICKET_STATUSES = ['open', 'in_progress', 'resolved'] as const;

export type InteractionType = (typeof INTERACTION_TYPES)[number];
export type IntentLevel = (typeof INTENT_LEVELS)[number];
export type Severity = (typeof SEVERITIES)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type Intent = NonNullable<Customer['intent']>;
export type { CareSignals };

/** Any ISO-8601 instant with an offset; stored as UTC (`…Z`) so sort keys compare as times. */
export const instant = z.iso.datetime({ offset: true, message: 'Use an ISO-8601 date-time, e.g. 2026-03-01T09:30:00Z' }).transform((v) => new Date(v).toISOString());
const note = z.string().trim().min(1).max(2000);

export const createInteraction = z.strictObject({
  type: z.enum(INTERACTION_TYPES),
  /** When it happened: not in the future (the service checks against its clock). */
  at: instant,
  note: note.optional(),
  outcome: z.string().trim().min(1).max(500).optional(),
});

export const createTicket = z.strictObject({
  type: z.enum(TICKET_TYPES),
  severity: z.enum(SEVERITIES),
  subject: z.string().trim().min(1).max(200),
  detail: note.optional(),
});

/** Status moves forward only (open → in_progress → resolved); everything else on a ticket is server-owned. */
export const patchTicket = z.strictObject({
  status: z.enum(['in_progress', 'resolved']),
  resolution: note.optional(),
});

const comment = z.string().trim().min(1).max(2000).optional();
export const createSurvey = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('nps'), score: z.number().int().min(0).max(10), comment }),
  z.strictObject({ type: z.literal('csat'), score: z.number().int().min(1).max(5), comment }),
]);

const scopeParam = {
  /** me: my customers; team: my team's (managers, or anyone naming a team they may see with teamId). */
  scope: z.enum(['me', 'team']).default('me'),
  teamId: entityId.optional(),
};
export const followUpsQuery = { status: z.enum(['due', 'overdue']).default('due'), ...scopeParam };
export const remindersQuery = { days: z.coerce.number().int().min(1).max(60).default(7), ...scopeParam };
export const npsQuery = z.strictObject({ teamId: entityId.optional(), regionId: entityId.optional(), customerId: entityId.optional() });

export type CreateInteraction = z.infer<typeof createInteraction>;
export type CreateTicket = z.infer<typeof createTicket>;
export type PatchTicket = z.infer<typeof patchTicket>;
export type CreateSurvey = z.infer<typeof createSurvey>;
export type ScopeQuery = { scope: 'me' | 'team'; teamId?: string };

export interface Interaction {
  id: string;
  customerId: string;
  type: InteractionType;
  at: string;
  note?: string;
  outcome?: string;
  /** The weight the policy gave this type when it was logged (what it added to the intent score). */
  weight: number;
  createdBy: string;
  createdAt: string;
}

export interface TicketMove {
  status: TicketStatus;
  at: string;
  by: string;
}

export interface Ticket {
  id: string;
  customerId: string;
  type: (typeof TICKET_TYPES)[number];
  severity: Severity;
  subject: string;
  detail?: string;
  status: TicketStatus;
  slaHours: number;
  dueAt: string;
  /** Stored once resolved; while open it is computed on every read (now past dueAt). */
  breached?: boolean;
  resolvedAt?: string;
  resolution?: string;
  history: TicketMove[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Survey {
  id: string;
  customerId: string;
  type: 'nps' | 'csat';
  score: number;
  comment?: string;
  category?: NpsCategory;
  createdBy: string;
  createdAt: string;
}

export type NpsCategory = 'promoter' | 'passive' | 'detractor';

// ── Views (documentation in /openapi.json; services return these shapes) ─────────────────────────────

export const interactionView = z.object({
  id: z.string(),
  customerId: z.string(),
  type: z.enum(INTERACTION_TYPES),
  at: z.string(),
  note: z.string().optional(),
  outcome: z.string().optional(),
  weight: z.number(),
  createdBy: z.string(),
  createdAt: z.string(),
  intent: z.object({ score: z.number(), level: z.enum(INTENT_LEVELS), computedAt: z.string() }).optional(),
});

export const ticketView = z.object({
  id: z.string(),
  customerId: z.string(),
  type: z.enum(TICKET_TYPES),
  severity: z.enum(SEVERITIES),
  subject: z.string(),
  status: z.enum(TICKET_STATUSES),
  slaHours: z.number(),
  dueAt: z.string(),
  breached: z.boolean(),
  resolvedAt: z.string().optional(),
  version: z.number(),
});

export const followUpView = z.object({
  customerId: z.string(),
  name: z.string(),
  tier: z.string(),
  ownerId: z.string(),
  dueAt: z.string(),
  lastContactAt: z.string().nullable(),
  overdue: z.boolean(),
});

export const reminderView = z.object({
  kind: z.enum(['birthday', 'anniversary']),
  customerId: z.string(),
  customerName: z.string(),
  ownerId: z.string(),
  regionId: z.string(),
  contactName: z.string().optional(),
  date: z.string(),
  inDays: z.number(),
  years: z.number().optional(),
});

export const surveyView = z.object({ id: z.string(), customerId: z.string(), type: z.enum(['nps', 'csat']), score: z.number(), category: z.string().optional(), createdAt: z.string() });

export const npsView = z.object({
  scope: z.object({ kind: z.string(), id: z.string().optional() }),
  promoters: z.number(),
  passives: z.number(),
  detractors: z.number(),
  responses: z.number(),
  nps: z.number().nullable(),
  csat: z.object({ responses: z.number(), average: z.number().nullable() }),
});
