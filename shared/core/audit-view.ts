import { keys, targetKeys, type Key } from './keys.ts';
import { listAudit, listAuditByActor, type AuditEntry, type TimeRange } from './audit.ts';
import { invalid, notFound } from './errors.ts';
import { canSee, canSeeTeam, isOrgWide } from './principal.ts';
import type { Db } from './db.ts';
import type { Session } from './session.ts';

export const AUDITED_ENTITIES = ['customer', 'user', 'team', 'region', 'product_line', 'deal', 'pipeline', 'target'] as const;
export type AuditedEntity = (typeof AUDITED_ENTITIES)[number];

const entityKey: Record<AuditedEntity, (id: string) => Key> = {
  customer: keys.customer,
  user: keys.user,
  team: keys.team,
  region: keys.region,
  product_line: keys.productLine,
  deal: keys.deal,
  pipeline: () => keys.pipeline(),
  // A target's pointer holds its owner, team and region: its trail (allocations, revisions) is as visible as the target.
  target: targetKeys.pointer,
};

/**
 * An entity's audit trail, for those who may see the entity as it is now (read together with the
 * principal), so a record's history is exactly as visible as the record.
 */
export async function auditTrail(db: Db, session: Session, entityType: AuditedEntity, entityId: string, limit: number, cursor?: string, range: TimeRange = {}) {
  const { principal, items } = await session.load([entityKey[entityType](entityId)]);
  const entity = items[0] as { id: string; ownerId?: string; teamId?: string; regionId?: string } | undefined;
  if (!entity) throw notFound(`${entityType} ${entityId}`);
  const visible =
    entityType === 'team'
      ? canSeeTeam(principal, { id: entity.id, regionId: String(entity.regionId) })
      : entityType === 'user'
        ? canSee(principal, { ownerId: entity.id, teamId: entity.teamId, regionId: entity.regionId })
        : entityType === 'target' && !entity.ownerId && !entity.teamId && !entity.regionId
          ? isOrgWide(principal) // the company target: not reference data
          : canSee(principal, entity);
  if (!visible) throw notFound(`${entityType} ${entityId}`);
  return listAudit(db, entityType, entityId, limit, cursor, range);
}

export interface AuditQuery {
  entityType?: AuditedEntity;
  entityId?: string;
  actorId?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/** A date alone means the whole day (UTC): from its first to its last millisecond. */
const startOf = (t: string) => (t.length === 10 ? `${t}T00:00:00.000Z` : new Date(t).toISOString());
const endOf = (t: string) => (t.length === 10 ? `${t}T23:59:59.999Z` : new Date(t).toISOString());

/**
 * GET /audit: one entity's trail (as visible as the entity), optionally only one actor's part of it, or everything
 * one actor did, each optionally within a time range. By actor, an entry is shown when its stored scope (where the
 * record sat when it was written) is visible to the caller, so a rep sees only entries about their own records;
 * hidden entries are dropped from the page (a page may be short; nextCursor still continues).
 */
export async function auditView(db: Db, session: Session, q: AuditQuery): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  if (q.entityType && !q.entityId) throw invalid('entityType needs entityId', { entityId: 'Required with entityType' });
  if (q.entityId && !q.entityType) throw invalid('entityId needs entityType', { entityType: 'Required with entityId' });
  if (!q.entityType && !q.actorId) throw invalid('Ask for an entity (entityType and entityId) or an actor (actorId)', { entityType: 'Give entityType and entityId, or actorId' });
  const range: TimeRange = { ...(q.from ? { from: startOf(q.from) } : {}), ...(q.to ? { to: endOf(q.to) } : {}) };
  if (range.from && range.to && range.from > range.to) throw invalid('from comes after to', { from: `On or before ${q.to}` });
  if (q.entityType) return auditTrail(db, session, q.entityType, q.entityId!, q.limit, q.cursor, { ...range, ...(q.actorId ? { actorId: q.actorId } : {}) });
  const [{ principal }, page] = await Promise.all([session.load(), listAuditByActor(db, q.actorId!, q.limit, q.cursor, range)]);
  // An entry with no place (company targets, policies, org records) is not reference data here: org-wide roles and
  // the actor themselves see it; a placed entry is seen by whoever may see where its record sat.
  const placed = (s: AuditEntry['scope']) => !!s && !!(s.ownerId || s.teamId || s.regionId);
  const visible = (entry: AuditEntry) => isOrgWide(principal) || entry.actorId === principal.userId || (placed(entry.scope) && canSee(principal, entry.scope!));
  return { items: page.items.filter(visible), nextCursor: page.nextCursor };
}
