import { hasRole, isOrgWide, type Principal, type ScopeFields } from '#shared/core/principal';
import type { Dimension, TargetNode } from './schemas.ts';

/** Target rules, pure: who sees and allocates a node, what the API shows, and which splits a node allows. */

export const scopeOf = (n: Pick<TargetNode, 'ownerId' | 'teamId' | 'regionId'>): ScopeFields => ({ ownerId: n.ownerId, teamId: n.teamId ?? null, regionId: n.regionId ?? null });

/** Visible to org-wide roles, the owner, the director of its region, the manager of its team. */
export function canSeeTarget(principal: Principal, n: Pick<TargetNode, 'ownerId' | 'teamId' | 'regionId'>): boolean {
  if (isOrgWide(principal)) return true;
  if (n.ownerId && n.ownerId === principal.userId) return true;
  if (hasRole(principal, 'director') && principal.regionId && n.regionId === principal.regionId) return true;
  if (hasRole(principal, 'manager') && principal.teamId && n.teamId === principal.teamId) return true;
  return false;
}

/** vp / admin anywhere, a director within their region's nodes, a manager within their team's nodes. */
export function canAllocate(principal: Principal, n: Pick<TargetNode, 'teamId' | 'regionId'>): boolean {
  if (hasRole(principal, 'vp', 'admin')) return true;
  if (hasRole(principal, 'director') && principal.regionId && n.regionId === principal.regionId) return true;
  if (hasRole(principal, 'manager') && principal.teamId && n.teamId === principal.teamId) return true;
  return false;
}

/** The API's view of a node: no storage path. */
export const view = ({ treePath, allocationMethods, appliedRevisionId, pendingBelow, versionCreatedAt, ...node }: TargetNode) => ({ ...node, targetVersion: node.targetVersion ?? 1 });
export const summary = (n: TargetNode) => ({ id: n.id, dimension: n.dimension, key: n.key, amount: n.amount, currency: n.currency, tiers: n.tiers });

/** What a child along a dimension may be keyed by, and where it then sits (owner, region, team…). */
export interface Candidate {
  key: string;
  place: Partial<Pick<TargetNode, 'ownerId' | 'regionId' | 'teamId' | 'repId' | 'productLineId' | 'quarter' | 'month'>>;
}

/** Why a node cannot be split along a dimension (it already sits within one of that dimension's members). */
export function dimensionProblem(node: TargetNode, dimension: Dimension): string | undefined {
  switch (dimension) {
    case 'region':
      return node.regionId ? 'This target is already within a region' : undefined;
    case 'team':
      return node.teamId ? 'This target is already within a team' : undefined;
    case 'rep':
      if (node.repId) return 'This target already belongs to a rep';
      return node.teamId ? undefined : 'Split by team first: reps are allocated within a team';
    case 'productLine':
      return node.productLineId ? 'This target is already for one product line' : undefined;
    case 'quarter':
      return node.quarter || node.month ? 'This target is already for a quarter or month' : undefined;
    case 'month':
      return node.month ? 'This target is already for a month' : undefined;
  }
}

/** Whoever may allocate a node may ask to revise it; so may its owner (a rep their own target). */
export const canRequestRevision = (principal: Principal, n: Pick<TargetNode, 'ownerId' | 'teamId' | 'regionId'>) =>
  canAllocate(principal, n) || (!!n.ownerId && n.ownerId === principal.userId);
