import type { Db } from '#shared/core/db';
import { keys } from '#shared/core/keys';
import type { User } from './schemas.ts';

/**
 * Role membership items (ROLE#<role> / USER#<id>), written in the same transaction as the user, so approver
 * resolution ("the director of region east", "every vp") reads one small partition instead of all users.
 */
export function roleMemberWrites(db: Db, before: User | undefined, after: User) {
  const removed = (before?.roles ?? []).filter((role) => !after.roles.includes(role));
  return [
    ...removed.map((role) => ({ Delete: { TableName: db.tableName, Key: keys.roleMember(role, after.id) } })),
    ...after.roles.map((role) => ({
      Put: {
        TableName: db.tableName,
        Item: {
          ...keys.roleMember(role, after.id),
          type: 'role_member',
          role,
          userId: after.id,
          name: after.name,
          active: after.active,
          ...(after.teamId ? { teamId: after.teamId } : {}),
          ...(after.regionId ? { regionId: after.regionId } : {}),
        },
      },
    })),
  ];
}
