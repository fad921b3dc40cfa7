import { keys } from '#shared/core/keys';

/** The user every Pentad has from its first start: id `admin`, role admin. Local seed and CDK both write it. */
export const BOOTSTRAP_ADMIN = { id: 'admin', name: 'Pentad Admin', email: 'admin@pentad.example', roles: ['admin' as const] };

export function bootstrapAdminItem(now: string, email = BOOTSTRAP_ADMIN.email) {
  const admin = { ...BOOTSTRAP_ADMIN, email, active: true, version: 1, createdAt: now, updatedAt: now };
  return { ...keys.user(admin.id), ...keys.userIndexes(admin), type: 'user', ...admin };
}

/** The admin's role membership (ROLE#admin), which approver resolution reads ("when the vp asks, the admins do"). */
export function bootstrapAdminRoleItem() {
  return { ...keys.roleMember('admin', BOOTSTRAP_ADMIN.id), type: 'role_member', role: 'admin', userId: BOOTSTRAP_ADMIN.id, name: BOOTSTRAP_ADMIN.name, active: true };
}
