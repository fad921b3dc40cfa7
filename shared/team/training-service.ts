import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { entityAuditor } from '#shared/core/audit';
import { conflict, forbidden, notFound } from '#shared/core/errors';
import { newId } from '#shared/core/ids';
import { withIdempotency } from '#shared/core/idempotency';
import { keys, trainingKeys } from '#shared/core/keys';
import type { Page } from '#shared/core/pagination';
import { canSee, type Principal } from '#shared/core/principal';
import { fromItem, queryIndex } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { putIfAbsent, putIfVersion, transact } from '#shared/core/write';
import { staleVersion } from '#shared/org/service';
import { complianceWith } from './training-compliance.ts';
import { assertCanCreateCourse, canComplete, canEnrol, canReadTeamReport, compliance, completeAttempt, percent, requirementOf, type Learner } from './training-rules.ts';
import type { Course, CourseCategory, CreateCourse, Enrolment } from './training-schemas.ts';
import { activeMembers, catalogueAppend, catalogueFrom, courseItem, enrolmentGuardItem, enrolmentItem, enrolmentsOf, readEnrolment } from './training-store.ts';

const learnerScope = (u: { id?: string; userId?: string; teamId?: string; regionId?: string }) => ({ ownerId: u.userId ?? u.id, teamId: u.teamId, regionId: u.regionId });

/** Refusal that does not reveal what the caller may not see: 403 when they see it, 404 when they do not. */
const refuse = (principal: Principal, scope: ReturnType<typeof learnerScope>, what: string, why: string) =>
  canSee(principal, scope) ? forbidden(why) : notFound(what);

/** Training: the course catalogue, enrolments, completions and compliance per user and per team. */
export function createTrainingService({ db, clock }: { db: Db; clock: Clock }) {
  const auditCourse = entityAuditor<Course>(db, 'course', () => ({}));
  const auditEnrolment = entityAuditor<Enrolment & { updatedAt: string }>(db, 'enrolment', (e) => learnerScope(e));

  /** The enrolment the guard names (a second enrolment answers it with the 409). */
  async function existingEnrolment(courseId: string, userId: string, guardItem?: Record<string, unknown>): Promise<Enrolment> {
    const guard = guardItem ?? (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: trainingKeys.enrolmentGuard(courseId, userId), ConsistentRead: true }))).Item;
    const enrolment = guard && (await readEnrolment(db, String(guard.enrolmentId)));
    if (!enrolment) throw conflict('already_enrolled', 'This user is already enrolled in this course');
    return enrolment;
  }

  return {
    /** principal (one BatchGet), then one transaction: course, catalogue entry if required, audit (and Idempotency-Key). */
    async createCourse(session: Session, input: CreateCourse, idempotencyKey?: string) {
      const { principal } = await session.load();
      assertCanCreateCourse(principal);
      const idempotency = idempotencyKey ? { principalId: principal.userId, key: idempotencyKey, request: { route: 'POST /courses', input } } : undefined;
      return withIdempotency(db, idempotency, clock.now(), async (record) => {
        const now = clock.now().toISOString();
        const course: Course = { id: newId(), ...input, createdBy: principal.userId, createdAt: now, updatedAt: now, version: 1 };
        const requirement = requirementOf(course);
        const response = { status: 201, body: course };
        await transact(db, [putIfAbsent(db, courseItem(course)), ...(requirement ? [catalogueAppend(db, requirement)] : []), auditCourse(principal, 'create', undefined, course), ...record(response)], () =>
          conflict('already_exists', 'A course with this id already exists'),
        );
        return response;
      });
    },

    /** Everyone reads the catalogue: one Query of GSI4 `COURSES`, by category then id. */
    async listCourses(session: Session, query: { category?: CourseCategory; limit: number; cursor?: string }): Promise<Page<Course>> {
      await session.load();
      return queryIndex<Course>(db, { index: 'GSI4', partition: trainingKeys.coursesPartition, sortPrefix: trainingKeys.courseSortPrefix(query.category), limit: query.limit, cursor: query.cursor });
    },

    /** principal + course + learner + guard in one BatchGet, then one transaction. A second enrolment returns the first. */
    async enrol(session: Session, courseId: string, userId: string): Promise<{ created: boolean; enrolment: Enrolment }> {
      const { principal, items } = await session.load([trainingKeys.course(courseId), keys.user(userId), trainingKeys.enrolmentGuard(courseId, userId)]);
      const course = items[0] && fromItem<Course>(items[0]);
      if (!course) throw notFound(`Course ${courseId}`);
      const learner = items[1] && fromItem<Learner & { active?: boolean }>(items[1]);
      if (!learner) throw notFound(`User ${userId}`);
      if (!canEnrol(principal, learner)) throw refuse(principal, learnerScope(learner), `User ${userId}`, 'Only the user, their manager or someone above them enrols them');
      if (learner.active === false) throw conflict('user_inactive', `User ${userId} is deactivated`);
      if (items[2]) return { created: false, enrolment: await existingEnrolment(courseId, userId, items[2]) };
      const now = clock.now().toISOString();
      const enrolment: Enrolment = {
        id: newId(),
        userId,
        courseId,
        course: { id: course.id, title: course.title, category: course.category, hours: course.hours, passMark: course.passMark },
        status: 'enrolled',
        attempts: 0,
        enrolledBy: principal.userId,
        ...(learner.teamId ? { teamId: learner.teamId } : {}),
        ...(learner.regionId ? { regionId: learner.regionId } : {}),
        ...(learner.managerId ? { managerId: learner.managerId } : {}),
        enrolledAt: now,
        updatedAt: now,
        version: 1,
      };
      try {
        await transact(db, [putIfAbsent(db, enrolmentGuardItem(enrolment)), putIfAbsent(db, enrolmentItem(enrolment)), auditEnrolment(principal, 'enrol', undefined, enrolment)], () =>
          conflict('already_enrolled', 'This user is already enrolled in this course'),
        );
      } catch (error) {
        // A parallel twin won the guard: answer with its enrolment, as a sequential second request would.
        if ((error as { code?: string }).code !== 'already_enrolled') throw error;
        return { created: false, enrolment: await existingEnrolment(courseId, userId) };
      }
      return { created: true, enrolment };
    },

    /** principal + enrolment in one BatchGet, then one conditional write: passed is final, failed may retake. */
    async complete(session: Session, id: string, score: number): Promise<Enrolment> {
      const { principal, items } = await session.load([trainingKeys.enrolment(id)]);
      const enrolment = items[0] && fromItem<Enrolment>(items[0]);
      if (!enrolment) throw notFound(`Enrolment ${id}`);
      if (!canComplete(principal, enrolment)) throw refuse(principal, learnerScope(enrolment), `Enrolment ${id}`, 'Only the learner or their manager records a completion');
      if (enrolment.status === 'passed') throw conflict('already_passed', `This enrolment was passed with ${enrolment.score}; a passed course is final`, { status: 'passed' });
      const next = completeAttempt(enrolment, score, clock.now().toISOString());
      await transact(db, [putIfVersion(db, enrolmentItem(next), enrolment.version), auditEnrolment(principal, 'complete', enrolment, next)], () => staleVersion());
      return next;
    },

    /** principal + user + catalogue in one BatchGet, then one Query of the user's enrolments: 2 round trips. */
    async userTraining(session: Session, userId: string) {
      const { principal, items } = await session.load([keys.user(userId), trainingKeys.catalogue()]);
      const user = items[0] && fromItem<Learner>(items[0]);
      if (!user || !canSee(principal, learnerScope(user))) throw notFound(`User ${userId}`);
      const enrolments = await enrolmentsOf(db, userId);
      const { requiredCourses, completedCourses, missingCourses, ...counts } = compliance(catalogueFrom(items[1]), user.roles, enrolments);
      const strip = (courses: typeof requiredCourses) => courses.map(({ roles, ...course }) => course);
      return {
        userId,
        enrolments,
        compliance: { ...counts, requiredCourses: strip(requiredCourses), completedCourses: strip(completedCourses), missingCourses: strip(missingCourses) },
      };
    },

    /** principal + team + catalogue (one BatchGet), the members (one Query), their enrolments (one Query each, in parallel). */
    async teamCompliance(session: Session, teamId: string) {
      const { principal, items } = await session.load([keys.team(teamId), trainingKeys.catalogue()]);
      const team = items[0] && fromItem<{ id: string; regionId: string }>(items[0]);
      if (!team) throw notFound(`Team ${teamId}`);
      if (!canReadTeamReport(principal, team)) throw forbidden('A team’s training compliance is for its manager, its region’s director, vp, finance and admin');
      const members = await activeMembers(db, teamId);
      const byUser = await complianceWith(db, catalogueFrom(items[1]), members);
      const users = members.map((m) => ({ userId: m.id, name: m.name, roles: m.roles, ...byUser.get(m.id)! }));
      const required = users.reduce((sum, u) => sum + u.required, 0);
      const completed = users.reduce((sum, u) => sum + u.completed, 0);
      return {
        teamId,
        users,
        totals: { users: users.length, compliantUsers: users.filter((u) => u.compliant).length, required, completed, pct: percent(completed, required) },
      };
    },
  };
}
