import { forbidden } from '#shared/core/errors';
import { hasRole, isOrgWide, type Principal } from '#shared/core/principal';
import type { Compliance, Course, Enrolment, RequiredCourse } from './training-schemas.ts';

/** Training rules, pure: who may do what, how a score ends an attempt, what compliance is. */

/** A user as these rules need them. */
export interface Learner {
  id: string;
  roles: string[];
  teamId?: string;
  regionId?: string;
  managerId?: string;
}

export function assertCanCreateCourse(principal: Principal): void {
  if (!hasRole(principal, 'manager', 'director', 'vp', 'admin')) throw forbidden('Managers and above create courses');
}

/** The learner themself, their manager, or someone above them (director of their region, vp, admin). */
export function canEnrol(principal: Principal, learner: Learner): boolean {
  if (principal.userId === learner.id) return true;
  if (learner.managerId === principal.userId || hasRole(principal, 'vp', 'admin')) return true;
  // Not canSee: finance sees everyone but is above no one.
  if (hasRole(principal, 'director') && principal.regionId && learner.regionId === principal.regionId) return true;
  return hasRole(principal, 'manager') && Boolean(principal.teamId) && learner.teamId === principal.teamId;
}

/** The learner or their manager (the one named on the user, or the manager of the learner's team). */
export function canComplete(principal: Principal, enrolment: Pick<Enrolment, 'userId' | 'managerId' | 'teamId'>): boolean {
  if (principal.userId === enrolment.userId || principal.userId === enrolment.managerId) return true;
  return hasRole(principal, 'manager') && Boolean(principal.teamId) && principal.teamId === enrolment.teamId;
}

/** A score ends the attempt: passed at or above the course's pass mark. Passed is final; failed may be retaken. */
export function completeAttempt(enrolment: Enrolment, score: number, now: string): Enrolment {
  return {
    ...enrolment,
    status: score >= enrolment.course.passMark ? 'passed' : 'failed',
    score,
    attempts: enrolment.attempts + 1,
    completedAt: now,
    updatedAt: now,
    version: enrolment.version + 1,
  };
}

/** The catalogue entry for a course, or none when no role requires it. */
export const requirementOf = (course: Course): RequiredCourse | undefined =>
  course.requiredForRoles.length > 0 ? { courseId: course.id, title: course.title, category: course.category, roles: course.requiredForRoles } : undefined;

/** The courses any of the user's roles require (once each). */
export const requiredFor = (catalogue: RequiredCourse[], roles: string[]): RequiredCourse[] =>
  catalogue.filter((course) => course.roles.some((role) => roles.includes(role)));

export interface ComplianceDetail extends Compliance {
  requiredCourses: RequiredCourse[];
  completedCourses: RequiredCourse[];
  missingCourses: RequiredCourse[];
}

/** Compliant when every required course is passed; pct of required ones passed (100 when nothing is required). */
export function compliance(catalogue: RequiredCourse[], roles: string[], enrolments: Pick<Enrolment, 'courseId' | 'status'>[]): ComplianceDetail {
  const required = requiredFor(catalogue, roles);
  const passed = new Set(enrolments.filter((e) => e.status === 'passed').map((e) => e.courseId));
  const completedCourses = required.filter((c) => passed.has(c.courseId));
  const missingCourses = required.filter((c) => !passed.has(c.courseId));
  return {
    required: required.length,
    completed: completedCourses.length,
    compliant: missingCourses.length === 0,
    pct: percent(completedCourses.length, required.length),
    requiredCourses: required,
    completedCourses,
    missingCourses,
  };
}

export const percent = (part: number, whole: number) => (whole === 0 ? 100 : Math.round((part / whole) * 1000) / 10);

/**
 * Who reads a team's compliance report: its manager, the director of its region, vp / finance / admin.
 * A rep, or anyone outside that scope, is refused.
 */
export function canReadTeamReport(principal: Principal, team: { id: string; regionId: string }): boolean {
  if (isOrgWide(principal)) return true;
  if (hasRole(principal, 'director') && principal.regionId === team.regionId) return true;
  return hasRole(principal, 'manager') && principal.teamId === team.id;
}
