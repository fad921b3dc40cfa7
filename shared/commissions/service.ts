import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { auditPut } from '#shared/core/audit';
import { conflict, forbidden, invalid, notFound } from '#shared/core/errors';
import { newId } from '#shared/core/ids';
import { withIdempotency } from '#shared/core/idempotency';
import { commissionKeys, keys } from '#shared/core/keys';
import type { Page } from '#shared/core/pagination';
import { canSee, hasRole, type Principal } from '#shared/core/principal';
import { fromItem, queryIndex } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { putIfAbsent, transact } from '#shared/core/write';
import type { User } from '#shared/org/schemas';
import { parseCommissionPeriod } from './period.ts';
import { assignedPlan, assigneeItem, assignmentItem, planItem, planWithAssignees } from './store.ts';
import { statementFrom, statementKeys } from './statements.ts';
import type { Assignee, CreatePlan, Plan, Statement } from './schemas.ts';

/** Who sets compensation: admin, finance and vp. */
const assertCanManagePlans = (principal: Principal) => {
  if (!hasRole(principal, 'admin', 'finance', 'vp')) throw forbidden('Only admin, finance or a vp manage commission plans');
};
const userScope = (user: Pick<User, 'id' | 'teamId' | 'regionId'>) => ({ ownerId: user.id, teamId: user.teamId, regionId: user.regionId });

/** Commission plans (immutable once created: a statement must be explainable by the plan it was computed with) and statements. */
export function createCommissionService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    /** principal (one BatchGet), then one transaction: the plan, its audit entry (and the Idempotency-Key record). */
    async createPlan(session: Session, input: CreatePlan, idempotencyKey?: string) {
      const { principal } = await session.load();
      assertCanManagePlans(principal);
      const idempotency = idempotencyKey ? { principalId: principal.userId, key: idempotencyKey, request: { route: 'POST /commission-plans', input } } : undefined;
      return withIdempotency(db, idempotency, clock.now(), async (record) => {
        const now = clock.now().toISOString();
        const plan: Plan = { id: newId(), ...input, bands: input.bands.map((b) => ({ ...b, toAttainment: b.toAttainment ?? null })), createdBy: principal.userId, createdAt: now, updatedAt: now, version: 1 };
        const response = { status: 201, body: plan };
        const audit = auditPut(db, { entityType: 'commission_plan', entityId: plan.id, action: 'create', actorId: principal.userId, at: now, after: plan as never, scope: {} });
        await transact(db, [putIfAbsent(db, planItem(plan)), audit, ...record(response)], () => conflict('already_exists', 'A plan with this id already exists'));
        return response;
      });
    },

    /** Plans are reference data anyone may read (a rep reads the terms their statement is computed with). */
    async listPlans(session: Session, query: { period?: string; limit: number; cursor?: string }): Promise<Page<Plan>> {
      await session.load();
      const sortPrefix = query.period ? commissionKeys.plansPeriodPrefix(query.period) : undefined;
      return queryIndex<Plan>(db, { index: 'GSI4', partition: commissionKeys.plansPartition, sortPrefix, limit: query.limit, cursor: query.cursor, descending: true });
    },

    /** The plan with the assignees the caller may see (a rep: themselves; a manager: their team…). */
    async getPlan(session: Session, id: string): Promise<Plan & { assignees: Assignee[] }> {
      const [{ principal }, { plan, assignees }] = await Promise.all([session.load(), planWithAssignees(db, id)]);
      if (!plan) throw notFound(`Commission plan ${id}`);
      return { ...plan, assignees: assignees.filter((a) => canSee(principal, { ownerId: a.userId, teamId: a.teamId, regionId: a.regionId })) };
    },

    /**
     * One plan per user per period, and no two plans over one month (a monthly and a quarterly plan would pay twice):
     * the assignee, the user's period item and one guard per month are Puts if absent in one transaction (409).
     */
    async assign(session: Session, planId: string, userId: string): Promise<Assignee> {
      const { principal, items } = await session.load([commissionKeys.plan(planId), keys.user(userId)]);
      assertCanManagePlans(principal);
      if (!items[0]) throw notFound(`Commission plan ${planId}`);
      const user = items[1] && fromItem<User>(items[1]);
      if (!user) throw invalid('The user does not exist', { userId: `No user ${userId}` });
      if (user.active === false) throw invalid('The user is deactivated', { userId: `${userId} is deactivated` });
      const plan = assignedPlan(fromItem<Plan>(items[0]));
      const period = parseCommissionPeriod(plan.period);
      const now = clock.now().toISOString();
      const assignee: Assignee = { planId, userId, ...(user.teamId ? { teamId: user.teamId } : {}), ...(user.regionId ? { regionId: user.regionId } : {}), assignedBy: principal.userId, assignedAt: now };
      const writes = [
        putIfAbsent(db, assigneeItem(assignee)),
        putIfAbsent(db, assignmentItem(commissionKeys.assignment(userId, period.id), userId, plan)),
        ...period.months.map((month) => putIfAbsent(db, assignmentItem(commissionKeys.monthGuard(userId, month), userId, plan))),
        auditPut(db, { entityType: 'commission_plan', entityId: planId, action: 'assign', actorId: principal.userId, at: now, after: { userId, period: period.id }, scope: {} }),
      ];
      await transact(db, writes, (index) =>
        index === 0
          ? conflict('already_assigned', `${userId} is already on this plan`)
          : conflict('plan_overlap', `${userId} already has a commission plan for ${index === 1 ? period.id : period.months[index - 2]}`, { userId: 'One plan per user per period' }),
      );
      return assignee;
    },

    /**
     * The user, their manager / director, finance, vp and admin. One BatchGet (principal, user, assignment, final
     * statement, target lookup), then the statement's own reads (statements.ts). Outside the caller's scope: 404.
     */
    async statement(session: Session, userId: string, periodId: string): Promise<Statement> {
      const period = parseCommissionPeriod(periodId);
      const { principal, items } = await session.load([keys.user(userId), ...statementKeys(userId, period)]);
      const user = items[0] && fromItem<User>(items[0]);
      if (!user || !canSee(principal, userScope(user))) throw notFound(`User ${userId}`);
      return statementFrom(db, userId, period, items.slice(1), clock.now());
    },
  };
}
