import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '#shared/core/audit';
import { AppError } from '#shared/core/errors';
import { awardBadges } from '#shared/team/recognition';
import { testApi } from '#test/support/api';

let api: Awaited<ReturnType<typeof testApi>>;

const REP1 = 'rep-east-enterprise-1';
const REP2 = 'rep-east-enterprise-2';
const REP3 = 'rep-east-enterprise-3';
const EC = 'rep-east-commercial-1';
const MANAGER = 'manager-east-enterprise';
const OTHER_MANAGER = 'manager-east-commercial';

const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);
const recognise = (as: string, body: unknown, headers: Record<string, string> = {}) => api.call('POST', '/recognitions', { as, body, headers });
const notifications = async (userId: string, kind: string) => (await api.call('GET', '/notifications?limit=100', { as: userId })).body.items.filter((n: any) => n.kind === kind);
const badgesOf = async (userId: string, as = userId) => api.call('GET', `/users/${userId}/recognitions?limit=100`, { as });

beforeAll(async () => {
  api = await testApi({ demo: true });
});

describe('POST /recognitions', () => {
  it('a manager recognises someone in their team: 201 with en and zh-CN labels, the recipient is notified, audited', async () => {
    const res = await recognise(MANAGER, { userId: REP1, badge: 'team_player', reason: 'Covered two accounts during the launch' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(trips(res)).toBe(2); // principal + recipient in one BatchGet, then the transaction
    expect(res.body).toMatchObject({
      userId: REP1,
      badge: 'team_player',
      label: { en: 'Team player', 'zh-CN': '最佳团队协作' },
      reason: 'Covered two accounts during the launch',
      awardedBy: MANAGER,
      source: 'manual',
    });
    const notes = await notifications(REP1, 'recognition');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ title: 'New badge: Team player (最佳团队协作)', body: 'Covered two accounts during the launch', readAt: null });
    const audit = await listAudit(api.db, 'recognition', res.body.id, 10);
    expect(audit.items[0]).toMatchObject({ action: 'award', actorId: MANAGER, scope: { ownerId: REP1, teamId: 'east-enterprise', regionId: 'east' } });
  });

  it('a director recognises anyone in their region; outside the scope is 404, a rep or finance cannot give, nobody recognises themselves', async () => {
    expect((await recognise('director-east', { userId: EC, badge: 'customer_hero', reason: 'Saved the Jade account' })).status).toBe(201);
    const outside = await recognise(MANAGER, { userId: EC, badge: 'mentor', reason: 'Not my team' });
    expect(outside.status).toBe(404);
    expect((await recognise('director-east', { userId: 'rep-south-enterprise-1', badge: 'mentor', reason: 'Other region' })).status).toBe(404);
    const byRep = await recognise(REP2, { userId: REP1, badge: 'mentor', reason: 'Taught me a lot' });
    expect(byRep.status).toBe(403);
    expect(byRep.body.error.code).toBe('forbidden');
    expect((await recognise('finance', { userId: REP1, badge: 'mentor', reason: 'Finance reads only' })).status).toBe(403);
    expect((await recognise(MANAGER, { userId: MANAGER, badge: 'mentor', reason: 'Me' })).status).toBe(403);
    expect(await notifications(EC, 'recognition')).toHaveLength(1);
    expect(await notifications(REP1, 'recognition')).toHaveLength(1);
  });

  it('bad input is a 400 naming each field; bad JSON is invalid_json', async () => {
    const bad = await recognise(MANAGER, { userId: REP1, badge: 'employee_of_the_year', reason: '  ', extra: 1 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['badge', 'extra', 'reason']);
    const missing = await recognise(MANAGER, { badge: 'mentor', reason: 'Who?' });
    expect(missing.body.error.fields).toHaveProperty('userId');
    const json = await api.call('POST', '/recognitions', { as: MANAGER, rawBody: '{"userId": "x",' });
    expect(json.status).toBe(400);
    expect(json.body.error.code).toBe('invalid_json');
  });

  it('an Idempotency-Key replays the first answer: one badge, one notification', async () => {
    const body = { userId: REP3, badge: 'fast_closer', reason: 'Closed in 9 days' };
    const first = await recognise(MANAGER, body, { 'Idempotency-Key': 'recognise-rep3-1' });
    const again = await recognise(MANAGER, body, { 'Idempotency-Key': 'recognise-rep3-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect((await badgesOf(REP3)).body.items).toHaveLength(1);
    expect(await notifications(REP3, 'recognition')).toHaveLength(1);
  });
});

describe('GET /users/{id}/recognitions', () => {
  it('newest first in one Query, for the person, their manager, their director and org-wide roles only', async () => {
    expect((await recognise(MANAGER, { userId: REP1, badge: 'mentor', reason: 'Coached the new joiners' })).status).toBe(201);
    const mine = await badgesOf(REP1);
    expect(mine.status).toBe(200);
    expect(trips(mine)).toBe(2); // the person with the principal (BatchGet) and the badges (Query), in parallel
    expect(mine.body.items.map((r: any) => r.badge)).toEqual(['mentor', 'team_player']);
    expect(mine.body.items[0].label).toEqual({ en: 'Mentor', 'zh-CN': '最佳导师' });
    for (const reader of [MANAGER, 'director-east', 'vp']) expect((await badgesOf(REP1, reader)).status).toBe(200);
    for (const outsider of [REP2, OTHER_MANAGER, 'director-south']) expect((await badgesOf(REP1, outsider)).status).toBe(404);
  });
});

describe('awardBadges (review cycle close)', () => {
  const at = new Date().toISOString();
  const cycle = (cycleId: string) => [
    { userId: REP1, badge: 'top_attainment', reason: 'Highest attainment of the cycle', period: '2026-Q1', cycleId, awardedBy: 'system', at },
    { userId: REP1, badge: 'best_nps', reason: 'Best NPS of the cycle', period: '2026-Q1', cycleId, awardedBy: 'system', at },
    { userId: REP2, badge: 'most_improved', reason: 'Up 40% on last quarter', period: '2026-Q1', cycleId, awardedBy: 'system', at },
  ];

  it('awards once per cycle × badge × user and notifies each recipient once, however often the close is retried', async () => {
    const before = { rep1: (await notifications(REP1, 'recognition')).length, rep2: (await notifications(REP2, 'recognition')).length };
    expect(await awardBadges(api.db, cycle('cycle-2026-q1'))).toEqual({ awarded: 3, already: 0 });
    expect(await awardBadges(api.db, cycle('cycle-2026-q1'))).toEqual({ awarded: 0, already: 3 });
    const rep1Notes = await notifications(REP1, 'recognition');
    expect(rep1Notes).toHaveLength(before.rep1 + 1);
    // `at` is the cycle's close time (set before the manual badges above), so its notification is not the newest.
    expect(rep1Notes.filter((n: any) => n.title === 'New badges: Top attainment (业绩达成之星), Best NPS (客户满意之星)')).toHaveLength(1);
    expect(await notifications(REP2, 'recognition')).toHaveLength(before.rep2 + 1);
    const cycleBadges = (await badgesOf(REP1)).body.items.filter((r: any) => r.cycleId === 'cycle-2026-q1');
    expect(cycleBadges.map((r: any) => r.badge).sort()).toEqual(['best_nps', 'top_attainment']);
    expect(cycleBadges[0]).toMatchObject({ source: 'review_cycle', period: '2026-Q1', awardedBy: 'system', awardedAt: at });
  });

  it('two closes of the same cycle at the same moment still award each badge once', async () => {
    const results = await Promise.all([awardBadges(api.db, cycle('cycle-2026-q2')), awardBadges(api.db, cycle('cycle-2026-q2'))]);
    expect(results.reduce((s, r) => s + r.awarded, 0)).toBe(3);
    expect(results.reduce((s, r) => s + r.already, 0)).toBe(3);
    const q2 = (await badgesOf(REP1)).body.items.filter((r: any) => r.cycleId === 'cycle-2026-q2');
    expect(q2).toHaveLength(2);
  });

  it('a repeat inside one call counts as already; an unknown badge is refused, naming the award', async () => {
    const one = cycle('cycle-2026-q3')[2]!;
    expect(await awardBadges(api.db, [one, one])).toEqual({ awarded: 1, already: 1 });
    const error = await awardBadges(api.db, [{ ...one, badge: 'salesperson_of_the_decade' }]).catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(400);
    expect(error.fields).toHaveProperty('awards.0.badge');
  });
});
