import { z } from 'zod';
import { ROLES, type Role } from '#shared/core/principal';
import { entityId, name } from '#shared/core/schemas';

/** Training: a course catalogue, one enrolment per learner × course, and compliance with the courses a role requires. */
export const COURSE_CATEGORIES = ['sales_skills', 'product_knowledge', 'professional_skills', 'continuous_learning'] as const;
export const ENROLMENT_STATUSES = ['enrolled', 'passed', 'failed'] as const;
export const DEFAULT_PASS_MARK = 60;

export type CourseCategory = (typeof COURSE_CATEGORIES)[number];
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

export const createCourse = z.strictObject({
  title: name,
  category: z.enum(COURSE_CATEGORIES),
  /** Roles that must pass this course to be compliant (empty: an elective). */
  requiredForRoles: z.array(z.enum(ROLES)).max(ROLES.length).refine((roles) => new Set(roles).size === roles.length, 'List each role once'),
  hours: z.number().positive().max(1000),
  passMark: z.number().int().min(0).max(100).default(DEFAULT_PASS_MARK),
});
export const listCoursesQuery = { category: z.enum(COURSE_CATEGORIES).optional() };
export const enrol = z.strictObject({ userId: entityId });
export const completion = z.strictObject({ score: z.number().min(0).max(100) });
export const complianceQuery = z.strictObject({ teamId: entityId });

export type CreateCourse = z.infer<typeof createCourse>;

export interface Course {
  id: string;
  title: string;
  category: CourseCategory;
  requiredForRoles: Role[];
  hours: number;
  passMark: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** What an enrolment keeps of its course (courses do not change once created). */
export type CourseSummary = Pick<Course, 'id' | 'title' | 'category' | 'hours' | 'passMark'>;

/** A required course as the catalogue item lists it. */
export interface RequiredCourse {
  courseId: string;
  title: string;
  category: CourseCategory;
  roles: Role[];
}

export interface Enrolment {
  id: string;
  userId: string;
  courseId: string;
  course: CourseSummary;
  status: EnrolmentStatus;
  /** The latest score; a failed learner may complete again (attempts counts them). */
  score?: number;
  attempts: number;
  enrolledBy: string;
  /** The learner's team and manager when enrolled: who may record the completion. */
  teamId?: string;
  regionId?: string;
  managerId?: string;
  enrolledAt: string;
  completedAt?: string;
  updatedAt: string;
  version: number;
}

export interface Compliance {
  required: number;
  completed: number;
  compliant: boolean;
  pct: number;
}

const courseRef = z.object({ courseId: z.string(), title: z.string(), category: z.enum(COURSE_CATEGORIES) });
const complianceCounts = { required: z.number().int(), completed: z.number().int(), compliant: z.boolean(), pct: z.number() };

export const courseView = z.object({
  id: z.string(),
  title: z.string(),
  category: z.enum(COURSE_CATEGORIES),
  requiredForRoles: z.array(z.enum(ROLES)),
  hours: z.number(),
  passMark: z.number(),
  createdBy: z.string(),
  createdAt: z.string(),
  version: z.number(),
});
export const enrolmentView = z.object({
  id: z.string(),
  userId: z.string(),
  courseId: z.string(),
  course: z.object({ id: z.string(), title: z.string(), category: z.enum(COURSE_CATEGORIES), hours: z.number(), passMark: z.number() }),
  status: z.enum(ENROLMENT_STATUSES),
  score: z.number().optional(),
  attempts: z.number().int(),
  enrolledBy: z.string(),
  enrolledAt: z.string(),
  completedAt: z.string().optional(),
  version: z.number(),
});
export const userTrainingView = z.object({
  userId: z.string(),
  enrolments: z.array(enrolmentView),
  compliance: z.object({
    ...complianceCounts,
    requiredCourses: z.array(courseRef),
    completedCourses: z.array(courseRef),
    missingCourses: z.array(courseRef),
  }),
});
export const teamComplianceView = z.object({
  teamId: z.string(),
  users: z.array(z.object({ userId: z.string(), name: z.string(), roles: z.array(z.string()), ...complianceCounts })),
  totals: z.object({ users: z.number().int(), compliantUsers: z.number().int(), required: z.number().int(), completed: z.number().int(), pct: z.number() }),
});
