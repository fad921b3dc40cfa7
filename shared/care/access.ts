import { conflict, forbidden, invalid, notFound } from '#shared/core/errors';
import { canSee, hasRole, isOrgWide, type Principal } from '#shared/core/principal';
import { fromItem, type Item } from '#shared/core/query';
import { customerScope } from '#shared/customers/rules';
import type { Customer } from '#shared/customers/schemas';
import type { ScopeQuery } from './schemas.ts';

/** Who may see which customer's care, and which index partition a "me | team" list reads. */

/** The customer if the caller may see it; someone else's customer is a 404, like everywhere else. */
export function visibleCustomer(principal: Principal, item: Item | undefined, id: string): Customer {
  const customer = item && fromItem<Customer>(item);
  if (!customer || !canSee(principal, customerScope(customer))) throw notFound(`Customer ${id}`);
  return customer;
}

export function assertActive(customer: Customer): void {
  if (customer.status !== 'active') throw conflict('archived', 'An archived customer gets no new interactions, tickets or surveys');
}

/** The team a `scope=team` list names, when it must be read to check it (someone else's team). */
export const teamToCheck = (principal: Principal, query: ScopeQuery) =>
  query.scope === 'team' && query.teamId && query.teamId !== principal.teamId ? query.teamId : undefined;

/**
 * `me`: the caller's own customers. `team`: the caller's team for a manager; another team for a director of its
 * region or an org-wide role (they name it with teamId). A rep reads only their own: their teammates' customers
 * are not theirs to see.
 */
export function listScope(principal: Principal, query: ScopeQuery, team?: { id: string; regionId: string }): { kind: 'OWNER' | 'TEAM'; id: string } {
  if (query.scope === 'me') {
    if (query.teamId) throw invalid('teamId goes with scope=team', { teamId: 'Only with scope=team' });
    return { kind: 'OWNER', id: principal.userId };
  }
  const teamId = query.teamId ?? principal.teamId;
  if (!teamId) throw invalid('You belong to no team; name one with teamId', { teamId: 'Required for scope=team' });
  if (teamId === principal.teamId && (hasRole(principal, 'manager', 'director') || isOrgWide(principal))) return { kind: 'TEAM', id: teamId };
  if (teamId === principal.teamId) throw forbidden('A team’s list is for its manager; yours is scope=me');
  if (!team) throw notFound(`Team ${teamId}`);
  if (isOrgWide(principal) || (hasRole(principal, 'director') && principal.regionId === team.regionId)) return { kind: 'TEAM', id: teamId };
  throw forbidden('That team is outside your scope');
}
