/**
 * Who is calling and what they may see — decided here and nowhere else.
 * Data scope: a rep sees their own records, a manager their team's, a director their region's,
 * vp / finance / admin everything. A user with several roles gets the union.
 */
export const ROLES = ['rep', 'manager', 'director', 'vp', 'finance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a verified token says (Cognito access token or the local issuer's, same claims). */
export interface Identity {
  userId: string;
  groups: Role[];
}

/** The identity joined with the user's current record: roles still held, team and region. */
export interface Principal {
  userId: string;
  name: string;
  roles: Role[];
  teamId?: string;
  regionId?: string;
}

/** Where a record sits in the organisation; records with none of these are reference data anyone may read. */
export interface ScopeFields {
  ownerId?: string | null;
  teamId?: string | null;
  regionId?: string | null;
}

export type DataScope =
  | { kind: 'all' }
  | { kind: 'region'; regionId: string }
  | { kind: 'team'; teamId: string }
  | { kind: 'own'; userId: string };

export const hasRole = (principal: Principal, ...roles: Role[]) => principal.roles.some((role) => roles.includes(role));

export const isOrgWide = (principal: Principal) => hasRole(principal, 'vp', 'finance', 'admin');

/** The widest scope the principal holds; list endpoints query the index that serves exactly this scope. */
export function dataScope(principal: Principal): DataScope {
  if (isOrgWide(principal)) return { kind: 'all' };
  if (hasRole(principal, 'director') && principal.regionId) return { kind: 'region', regionId: principal.regionId };
  if (hasRole(principal, 'manager') && principal.teamId) return { kind: 'team', teamId: principal.teamId };
  return { kind: 'own', userId: principal.userId };
}

export function canSee(principal: Principal, record: ScopeFields): boolean {
  if (!record.ownerId && !record.teamId && !record.regionId) return true;
  if (isOrgWide(principal)) return true;
  if (record.ownerId && record.ownerId === principal.userId) return true;
  if (hasRole(principal, 'director') && principal.regionId && record.regionId === principal.regionId) return true;
  if (hasRole(principal, 'manager') && principal.teamId && record.teamId === principal.teamId) return true;
  return false;
}

/** Roles that change sales records (finance reads everything but writes none of it). */
export const canWriteSalesRecords = (principal: Principal) => hasRole(principal, 'rep', 'manager', 'director', 'vp', 'admin');

/** Who may hand a record to another owner: anyone above a rep, within their own scope. */
export const canAssignOwners = (principal: Principal) => hasRole(principal, 'manager', 'director', 'vp', 'admin');

/** A team is visible to org-wide roles, its region's director and its own members. */
export const canSeeTeam = (principal: Principal, team: { id: string; regionId: string }) =>
  principal.teamId === team.id || canSee(principal, { teamId: team.id, regionId: team.regionId });
