import { conflict, forbidden, invalid } from '#shared/core/errors';
import { hasRole, type Principal } from '#shared/core/principal';
import type { ChangeStatus, CollabRequest, CollabStatus, Feedback } from './collab-schemas.ts';

/** Cross-department request rules, pure: who asks, who is assigned, which moves are allowed, when the SLA is breached. */

export interface TeamRef {
  id: string;
  department?: string;
  managerId?: string;
}

/** Teams created before departments existed are sales teams. */
const departmentOf = (team: TeamRef) => team.department ?? 'sales';

/** Sales people ask: rep, manager, director or vp, and — when they belong to a team — a sales team. */
export function assertSalesRequester(principal: Principal, ownTeam: TeamRef | undefined): void {
  const salesRole = hasRole(principal, 'rep', 'manager', 'director', 'vp');
  if (!salesRole || (ownTeam && departmentOf(ownTeam) !== 'sales')) throw forbidden('Cross-department requests are raised by sales users');
}

export function assertDueInFuture(dueAt: string, now: string): void {
  if (dueAt <= now) throw invalid('The due time must be in the future', { dueAt: `Must be after ${now}` });
}

/** The department's team (the first by id when there are several) and its manager, who is assigned. */
export function routeTo(teams: TeamRef[], department: string): { teamId: string; assigneeId: string } {
  const team = teams.filter((t) => departmentOf(t) === department).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
  if (!team) throw conflict('no_department_team', `No team belongs to the ${department} department; an admin must create one first`, { toDepartment: `No ${department} team` });
  if (!team.managerId) throw conflict('no_department_manager', `The ${department} team ${team.id} has no manager to assign the request to`, { toDepartment: `Team ${team.id} has no manager` });
  return { teamId: team.id, assigneeId: team.managerId };
}

/** Breached: past due and still open or accepted, or resolved after the due time. A rejection is never a breach. */
export function isBreached(request: Pick<CollabRequest, 'status' | 'dueAt' | 'closedAt'>, now: string): boolean {
  if (request.status === 'rejected') return false;
  if (request.status === 'resolved') return request.closedAt! > request.dueAt;
  return now > request.dueAt;
}

export const collabView = (request: CollabRequest, now: string) => ({ ...request, breached: request.breached ?? isBreached(request, now) });

/** On the department's side: the assignee and the members of the team it was routed to. */
export const isHandler = (principal: Principal, request: Pick<CollabRequest, 'assigneeId' | 'departmentTeamId'>) =>
  principal.userId === request.assigneeId || (Boolean(principal.teamId) && principal.teamId === request.departmentTeamId);

/** The requester, the department's side, vp and admin. */
export const canView = (principal: Principal, request: Pick<CollabRequest, 'requesterId' | 'assigneeId' | 'departmentTeamId'>) =>
  principal.userId === request.requesterId || isHandler(principal, request) || hasRole(principal, 'vp', 'admin');

const MOVES: Record<CollabStatus, CollabStatus[]> = { open: ['accepted', 'rejected'], accepted: ['resolved', 'rejected'], resolved: [], rejected: [] };

/** The request after a status change by the department's side; closing stores the resolution time and the breach. */
export function changeStatus(request: CollabRequest, change: ChangeStatus, principal: Principal, now: string): CollabRequest {
  if (!isHandler(principal, request)) throw forbidden(`Only the assignee or the ${request.toDepartment} team changes this request`);
  if (!MOVES[request.status].includes(change.status)) {
    const allowed = MOVES[request.status];
    throw conflict('invalid_transition', `A ${request.status} request cannot become ${change.status}`, {
      status: allowed.length ? `From ${request.status}: ${allowed.join(' or ')}` : `The request is ${request.status}`,
    });
  }
  if (change.status !== 'accepted' && !change.note) throw invalid(`Say why the request is ${change.status}`, { note: `Required when the request is ${change.status}` });
  const closes = change.status !== 'accepted';
  const next: CollabRequest = {
    ...request,
    status: change.status,
    history: [...request.history, { status: change.status, at: now, by: principal.userId, ...(change.note ? { note: change.note } : {}) }],
    ...(change.status === 'accepted' ? { acceptedAt: now } : {}),
    ...(closes ? { closedAt: now } : {}),
    ...(change.status === 'resolved' ? { resolutionSeconds: secondsBetween(request.createdAt, now) } : {}),
    updatedAt: now,
    version: request.version + 1,
  };
  return closes ? { ...next, breached: isBreached(next, now) } : next;
}

export const secondsBetween = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** The requester rates a closed request once. */
export function giveFeedback(request: CollabRequest, input: Feedback, principal: Principal, now: string): CollabRequest {
  if (principal.userId !== request.requesterId) throw forbidden('Only the requester rates a request');
  if (request.status !== 'resolved' && request.status !== 'rejected') {
    throw conflict('not_closed', `A ${request.status} request cannot be rated yet; rate it once it is resolved or rejected`, { status: request.status });
  }
  if (request.feedback) throw conflict('already_rated', `This request was already rated ${request.feedback.rating}`);
  return { ...request, feedback: { rating: input.rating, ...(input.comment ? { comment: input.comment } : {}), at: now }, updatedAt: now, version: request.version + 1 };
}

/** Who hears about a comment: the other side (requester ↔ assignee), never the author. */
export const commentRecipients = (request: Pick<CollabRequest, 'requesterId' | 'assigneeId'>, authorId: string) =>
  [request.requesterId, request.assigneeId].filter((id, i, all) => id !== authorId && all.indexOf(id) === i);
