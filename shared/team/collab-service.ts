import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { entityAuditor } from '#shared/core/audit';
import { conflict, forbidden, invalid, notFound } from '#shared/core/errors';
import { percentile } from '#shared/core/histogram';
import { newId } from '#shared/core/ids';
import { withIdempotency } from '#shared/core/idempotency';
import { collabKeys, keys } from '#shared/core/keys';
import type { Page } from '#shared/core/pagination';
import { canSee, hasRole, type Principal } from '#shared/core/principal';
import { queryIndex } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { putIfAbsent, putIfVersion, transact, type TransactItem } from '#shared/core/write';
import { notify } from '#shared/notifications/service';
import { dealScope } from '#shared/process/rules';
import { assertDueInFuture, assertSalesRequester, canView, changeStatus, collabView, commentRecipients, giveFeedback, routeTo } from './collab-rules.ts';
import { TARGET_DEPARTMENTS, type ChangeStatus, type CollabRequest, type Comment, type CreateCollabRequest, type Feedback, type TargetDepartment } from './collab-schemas.ts';
import { allTeams, commentItem, commentsOf, countClosed, countCreated, countOverdue, countRating, readStats, requestItem, toRequest } from './collab-store.ts';

/** Recorded on the requester's side of the organisation, so the audit trail reads like their other records. */
const auditScope = (r: CollabRequest) => ({ ownerId: r.requesterId, teamId: r.requesterTeamId });

/** Cross-department requests: routed to the department's team manager, worked open → accepted → resolved | rejected. */
export function createCollabService({ db, clock }: { db: Db; clock: Clock }) {
  const audit = entityAuditor<CollabRequest>(db, 'collab_request', auditScope);

  /** principal + request in one BatchGet; 404 for anyone who may not see it. */
  async function load(session: Session, id: string) {
    const { principal, items } = await session.load([collabKeys.request(id)]);
    const request = items[0] && toRequest(items[0]);
    if (!request || !canView(principal, request)) throw notFound(`Request ${id}`);
    return { principal, request };
  }

  /** A conditional replace at the version read: of two clicks, one takes effect and the other gets a 409. */
  async function save(principal: Principal, action: string, before: CollabRequest, after: CollabRequest, extra: TransactItem[] = []) {
    await transact(db, [putIfVersion(db, requestItem(after), before.version), ...extra, audit(principal, action, before, after)], () =>
      conflict('version_conflict', 'The request changed meanwhile (someone else acted on it); read it again'),
    );
  }

  return {
    /** principal + deal (BatchGet) beside all teams (one Query), then one transaction, then the assignee's notification. */
    async create(session: Session, input: CreateCollabRequest, idempotencyKey?: string) {
      const [{ principal, items }, teams] = await Promise.all([session.load(input.relatedDealId ? [keys.deal(input.relatedDealId)] : []), allTeams(db)]);
      assertSalesRequester(principal, teams.find((t) => t.id === principal.teamId));
      assertDueInFuture(input.dueAt, clock.now().toISOString());
      const deal = items[0];
      if (input.relatedDealId && (!deal || !canSee(principal, dealScope(deal as never)))) {
        throw invalid('The related deal is not one you can see', { relatedDealId: `No deal ${input.relatedDealId} within your scope` });
      }
      const { teamId, assigneeId } = routeTo(teams, input.toDepartment);
      const idempotency = idempotencyKey ? { principalId: principal.userId, key: idempotencyKey, request: { route: 'POST /collab-requests', input } } : undefined;
      const result = await withIdempotency(db, idempotency, clock.now(), async (record) => {
        const now = clock.now().toISOString();
        const request: CollabRequest = {
          id: newId(),
          requesterId: principal.userId,
          ...(principal.teamId ? { requesterTeamId: principal.teamId } : {}),
          ...input,
          departmentTeamId: teamId,
          assigneeId,
          status: 'open',
          history: [{ status: 'open', at: now, by: principal.userId }],
          createdAt: now,
          updatedAt: now,
          version: 1,
        };
        const response = { status: 201, body: collabView(request, now) };
        await transact(db, [putIfAbsent(db, requestItem(request)), countCreated(db, request), audit(principal, 'create', undefined, request), ...record(response)], () =>
          conflict('already_exists', 'A request with this id already exists'),
        );
        return response;
      });
      const created = result.body as CollabRequest;
      await notify(db, [{ userId: created.assigneeId, kind: 'collab_request', title: `New ${created.toDepartment} request: ${created.subject}`, body: `From ${created.requesterId}, due ${created.dueAt} (request ${created.id})`, at: created.createdAt, event: `${created.id}/created` }]);
      return result;
    },

    /** The request with its first page of comments: the BatchGet and the comments' Query run in parallel. */
    async get(session: Session, id: string) {
      const [{ request }, comments] = await Promise.all([load(session, id), commentsOf(db, id, { limit: 100 })]);
      return { ...collabView(request, clock.now().toISOString()), comments: comments.items, commentsCursor: comments.nextCursor };
    },

    async comments(session: Session, id: string, page: { limit: number; cursor?: string }): Promise<Page<Comment>> {
      const [, comments] = await Promise.all([load(session, id), commentsOf(db, id, page)]);
      return comments;
    },

    /** `mine`: requested by me (GSI1). `department`: a department I belong to, or any for vp/admin (GSI2). Newest first. */
    async list(session: Session, query: { mine?: 'true'; department?: TargetDepartment; limit: number; cursor?: string }): Promise<Page<ReturnType<typeof collabView>>> {
      if (Boolean(query.mine) === Boolean(query.department)) {
        throw invalid('Ask for mine=true or department=<department>, not both and not neither', { [query.mine ? 'department' : 'mine']: 'Send exactly one of mine and department' });
      }
      const { principal } = await session.load();
      const page = { limit: query.limit, cursor: query.cursor, descending: true };
      let result: Page<CollabRequest>;
      if (query.mine) {
        result = await queryIndex<CollabRequest>(db, { index: 'GSI1', partition: collabKeys.requesterPartition(principal.userId), ...page });
      } else {
        const requests = queryIndex<CollabRequest>(db, { index: 'GSI2', partition: collabKeys.departmentPartition(query.department!), ...page });
        const ownTeam = hasRole(principal, 'vp', 'admin') || !principal.teamId ? undefined : session.load([keys.team(principal.teamId)]);
        // The team is read beside the list (one round trip); the list is answered only if the team is that department's.
        const [team, found] = await Promise.all([ownTeam, requests]);
        if (!hasRole(principal, 'vp', 'admin') && team?.items[0]?.department !== query.department) {
          throw forbidden(`Only members of a ${query.department} team (or vp and admin) list its requests`);
        }
        result = found;
      }
      const now = clock.now().toISOString();
      return { items: result.items.map((r) => collabView(r, now)), nextCursor: result.nextCursor };
    },

    /** accepted / resolved / rejected by the department's side; closing ADDs to the department's counters in the same transaction. */
    async changeStatus(session: Session, id: string, change: ChangeStatus) {
      const { principal, request } = await load(session, id);
      const now = clock.now().toISOString();
      const next = changeStatus(request, change, principal, now);
      await save(principal, change.status, request, next, next.closedAt ? [countClosed(db, next)] : []);
      await notify(db, [{ userId: next.requesterId, kind: 'collab_request', title: `Your ${next.toDepartment} request is ${next.status}: ${next.subject}`, body: change.note ?? `By ${principal.userId} (request ${next.id})`, at: now, event: `${next.id}/status/${next.status}` }]);
      return collabView(next, now);
    },

    /** Anyone who sees the request comments; the other side is notified. */
    async comment(session: Session, id: string, text: string): Promise<Comment> {
      const { principal, request } = await load(session, id);
      const comment: Comment = { id: newId(), requestId: id, authorId: principal.userId, text, at: clock.now().toISOString() };
      await transact(db, [putIfAbsent(db, commentItem(comment))], () => conflict('already_exists', 'A comment with this id already exists'));
      await notify(db, commentRecipients(request, principal.userId).map((userId) => ({ userId, kind: 'collab_comment', title: `New comment on “${request.subject}”`, body: text.slice(0, 200), at: comment.at, event: `${id}/comment/${comment.id}` })));
      return comment;
    },

    /** Per department: counters and the resolution-time histogram (one Query) beside one COUNT of overdue open requests each. */
    async report(session: Session) {
      const { principal } = await session.load();
      if (!hasRole(principal, 'manager', 'director', 'vp', 'finance', 'admin')) throw forbidden('The resolution report is for managers and above');
      const now = clock.now().toISOString();
      const [stats, overdue] = await Promise.all([readStats(db), Promise.all(TARGET_DEPARTMENTS.map((d) => countOverdue(db, d, now)))]);
      return {
        departments: TARGET_DEPARTMENTS.map((department, i) => {
          const s = stats.find((x) => x.department === department);
          return {
            department,
            count: s?.count ?? 0,
            resolved: s?.resolved ?? 0,
            rejected: s?.rejected ?? 0,
            medianResolutionSeconds: s ? percentile(s.histogram, 50) : null,
            p90ResolutionSeconds: s ? percentile(s.histogram, 90) : null,
            breached: s?.breached ?? 0,
            overdueOpen: overdue[i]!,
            ratings: s?.ratings ?? 0,
            averageRating: s?.ratings ? Math.round((s.ratingSum / s.ratings) * 100) / 100 : null,
          };
        }),
      };
    },

    /** The requester's rating of a closed request, once; the department's rating counters move with it. */
    async feedback(session: Session, id: string, input: Feedback) {
      const { principal, request } = await load(session, id);
      const now = clock.now().toISOString();
      const next = giveFeedback(request, input, principal, now);
      await save(principal, 'feedback', request, next, [countRating(db, next, input.rating)]);
      return collabView(next, now);
    },
  };
}
