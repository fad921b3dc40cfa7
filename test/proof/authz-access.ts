import type { Ownership, RoleName } from './authz-fixtures.ts';

/**
 * Access classes: who may do an operation, as a function of the caller's role and where the record sits relative
 * to the subject rep (rep-east-enterprise-1, in east-enterprise, region east). Each answers allow or deny; the
 * matrix expects a 2xx for allow and a 403/404 for deny.
 */
export type Access = { name: string; allows: (role: RoleName, o: Ownership | null) => boolean };

const ORG_WIDE: RoleName[] = ['vp', 'finance', 'admin'];

/** Does the caller's data scope cover a record of the owner (rep: own; manager: team; director: region; org-wide: all)? */
export function inScope(role: RoleName, o: Ownership | null): boolean {
  if (o === null) return true;
  if (ORG_WIDE.includes(role)) return true;
  if (role === 'director') return o !== 'otherRegion';
  if (role === 'manager') return o === 'own' || o === 'sameTeam';
  return o === 'own';
}

const cls = (name: string, allows: Access['allows']): Access => ({ name, allows });

export const access = {
  /** No token needed. */
  public: cls('public', () => true),
  /** Organisation reference data and one's own feeds: anyone signed in. */
  signedIn: cls('signed-in', () => true),
  /** A record in the caller's data scope is visible, else 404. */
  scopedRead: cls('scoped read', inScope),
  /** Sales records: written within scope by everyone but finance (finance reads all, writes none). */
  scopedWrite: cls('scoped write', (role, o) => role !== 'finance' && inScope(role, o)),
  adminOnly: cls('admin only', (role) => role === 'admin'),
  /** Only these roles, whatever the record. */
  roles: (...roles: RoleName[]) => cls(`roles ${roles.join('/')}`, (role) => roles.includes(role)),
  /** These roles, and only for records in their scope. */
  scopedRoles: (...roles: RoleName[]) => cls(`scoped ${roles.join('/')}`, (role, o) => roles.includes(role) && inScope(role, o)),
  /** The person the record belongs to (the subject rep for own), nobody else. */
  self: cls('self only', (role, o) => role === 'rep' && o === 'own'),
  /** The person themselves or an admin. */
  selfOrAdmin: cls('self or admin', (role, o) => (role === 'rep' && o === 'own') || role === 'admin'),
  /** The team's members see their team; above them, by scope. */
  teamRead: cls('team read', (role, o) => (role === 'rep' ? o === 'own' || o === 'sameTeam' : inScope(role, o))),
  /** The team's manager, its director and the org-wide roles (members other than the manager do not). */
  teamLeads: cls('team leads', (role, o) => role !== 'rep' && inScope(role, o)),
  /** The pending step's assignee: the team's manager for the first step. */
  firstApprover: cls('first-step assignee', (role, o) => role === 'manager' && (o === 'own' || o === 'sameTeam')),
  /** The learner or their manager. */
  selfOrManager: cls('self or manager', (role, o) => (role === 'rep' && o === 'own') || (role === 'manager' && (o === 'own' || o === 'sameTeam'))),
  /** The person, and people above them in scope (not finance). */
  selfOrAbove: cls('self or above', (role, o) => role !== 'finance' && inScope(role, o)),
  /** Cross-department requests: the requester and vp/admin (and the department's people, none of whom is a caller). */
  requesterOrOrg: cls('requester or vp/admin', (role, o) => (role === 'rep' && o === 'own') || role === 'vp' || role === 'admin'),
  /** Everyone but reps (team reports and the job list are for the people who run the teams, and finance). */
  notRep: cls('not reps', (role) => role !== 'rep'),
  /** An import job: the manager who started it and the org-wide roles. */
  creatorOrOrg: cls('creator or org-wide', (role, o) => (role === 'manager' && (o === 'own' || o === 'sameTeam')) || ORG_WIDE.includes(role)),
  nobody: cls('none of the callers', () => false),
} as const;
