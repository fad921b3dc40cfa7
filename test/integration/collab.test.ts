import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#functions/api/app';
import { testApi } from '#test/support/api';
import { BUCKET_UPPER_SECONDS } from '#shared/core/histogram';

/**
 * The API on a fresh demo table, with a clock the test moves (SLA breaches and resolution times in hours without
 * waiting). Tokens are still checked against real time.
 */
let api: Awaited<ReturnType<typeof testApi>>;
let app: ReturnType<typeof createApp>;
let nowMs = Date.parse('2026-11-02T09:00:00.000Z');
const clock = { now: () => new Date(nowMs) };
const advance = (seconds: number) => (nowMs += seconds * 1000);
const inHours = (h: number) => new Date(nowMs + h * 3600_000).toISOString();

async function call(method: string, path: string, init: { as: string; body?: unknown; headers?: Record<string, string> }) {
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  const headers: Record<string, string> = { authorization: `Bearer ${await api.tokenFor(init.as)}`, ...init.headers };
  if (body) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  const res = await app.request(path, { method, headers, body });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

const REP = 'rep-east-enterprise-1';
const LEGAL = 'manager-legal';
const FINANCE_MGR = 'manager-finance-ops';
const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);
const ask = (as: string, body: Record<string, unknown>) => call('POST', '/collab-requests', { as, body: { subject: 'Contract review', detail: 'Redlines from the customer', dueAt: inHours(48), ...body } });
const move = (as: string, id: string, status: string, note?: string) => call('POST', `/collab-requests/${id}/status`, { as, body: { status, ...(note ? { note } : {}) } });
const notificationsOf = async (userId: string) => (await call('GET', '/notifications?limit=100', { as: userId })).body.items as any[];

beforeAll(async () => {
  api = await testApi({ demo: true });
  app = createApp({ stage: 'local', db: api.db, engine: api.engine, verifier: api.issuer.verifier, clock, maxBodyBytes: 1024 * 1024, devTokens: api.issuer });
});

describe('a request’s life', () => {
  let id: string;

  it('a sales user asks legal about a deal they see; the legal manager is assigned and notified', async () => {
    const customer = (await api.call('GET', '/customers?limit=1', { as: REP })).body.items[0];
    const deal = await api.call('POST', '/deals', { as: REP, body: { customerId: customer.id, title: 'Framework agreement', productLineId: 'crm-suite' } });
    const created = await ask(REP, { toDepartment: 'legal', relatedDealId: deal.body.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ requesterId: REP, toDepartment: 'legal', departmentTeamId: 'legal', assigneeId: LEGAL, status: 'open', breached: false, relatedDealId: deal.body.id, version: 1 });
    id = created.body.id;
    expect((await notificationsOf(LEGAL)).filter((n) => n.kind === 'collab_request').map((n) => n.title)).toEqual(['New legal request: Contract review']);

    // a deal outside the requester's scope is refused without saying whether it exists
    const foreign = await ask('rep-south-enterprise-1', { toDepartment: 'legal', relatedDealId: deal.body.id });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.fields).toHaveProperty('relatedDealId');
  });

  it('is read by the requester, the department’s side and vp/admin only (one round trip)', async () => {
    const read = await call('GET', `/collab-requests/${id}`, { as: REP });
    expect(read.status).toBe(200);
    expect(trips(read)).toBe(2); // the BatchGet and the comments' Query, in parallel
    for (const who of [LEGAL, 'vp', 'admin']) expect((await call('GET', `/collab-requests/${id}`, { as: who })).status, who).toBe(200);
    for (const who of ['rep-east-enterprise-2', 'manager-east-enterprise', FINANCE_MGR, 'finance']) expect((await call('GET', `/collab-requests/${id}`, { as: who })).status, who).toBe(404);
  });

  it('only open can be accepted: two clicks at once take effect once (409 for the second)', async () => {
    expect((await move(LEGAL, id, 'resolved', 'too early')).status).toBe(409);
    expect((await move(REP, id, 'accepted')).status).toBe(403);
    const [a, b] = await Promise.all([move(LEGAL, id, 'accepted', 'On it'), move(LEGAL, id, 'accepted', 'On it')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const again = await move(LEGAL, id, 'accepted');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');
    const read = await call('GET', `/collab-requests/${id}`, { as: REP });
    expect(read.body.history.map((h: any) => h.status)).toEqual(['open', 'accepted']);
    expect(read.body.version).toBe(2);
    expect((await notificationsOf(REP)).filter((n) => n.title.startsWith('Your legal request is accepted'))).toHaveLength(1);
  });

  it('comments go both ways and notify the other side', async () => {
    advance(600);
    const c1 = await call('POST', `/collab-requests/${id}/comments`, { as: LEGAL, body: { text: 'Which version is signed?' } });
    expect(c1.status).toBe(201);
    advance(60);
    await call('POST', `/collab-requests/${id}/comments`, { as: REP, body: { text: 'v3, attached in the deal' } });
    expect((await call('POST', `/collab-requests/${id}/comments`, { as: 'rep-east-enterprise-2', body: { text: 'hi' } })).status).toBe(404);
    const read = await call('GET', `/collab-requests/${id}`, { as: LEGAL });
    expect(read.body.comments.map((c: any) => [c.authorId, c.text])).toEqual([[LEGAL, 'Which version is signed?'], [REP, 'v3, attached in the deal']]);
    expect((await notificationsOf(REP)).some((n) => n.kind === 'collab_comment')).toBe(true);
    expect((await notificationsOf(LEGAL)).some((n) => n.kind === 'collab_comment')).toBe(true);
  });

  it('resolving needs a note; closed is final; the requester rates it once', async () => {
    expect((await call('POST', `/collab-requests/${id}/feedback`, { as: REP, body: { rating: 5 } })).body.error.code).toBe('not_closed');
    const noNote = await move(LEGAL, id, 'resolved');
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.fields).toHaveProperty('note');
    advance(3600);
    const resolved = await move(LEGAL, id, 'resolved', 'Clause 7 amended');
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', breached: false, resolutionSeconds: 4260 });
    expect((await move(LEGAL, id, 'rejected', 'changed my mind')).status).toBe(409);
    expect((await notificationsOf(REP)).filter((n) => n.title.startsWith('Your legal request is resolved'))).toHaveLength(1);

    expect((await call('POST', `/collab-requests/${id}/feedback`, { as: LEGAL, body: { rating: 5 } })).status).toBe(403);
    const rated = await call('POST', `/collab-requests/${id}/feedback`, { as: REP, body: { rating: 4, comment: 'Quick and clear' } });
    expect(rated.status).toBe(200);
    expect(rated.body.feedback).toMatchObject({ rating: 4, comment: 'Quick and clear' });
    const twice = await call('POST', `/collab-requests/${id}/feedback`, { as: REP, body: { rating: 1 } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_rated');
  });

  it('open or accepted can be rejected (by anyone in the department’s team); a rejection is never a breach', async () => {
    const other = await ask(REP, { toDepartment: 'legal', subject: 'Trademark question', dueAt: inHours(1) });
    // a lawyer joins the legal team: the team's members act, not just its manager
    await api.call('POST', '/users', { as: 'admin', body: { id: 'lawyer-1', name: 'Lu Wen', email: 'lawyer-1@pentad.example', roles: ['rep'], teamId: 'legal' } });
    advance(7200);
    expect((await call('GET', `/collab-requests/${other.body.id}`, { as: REP })).body.breached).toBe(true);
    const rejected = await move('lawyer-1', other.body.id, 'rejected', 'Ask marketing');
    expect(rejected.body).toMatchObject({ status: 'rejected', breached: false });
    expect((await move(LEGAL, other.body.id, 'accepted')).status).toBe(409);
  });
});

describe('routing, asking and listing', () => {
  it('a department with no team or no manager is a 409 naming the problem; only sales users ask', async () => {
    const none = await ask(REP, { toDepartment: 'delivery' });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('no_department_team');
    await api.call('POST', '/teams', { as: 'admin', body: { id: 'product-hq', name: 'Product', regionId: 'hq', department: 'product' } });
    const noManager = await ask(REP, { toDepartment: 'product' });
    expect(noManager.status).toBe(409);
    expect(noManager.body.error.code).toBe('no_department_manager');
    for (const who of [FINANCE_MGR, 'finance', 'admin']) expect((await ask(who, { toDepartment: 'legal' })).status, who).toBe(403);
    expect((await ask('director-east', { toDepartment: 'finance' })).body.assigneeId).toBe(FINANCE_MGR);
  });

  it('mine = requested by me; department = a department I belong to (any for vp/admin), newest first', async () => {
    const mine = await call('GET', '/collab-requests?mine=true', { as: REP });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((r: any) => r.subject)).toEqual(['Trademark question', 'Contract review']);
    expect(trips(mine)).toBeLessThanOrEqual(2);
    const legal = await call('GET', '/collab-requests?department=legal', { as: 'lawyer-1' });
    expect(legal.body.items).toHaveLength(2);
    expect(trips(legal)).toBeLessThanOrEqual(3); // the principal, then the caller's team beside the list
    expect((await call('GET', '/collab-requests?department=legal&limit=1', { as: 'vp' })).body.nextCursor).not.toBeNull();
    for (const who of [REP, FINANCE_MGR, 'finance']) expect((await call('GET', '/collab-requests?department=legal', { as: who })).status, who).toBe(403);
    expect((await call('GET', '/collab-requests?department=finance', { as: FINANCE_MGR })).body.items.map((r: any) => r.requesterId)).toEqual(['director-east']);
    for (const query of ['', '?mine=true&department=legal', '?mine=false', '?department=sales']) {
      const bad = await call('GET', `/collab-requests${query}`, { as: 'vp' });
      expect(bad.status, query).toBe(400);
      expect(Object.keys(bad.body.error.fields).length, query).toBeGreaterThan(0);
    }
  });

  it('bad input is a JSON 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ toDepartment: 'sales' }, 'toDepartment'],
      [{ toDepartment: 'legal', dueAt: 'tomorrow' }, 'dueAt'],
      [{ toDepartment: 'legal', dueAt: inHours(-1) }, 'dueAt'],
      [{ toDepartment: 'legal', subject: '' }, 'subject'],
      [{ toDepartment: 'legal', status: 'resolved' }, 'status'],
      [{ toDepartment: 'legal', relatedDealId: 'no such deal!' }, 'relatedDealId'],
    ];
    for (const [body, field] of cases) {
      const res = await ask(REP, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(Object.keys(res.body.error.fields), JSON.stringify(body)).toContain(field);
    }
    const someId = (await call('GET', '/collab-requests?mine=true', { as: REP })).body.items[0].id;
    expect(Object.keys((await call('POST', `/collab-requests/${someId}/feedback`, { as: REP, body: { rating: 6 } })).body.error.fields)).toEqual(['rating']);
    expect(Object.keys((await move(LEGAL, someId, 'open')).body.error.fields)).toEqual(['status']);
  });
});

describe('the resolution report', () => {
  it('per department from counters: median resolution time equals the hand-computed one, breaches, ratings', async () => {
    // Three finance requests accepted at once, resolved after 30 min, 3 h and 30 h.
    const ids: string[] = [];
    for (const subject of ['Credit terms', 'Invoice split', 'Refund']) ids.push((await ask(REP, { toDepartment: 'finance', subject, dueAt: inHours(24) })).body.id);
    for (const id of ids) await move(FINANCE_MGR, id, 'accepted');
    const start = nowMs;
    const resolveAt = async (id: string, seconds: number) => {
      nowMs = start + seconds * 1000;
      return move(FINANCE_MGR, id, 'resolved', 'Done');
    };
    expect((await resolveAt(ids[0]!, 1800)).body).toMatchObject({ resolutionSeconds: 1800, breached: false });
    expect((await resolveAt(ids[1]!, 3 * 3600)).body.resolutionSeconds).toBe(10800);
    const late = await resolveAt(ids[2]!, 30 * 3600);
    expect(late.body).toMatchObject({ resolutionSeconds: 108000, breached: true });
    await call('POST', `/collab-requests/${ids[0]}/feedback`, { as: REP, body: { rating: 5 } });
    await call('POST', `/collab-requests/${ids[1]}/feedback`, { as: REP, body: { rating: 2 } });
    const report = await call('GET', '/reports/collab-resolution', { as: 'manager-east-enterprise' });
    expect(report.status).toBe(200);
    const finance = report.body.departments.find((d: any) => d.department === 'finance');
    // Hand-computed: sorted times 1800, 10800, 108000 s → median 10800 s, counted in the histogram's ≤ 4 h bucket (14400 s).
    const median = [108000, 1800, 10800].sort((a, b) => a - b)[1]!;
    const medianBucket = BUCKET_UPPER_SECONDS.find((upper) => median <= upper);
    expect([median, medianBucket]).toEqual([10800, 14400]);
    expect(finance).toEqual({
      department: 'finance',
      count: 4,
      resolved: 3,
      rejected: 0,
      medianResolutionSeconds: medianBucket,
      p90ResolutionSeconds: 2 * 86400,
      breached: 1,
      overdueOpen: 0,
      ratings: 2,
      averageRating: 3.5,
    });
    const legal = report.body.departments.find((d: any) => d.department === 'legal');
    // the contract review took 4260 s (≤ 4 h bucket); the trademark question was rejected
    expect(legal).toMatchObject({ count: 2, resolved: 1, rejected: 1, medianResolutionSeconds: 14400, breached: 0, overdueOpen: 0, ratings: 1, averageRating: 4 });
    expect(report.body.departments.map((d: any) => d.department)).toEqual(['finance', 'legal', 'delivery', 'product', 'support', 'marketing']);
    expect((await call('GET', '/reports/collab-resolution', { as: REP })).status).toBe(403);

    // director-east's finance request (due 48 h after it was asked) is still open: a day later it is overdue
    advance(24 * 3600);
    const later = await call('GET', '/reports/collab-resolution', { as: 'vp' });
    expect(later.body.departments.find((d: any) => d.department === 'finance')).toMatchObject({ breached: 1, overdueOpen: 1 });
  });
});
