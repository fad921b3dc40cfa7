import { keys, targetKeys, type Key } from './keys.ts';
import { listAudit } from './audit.ts';
import { notFound } from './errors.ts';
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
export async function auditTrail(db: Db, session: Session, entityType: AuditedEntity, entityId: string, limit: number, cursor?: string) {
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
  return listAudit(db, entityType, entityId, limit, cursor);
}
