import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';
import { trainingCompliance } from '#shared/team/training-compliance';
import { listAudit } from '#shared/core/audit';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

const MANAGER = 'manager-east-enterprise';
const REP1 = 'rep-east-enterprise-1';
const REP2 = 'rep-east-enterprise-2';
const REP3 = 'rep-east-enterprise-3';
const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);

/** Courses created in the first test and used by the rest. */
const course: Record<'selling' | 'product' | 'elective', any> = {} as never;
const enrolment: Record<string, any> = {};

beforeAll(async () => {
  api = await testApi({ demo: true });
});

describe('courses', () => {
  it('managers and above create courses; everyone reads the catalogue, by category too', async () => {
    const selling = await api.call('POST', '/courses', { as: MANAGER, body: { title: 'Consultative selling', category: 'sales_skills', requiredForRoles: ['rep'], hours: 8 } });
    expect(selling.status).toBe(201);
    expect(selling.body).toMatchObject({ title: 'Consultative selling', category: 'sales_skills', requiredForRoles: ['rep'], hours: 8, passMark: 60, createdBy: MANAGER, version: 1 });
    course.selling = selling.body;
    course.product = (await api.call('POST', '/courses', { as: 'director-east', body: { title: 'CRM Suite essentials', category: 'product_knowledge', requiredForRoles: ['rep', 'manager'], hours: 4, passMark: 70 } })).body;
    course.elective = (await api.call('POST', '/courses', { as: 'admin', body: { title: 'Negotiation for everyone', category: 'continuous_learning', requiredForRoles: [], hours: 2.5 } })).body;
    expect(course.product.passMark).toBe(70);

    for (const who of [REP1, 'finance']) {
      expect((await api.call('POST', '/courses', { as: who, body: { title: 'X', category: 'sales_skills', requiredForRoles: [], hours: 1 } })).status, who).toBe(403);
    }
    const all = await api.call('GET', '/courses', { as: REP2 });
    expect(all.status).toBe(200);
    // by category, then id: continuous_learning < product_knowledge < sales_skills
    expect(all.body.items.map((c: any) => c.title)).toEqual(['Negotiation for everyone', 'CRM Suite essentials', 'Consultative selling']);
    const skills = await api.call('GET', '/courses?category=sales_skills', { as: REP2 });
    expect(skills.body.items.map((c: any) => c.id)).toEqual([course.selling.id]);
  });

  it('honours Idempotency-Key on creation', async () => {
    const body = { title: 'Once only', category: 'professional_skills', requiredForRoles: [], hours: 1 };
    const first = await api.call('POST', '/courses', { as: MANAGER, body, headers: { 'idempotency-key': 'course-once-0001' } });
    const again = await api.call('POST', '/courses', { as: MANAGER, body, headers: { 'idempotency-key': 'course-once-0001' } });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect((await api.call('POST', '/courses', { as: MANAGER, body: { ...body, hours: 2 }, headers: { 'idempotency-key': 'course-once-0001' } })).status).toBe(422);
  });
});

describe('enrolments and completions', () => {
  it('the learner, their manager or above enrol; one enrolment per user and course (409 with the existing one)', async () => {
    const self = await api.call('POST', `/courses/${course.selling.id}/enrolments`, { as: REP1, body: { userId: REP1 } });
    expect(self.status).toBe(201);
    expect(self.body).toMatchObject({ userId: REP1, courseId: course.selling.id, status: 'enrolled', attempts: 0, enrolledBy: REP1, course: { title: 'Consultative selling', passMark: 60 } });
    enrolment.rep1Selling = self.body;

    const twice = await api.call('POST', `/courses/${course.selling.id}/enrolments`, { as: MANAGER, body: { userId: REP1 } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_enrolled');
    expect(twice.body.enrolment.id).toBe(self.body.id);

    enrolment.rep1Product = (await api.call('POST', `/courses/${course.product.id}/enrolments`, { as: MANAGER, body: { userId: REP1 } })).body;
    expect(enrolment.rep1Product.enrolledBy).toBe(MANAGER);
    enrolment.rep2Selling = (await api.call('POST', `/courses/${course.selling.id}/enrolments`, { as: 'director-east', body: { userId: REP2 } })).body;
    expect(enrolment.rep2Selling.status).toBe('enrolled');

    // Outside their scope: another team's manager, a teammate (404); finance sees everyone but is above no one (403).
    expect((await api.call('POST', `/courses/${course.elective.id}/enrolments`, { as: 'manager-south-enterprise', body: { userId: REP1 } })).status).toBe(404);
    expect((await api.call('POST', `/courses/${course.elective.id}/enrolments`, { as: REP2, body: { userId: REP1 } })).status).toBe(404);
    expect((await api.call('POST', `/courses/${course.elective.id}/enrolments`, { as: 'finance', body: { userId: REP1 } })).status).toBe(403);
    expect((await api.call('POST', '/courses/01JNOSUCHCOURSE/enrolments', { as: REP1, body: { userId: REP1 } })).status).toBe(404);
  });

  it('two enrolments at the same moment make one', async () => {
    const [a, b] = await Promise.all([
      api.call('POST', `/courses/${course.elective.id}/enrolments`, { as: REP3, body: { userId: REP3 } }),
      api.call('POST', `/courses/${course.elective.id}/enrolments`, { as: MANAGER, body: { userId: REP3 } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 201 ? a : b;
    expect(loser.body.enrolment.id).toBe(winner.body.id);
  });

  it('a score at or above the pass mark passes; a fail may be retaken; a pass is final', async () => {
    const passed = await api.call('POST', `/enrolments/${enrolment.rep1Selling.id}/completion`, { as: REP1, body: { score: 75 } });
    expect(passed.status).toBe(200);
    expect(passed.body).toMatchObject({ status: 'passed', score: 75, attempts: 1, version: 2 });
    expect(passed.body.completedAt).toBeDefined();

    const failed = await api.call('POST', `/enrolments/${enrolment.rep1Product.id}/completion`, { as: MANAGER, body: { score: 69.5 } });
    expect(failed.body).toMatchObject({ status: 'failed', score: 69.5, attempts: 1 });
    const retake = await api.call('POST', `/enrolments/${enrolment.rep1Product.id}/completion`, { as: REP1, body: { score: 70 } });
    expect(retake.body).toMatchObject({ status: 'passed', score: 70, attempts: 2 });
    const again = await api.call('POST', `/enrolments/${enrolment.rep1Product.id}/completion`, { as: REP1, body: { score: 100 } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_passed');

    const rep2 = await api.call('POST', `/enrolments/${enrolment.rep2Selling.id}/completion`, { as: REP2, body: { score: 59 } });
    expect(rep2.body.status).toBe('failed');

    // Neither the learner nor their manager: a teammate and another manager do not see it; finance sees it, may not record it.
    expect((await api.call('POST', `/enrolments/${enrolment.rep2Selling.id}/completion`, { as: REP1, body: { score: 90 } })).status).toBe(404);
    expect((await api.call('POST', `/enrolments/${enrolment.rep2Selling.id}/completion`, { as: 'manager-south-enterprise', body: { score: 90 } })).status).toBe(404);
    expect((await api.call('POST', `/enrolments/${enrolment.rep2Selling.id}/completion`, { as: 'finance', body: { score: 90 } })).status).toBe(403);

    // every write leaves an audit entry (GET /audit does not list enrolments; read the trail directly)
    const trail = await listAudit(api.db, 'enrolment', enrolment.rep1Product.id, 10);
    expect(trail.items.map((e) => [e.action, e.actorId])).toEqual([['complete', REP1], ['complete', MANAGER], ['enrol', MANAGER]]);
    expect(trail.items[0]!.changes).toEqual(expect.arrayContaining([{ field: 'status', before: 'failed', after: 'passed' }]));
  });
});

describe('compliance', () => {
  it('a user’s training: enrolments, required courses for their roles, completed, missing, compliant, pct — in 2 round trips', async () => {
    const rep1 = await api.call('GET', `/users/${REP1}/training`, { as: REP1 });
    expect(rep1.status).toBe(200);
    expect(trips(rep1)).toBeLessThanOrEqual(2);
    expect(rep1.body.enrolments).toHaveLength(2);
    expect(rep1.body.compliance).toMatchObject({ required: 2, completed: 2, compliant: true, pct: 100, missingCourses: [] });

    const rep2 = await api.call('GET', `/users/${REP2}/training`, { as: MANAGER });
    expect(rep2.body.enrolments.map((e: any) => [e.course.title, e.status, e.score])).toEqual([['Consultative selling', 'failed', 59]]);
    expect(rep2.body.compliance).toMatchObject({ required: 2, completed: 0, compliant: false, pct: 0 });
    expect(rep2.body.compliance.missingCourses.map((c: any) => c.title).sort()).toEqual(['CRM Suite essentials', 'Consultative selling']);

    const manager = await api.call('GET', `/users/${MANAGER}/training`, { as: 'director-east' });
    expect(manager.body.compliance).toMatchObject({ required: 1, completed: 0, compliant: false, pct: 0 });
    expect(manager.body.compliance.requiredCourses.map((c: any) => c.courseId)).toEqual([course.product.id]);

    const finance = await api.call('GET', '/users/finance/training', { as: 'finance' });
    expect(finance.body.compliance).toMatchObject({ required: 0, completed: 0, compliant: true, pct: 100 });

    expect((await api.call('GET', `/users/${REP1}/training`, { as: REP2 })).status).toBe(404);
    expect((await api.call('GET', `/users/${REP1}/training`, { as: 'director-south' })).status).toBe(404);
  });

  it('the team report: per member required / completed / compliant and totals, within the caller’s scope', async () => {
    const report = await api.call('GET', '/reports/training-compliance?teamId=east-enterprise', { as: MANAGER });
    expect(report.status).toBe(200);
    const byUser = Object.fromEntries(report.body.users.map((u: any) => [u.userId, [u.required, u.completed, u.compliant, u.pct]]));
    expect(byUser).toEqual({
      [MANAGER]: [1, 0, false, 0],
      [REP1]: [2, 2, true, 100],
      [REP2]: [2, 0, false, 0],
      [REP3]: [2, 0, false, 0],
    });
    expect(report.body.totals).toEqual({ users: 4, compliantUsers: 1, required: 7, completed: 2, pct: 28.6 });
    // one BatchGet, the members' Query, then one Query per member with a required course (all four, in parallel)
    expect(trips(report)).toBe(2 + 4);

    for (const who of ['director-east', 'vp', 'finance', 'admin']) {
      expect((await api.call('GET', '/reports/training-compliance?teamId=east-enterprise', { as: who })).status, who).toBe(200);
    }
    for (const who of [REP1, 'manager-east-commercial', 'director-south']) {
      const refused = await api.call('GET', '/reports/training-compliance?teamId=east-enterprise', { as: who });
      expect(refused.status, who).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
    }
    expect((await api.call('GET', '/reports/training-compliance?teamId=no-such-team', { as: 'vp' })).status).toBe(404);
    const missing = await api.call('GET', '/reports/training-compliance', { as: 'vp' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields).toHaveProperty('teamId');
  });

  it('trainingCompliance(db, users) answers the same figures for the performance review', async () => {
    const result = await trainingCompliance(api.db, [
      { id: REP1, roles: ['rep'] },
      { id: REP2, roles: ['rep'] },
      { id: 'finance', roles: ['finance'] },
    ]);
    expect(Object.fromEntries(result)).toEqual({
      [REP1]: { required: 2, completed: 2, compliant: true, pct: 100 },
      [REP2]: { required: 2, completed: 0, compliant: false, pct: 0 },
      finance: { required: 0, completed: 0, compliant: true, pct: 100 },
    });
  });
});

describe('bad input', () => {
  it('is a JSON 400 naming each field', async () => {
    const course400 = await api.call('POST', '/courses', { as: MANAGER, body: { title: '', category: 'golf', requiredForRoles: ['ceo'], hours: -1, passMark: 101, id: 'mine' } });
    expect(course400.status).toBe(400);
    expect(Object.keys(course400.body.error.fields).sort()).toEqual(['category', 'hours', 'id', 'passMark', 'requiredForRoles.0', 'title']);
    const twice = await api.call('POST', '/courses', { as: MANAGER, body: { title: 'T', category: 'sales_skills', requiredForRoles: ['rep', 'rep'], hours: 1 } });
    expect(Object.keys(twice.body.error.fields)).toEqual(['requiredForRoles']);
    const score = await api.call('POST', `/enrolments/${enrolment.rep2Selling.id}/completion`, { as: REP2, body: { score: 101, status: 'passed' } });
    expect(score.status).toBe(400);
    expect(Object.keys(score.body.error.fields).sort()).toEqual(['score', 'status']);
    const enrol = await api.call('POST', `/courses/${course.elective.id}/enrolments`, { as: REP2, body: {} });
    expect(Object.keys(enrol.body.error.fields)).toEqual(['userId']);
    expect((await api.call('GET', '/courses?category=golf', { as: REP2 })).body.error.fields).toHaveProperty('category');
  });
});
