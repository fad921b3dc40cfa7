import { OpenAPIHono } from '@hono/zod-openapi';
import { createTrainingService } from '#shared/team/training-service';
import * as s from '#shared/team/training-schemas';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import { idempotencyKey } from './customers.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/** Training: courses, enrolments, completions, a user's compliance and a team's compliance report. */
export function trainingRoutes(deps: AppDeps) {
  const training = createTrainingService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Training';

  app.openapi(
    route({
      method: 'post',
      path: '/courses',
      summary: 'Create a course: category, hours, the roles it is required for, pass mark (default 60) — managers and above; Idempotency-Key',
      tag,
      body: s.createCourse,
      response: s.courseView,
      status: 201,
      extraResponses: { 422: 'Idempotency-Key reused with another body' },
    }),
    async (c) => {
      const result = await training.createCourse(c.get('session'), c.req.valid('json'), idempotencyKey(c.req.header('idempotency-key')));
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body as never, 201);
    },
  );
  app.openapi(route({ method: 'get', path: '/courses', summary: 'The course catalogue, by category; optionally one category', tag, query: listQuery(s.listCoursesQuery), response: pageOf(s.courseView) }), async (c) =>
    c.json((await training.listCourses(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(
    route({
      method: 'post',
      path: '/courses/{id}/enrolments',
      summary: 'Enrol a user (the user, their manager or above); a second enrolment answers 409 with the existing one',
      tag,
      params: idParam,
      body: s.enrol,
      response: s.enrolmentView,
      status: 201,
      extraResponses: { 409: 'Already enrolled (the body has `enrolment`), or the user is deactivated' },
    }),
    async (c) => {
      const { created, enrolment } = await training.enrol(c.get('session'), c.req.valid('param').id, c.req.valid('json').userId);
      if (!created) {
        return c.json({ error: { code: 'already_enrolled', message: 'This user is already enrolled in this course' }, enrolment } as never, 409);
      }
      return c.json(enrolment as never, 201);
    },
  );
  app.openapi(
    route({
      method: 'post',
      path: '/enrolments/{id}/completion',
      summary: 'Record a score 0–100 (the learner or their manager): passed at or above the course’s pass mark; failed may be retaken',
      tag,
      params: idParam,
      body: s.completion,
      response: s.enrolmentView,
      extraResponses: { 409: 'Already passed, or changed meanwhile' },
    }),
    async (c) => c.json((await training.complete(c.get('session'), c.req.valid('param').id, c.req.valid('json').score)) as never, 200),
  );
  app.openapi(
    route({ method: 'get', path: '/users/{id}/training', summary: 'A user’s enrolments and compliance with the courses their roles require (within your scope)', tag, params: idParam, response: s.userTrainingView }),
    async (c) => c.json((await training.userTraining(c.get('session'), c.req.valid('param').id)) as never, 200),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/reports/training-compliance',
      summary: 'Per member of a team: required, completed, compliant, and totals (the team’s manager, its director, vp / finance / admin)',
      tag: 'Reports',
      query: s.complianceQuery,
      response: s.teamComplianceView,
      extraResponses: { 403: 'A team outside your scope' },
    }),
    async (c) => c.json((await training.teamCompliance(c.get('session'), c.req.valid('query').teamId)) as never, 200),
  );
  return app;
}

