import { z } from '@hono/zod-openapi';
import { entityId } from '#shared/core/schemas';
import { forbidden, notFound } from '#shared/core/errors';
import { canAssignOwners, canSee, type Principal } from '#shared/core/principal';

/**
 * Recognition, pure: the fixed badge list with its labels, the request and view shapes, and who may give,
 * set or read what about a person. A badge id is stored; labels are added on the way out, so renaming a label
 * never rewrites history.
 */
export const BADGES = {
  top_attainment: { en: 'Top attainment', 'zh-CN': '业绩达成之星' },
  most_improved: { en: 'Most improved', 'zh-CN': '进步最快奖' },
  best_nps: { en: 'Best NPS', 'zh-CN': '客户满意之星' },
  team_player: { en: 'Team player', 'zh-CN': '最佳团队协作' },
  customer_hero: { en: 'Customer hero', 'zh-CN': '客户英雄' },
  fast_closer: { en: 'Fast closer', 'zh-CN': '快速成交能手' },
  mentor: { en: 'Mentor', 'zh-CN': '最佳导师' },
} as const;
export type Badge = keyof typeof BADGES;
export const BADGE_IDS = Object.keys(BADGES) as [Badge, ...Badge[]];
export const isBadge = (badge: string): badge is Badge => Object.hasOwn(BADGES, badge);

const reason = z.string().trim().min(1).max(1000);
export const createRecognition = z.strictObject({ userId: entityId, badge: z.enum(BADGE_IDS), reason });
export type CreateRecognition = z.infer<typeof createRecognition>;

export interface Recognition {
  id: string;
  userId: string;
  badge: Badge;
  reason: string;
  awardedBy: string;
  awardedAt: string;
  /** manual: POST /recognitions; review_cycle: awarded when a performance review cycle closed. */
  source: 'manual' | 'review_cycle';
  cycleId?: string;
  period?: string;
}

export const recognitionView = z.object({
  id: z.string(),
  userId: z.string(),
  badge: z.enum(BADGE_IDS),
  label: z.object({ en: z.string(), 'zh-CN': z.string() }),
  reason: z.string(),
  awardedBy: z.string(),
  awardedAt: z.string(),
  source: z.enum(['manual', 'review_cycle']),
  cycleId: z.string().optional(),
  period: z.string().optional(),
});

export const withLabel = (r: Recognition) => ({ ...r, label: BADGES[r.badge] });

/** A person as recognition and incentives need them: where they sit in the organisation. */
export interface Person {
  id: string;
  name: string;
  teamId?: string | null;
  regionId?: string | null;
  active?: boolean;
}

export const personScope = (p: Person) => ({ ownerId: p.id, teamId: p.teamId, regionId: p.regionId });

/**
 * Giving a badge or setting an incentive: managers and above (not finance), for someone in their data scope
 * (a manager's team, a director's region, vp/admin anyone), never for themselves. Someone outside the scope is
 * answered like someone who does not exist (404), as GET /users/{id} does.
 */
export function assertCanManage(principal: Principal, person: Person | undefined, userId: string, action: 'recognise' | 'set incentives for'): Person {
  if (!canAssignOwners(principal)) throw forbidden(`Only managers, directors, vp and admins may ${action} people`);
  if (!person || !canSee(principal, personScope(person))) throw notFound(`User ${userId}`);
  if (person.id === principal.userId) throw forbidden(`You may not ${action} yourself`);
  if (person.active === false) throw forbidden(`User ${userId} is deactivated`);
  return person;
}

/** A person's badges and incentives: the person, their manager and director, and org-wide roles. */
export function assertCanRead(principal: Principal, person: Person | undefined, userId: string): Person {
  if (!person || (person.id !== principal.userId && !canSee(principal, personScope(person)))) throw notFound(`User ${userId}`);
  return person;
}
