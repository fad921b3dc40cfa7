import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

const REP = 'rep-east-enterprise-1';
const TEAMMATE = 'rep-east-enterprise-2';
const MANAGER = 'manager-east-enterprise';
const OTHER_REGION_REP = 'rep-south-enterprise-1';
const DAY = 86_400_000;

const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString();

async function newCustomer(as = REP, body: Record<string, unknown> = {}) {
  const res = await api.call('POST', '/customers', { as, body: { name: `Care ${Math.random().toString(36).slice(2, 8)}`, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const interact = (id: string, body: Record<string, unknown>, as = REP) => api.call('POST', `/customers/${id}/interactions`, { as, body });

async function listAll(path: string, as: string) {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const res: any = await api.call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${cursor}` : ''}`, { as });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('interactions and intent', () => {
  it('scores intent with decay and stores it on the customer (a demo and a quote request today: hot)', async () => {
    const customer = await newCustomer();
    expect(customer.intent).toMatchObject({ score: 0, level: 'cold' });
    const demo = await interact(customer.id, { type: 'demo', at: daysFromNow(0), note: 'Showed the CRM suite' });
    expect(demo.status).toBe(201);
    expect(demo.body).toMatchObject({ type: 'demo', weight: 5, createdBy: REP, intent: { level: 'warm' } });
    expect(trips(demo)).toBeLessThanOrEqual(3); // the event itself, plus one read to re-evaluate churn health (functions/api/health-signals.ts)
    const quote = await interact(customer.id, { type: 'quote_request', at: daysFromNow(0), outcome: 'Wants a quote for 50 seats' });
    expect(quote.body.intent).toMatchObject({ level: 'hot' });
    expect(quote.body.intent.score).toBeCloseTo(13, 1);
    const stored = await api.call('GET', `/customers/${customer.id}`, { as: REP });
    expect(stored.body).toMatchObject({ version: 3, intent: { level: 'hot' } });
  });

  it('an old interaction counts less: a quote request 28 days ago is worth a quarter (cold)', async () => {
    const customer = await newCustomer();
    const res = await interact(customer.id, { type: 'quote_request', at: daysFromNow(-28) });
    expect(res.body.intent.score).toBeCloseTo(2, 1);
    expect(res.body.intent.level).toBe('cold');
  });

  it('lists interactions newest first (by when they happened), page by page', async () => {
    const customer = await newCustomer();
    for (const [type, days] of [['email', -3], ['call', -1], ['event', -10]] as const) expect((await interact(customer.id, { type, at: daysFromNow(days) })).status).toBe(201);
    const first = await api.call('GET', `/customers/${customer.id}/interactions?limit=2`, { as: MANAGER });
    expect(first.body.items.map((i: any) => i.type)).toEqual(['call', 'email']);
    const second = await api.call('GET', `/customers/${customer.id}/interactions?limit=2&cursor=${first.body.nextCursor}`, { as: MANAGER });
    expect(second.body.items.map((i: any) => i.type)).toEqual(['event']);
    expect((await api.call('GET', `/customers/${customer.id}/interactions`, { as: TEAMMATE })).status).toBe(404);
  });

  it('refuses bad input naming the fields, outsiders (404), finance (403) and archived customers (409)', async () => {
    const customer = await newCustomer();
    const bad = await interact(customer.id, { type: 'fax', at: 'yesterday', ownerId: 'x' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['at', 'ownerId', 'type']);
    const future = await interact(customer.id, { type: 'call', at: daysFromNow(1) });
    expect(future.status).toBe(400);
    expect(future.body.error.fields.at).toMatch(/after/);
    expect((await interact(customer.id, { type: 'call', at: daysFromNow(0) }, OTHER_REGION_REP)).status).toBe(404);
    expect((await interact(customer.id, { type: 'call', at: daysFromNow(0) }, 'finance')).status).toBe(403);
    await api.call('POST', `/customers/${customer.id}/archive`, { as: REP });
    expect((await interact(customer.id, { type: 'call', at: daysFromNow(0) })).status).toBe(409);
  });

  it('an interaction bumps the version, so a PATCH holding the older ETag gets 409 (no lost update)', async () => {
    const customer = await newCustomer();
    await interact(customer.id, { type: 'visit', at: daysFromNow(0) });
    const stale = await api.call('PATCH', `/customers/${customer.id}`, { as: REP, body: { industry: 'Retail' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(409);
    const fresh = await api.call('PATCH', `/customers/${customer.id}`, { as: REP, body: { industry: 'Retail' }, headers: { 'if-match': '"2"' } });
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ industry: 'Retail', version: 3, intent: { level: 'cold' }, care: { lastContactAt: expect.any(String) } });
  });

  it('GET /customers?intent=hot is one index query within the caller’s scope', async () => {
    const hot = await newCustomer();
    await interact(hot.id, { type: 'quote_request', at: daysFromNow(0) });
    await interact(hot.id, { type: 'demo', at: daysFromNow(0) });
    const mine = await api.call('GET', '/customers?intent=hot', { as: REP });
    expect(mine.status).toBe(200);
    expect(trips(mine)).toBeLessThanOrEqual(2);
    expect(mine.body.items.map((c: any) => c.id)).toContain(hot.id);
    expect(mine.body.items.every((c: any) => c.intent.level === 'hot' && c.ownerId === REP)).toBe(true);
    for (const who of [MANAGER, 'director-east', 'vp']) {
      const res = await api.call('GET', '/customers?intent=hot&limit=100', { as: who });
      expect(res.body.items.map((c: any) => c.id), who).toContain(hot.id);
      expect(trips(res)).toBeLessThanOrEqual(2);
    }
    for (const who of [TEAMMATE, OTHER_REGION_REP, 'director-south']) {
      expect((await listAll('/customers?intent=hot', who)).map((c) => c.id), who).not.toContain(hot.id);
    }
    expect((await listAll(`/customers?intent=hot&ownerId=${REP}`, TEAMMATE)).map((c) => c.id)).not.toContain(hot.id);
    const cold = await listAll('/customers?intent=cold', REP);
    expect(cold.map((c) => c.id)).not.toContain(hot.id);
    expect(cold.length).toBeGreaterThanOrEqual(5); // the seeded customers, never contacted
    const both = await api.call('GET', '/customers?intent=hot&tier=A', { as: REP });
    expect(both.status).toBe(400);
    expect(both.body.error.fields.tier).toBeDefined();
    expect((await api.call('GET', '/customers?intent=lukewarm', { as: REP })).body.error.fields.intent).toBeDefined();
  });
});

describe('follow-ups: cadence by tier, from an index by owner and due date', () => {
  let overdue: any;
  let due: any;

  beforeAll(async () => {
    overdue = await newCustomer(); // tier C: 60 days
    due = await newCustomer();
    expect((await interact(overdue.id, { type: 'visit', at: daysFromNow(-70) })).body.nextFollowUpAt.slice(0, 10)).toBe(daysFromNow(-10).slice(0, 10));
    await interact(due.id, { type: 'call', at: daysFromNow(-55) });
  });

  it('overdue and due lists come from one query on my own partition', async () => {
    const late = await api.call('GET', '/follow-ups?status=overdue', { as: REP });
    expect(late.status).toBe(200);
    expect(trips(late)).toBeLessThanOrEqual(2);
    expect(late.body.items.map((f: any) => f.customerId)).toContain(overdue.id);
    expect(late.body.items.every((f: any) => f.overdue && f.ownerId === REP)).toBe(true);
    expect(late.body.items.map((f: any) => f.customerId)).not.toContain(due.id);
    const soon = await api.call('GET', '/follow-ups?status=due', { as: REP });
    expect(soon.body.items.map((f: any) => f.customerId)).toEqual(expect.arrayContaining([due.id]));
    expect(soon.body.items.map((f: any) => f.customerId)).not.toContain(overdue.id);
    expect(trips(soon)).toBeLessThanOrEqual(2);
  });

  it('the team view is the manager’s (and a director’s for their region); others get nothing or 403', async () => {
    expect((await listAll('/follow-ups?status=overdue', TEAMMATE)).map((f) => f.customerId)).not.toContain(overdue.id);
    const team = await api.call('GET', '/follow-ups?status=overdue&scope=team', { as: MANAGER });
    expect(team.body.items.map((f: any) => f.customerId)).toContain(overdue.id);
    expect(trips(team)).toBeLessThanOrEqual(2);
    expect((await api.call('GET', '/follow-ups?status=overdue&scope=team', { as: REP })).status).toBe(403);
    expect((await api.call('GET', '/follow-ups?scope=team&teamId=east-enterprise&status=overdue', { as: 'director-east' })).body.items.map((f: any) => f.customerId)).toContain(overdue.id);
    expect((await api.call('GET', '/follow-ups?scope=team&teamId=east-enterprise', { as: 'director-south' })).status).toBe(403);
    expect((await api.call('GET', '/follow-ups?status=late', { as: REP })).body.error.fields.status).toBeDefined();
  });

  it('a visit or call resets the due date; an older, back-dated one does not', async () => {
    await interact(overdue.id, { type: 'call', at: daysFromNow(-80) });
    expect((await listAll('/follow-ups?status=overdue', REP)).map((f) => f.customerId)).toContain(overdue.id);
    await interact(overdue.id, { type: 'email', at: daysFromNow(0) }); // not a contact
    expect((await listAll('/follow-ups?status=overdue', REP)).map((f) => f.customerId)).toContain(overdue.id);
    const call = await interact(overdue.id, { type: 'call', at: daysFromNow(0) });
    expect(call.body.nextFollowUpAt.slice(0, 10)).toBe(daysFromNow(60).slice(0, 10));
    expect((await listAll('/follow-ups?status=overdue', REP)).map((f) => f.customerId)).not.toContain(overdue.id);
  });

  it('a tier change moves the due date; a reassignment moves the follow-up to the new owner', async () => {
    const read = await api.call('GET', `/customers/${due.id}`, { as: REP });
    const tierA = await api.call('PATCH', `/customers/${due.id}`, { as: 'admin', body: { tier: 'A' }, headers: { 'if-match': read.headers.get('etag')! } });
    expect(tierA.status, JSON.stringify(tierA.body)).toBe(200);
    expect(tierA.body.care.nextFollowUpAt.slice(0, 10)).toBe(daysFromNow(-55 + 14).slice(0, 10));
    expect((await listAll('/follow-ups?status=overdue', REP)).map((f) => f.customerId)).toContain(due.id);
    const moved = await api.call('PATCH', `/customers/${due.id}`, { as: MANAGER, body: { ownerId: TEAMMATE }, headers: { 'if-match': tierA.headers.get('etag')! } });
    expect(moved.status).toBe(200);
    expect((await listAll('/follow-ups?status=overdue', REP)).map((f) => f.customerId)).not.toContain(due.id);
    expect((await listAll('/follow-ups?status=overdue', TEAMMATE)).find((f) => f.customerId === due.id)).toMatchObject({ tier: 'A', ownerId: TEAMMATE });
  });
});

describe('service tickets', () => {
  it('a complaint opens with an SLA and updates the care signals in the same write', async () => {
    const customer = await newCustomer();
    const bad = await api.call('POST', `/customers/${customer.id}/tickets`, { as: REP, body: { type: 'complaint', severity: 'urgent', subject: '', status: 'resolved' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['severity', 'status', 'subject']);
    const opened = await api.call('POST', `/customers/${customer.id}/tickets`, { as: REP, body: { type: 'complaint', severity: 'high', subject: 'Invoices arrive late', detail: 'Third time' } });
    expect(opened.status).toBe(201);
    expect(trips(opened)).toBeLessThanOrEqual(3); // the event itself, plus one read to re-evaluate churn health (functions/api/health-signals.ts)
    expect(opened.body).toMatchObject({ type: 'complaint', status: 'open', slaHours: 24, breached: false, version: 1 });
    expect(Date.parse(opened.body.dueAt) - Date.parse(opened.body.createdAt)).toBe(24 * 3600 * 1000);
    const after = await api.call('GET', `/customers/${customer.id}`, { as: REP });
    expect(after.body.care).toMatchObject({ openTickets: 1, complaintDates: [daysFromNow(0).slice(0, 10)] });
    expect(after.body.version).toBe(2);
    await api.call('POST', `/customers/${customer.id}/tickets`, { as: REP, body: { type: 'question', severity: 'low', subject: 'How do I export?' } });
    const list = await api.call('GET', `/customers/${customer.id}/tickets`, { as: MANAGER });
    expect(list.body.items.map((t: any) => t.type)).toEqual(['question', 'complaint']);
    expect(trips(list)).toBeLessThanOrEqual(2);
    const care = (await api.call('GET', `/customers/${customer.id}`, { as: REP })).body.care;
    expect(care).toMatchObject({ openTickets: 2, complaintDates: [daysFromNow(0).slice(0, 10)] });
  });

  it('moves open → in_progress → resolved with If-Match; resolving lowers openTickets; outsiders get 404', async () => {
    const customer = await newCustomer();
    const ticket = (await api.call('POST', `/customers/${customer.id}/tickets`, { as: REP, body: { type: 'service', severity: 'critical', subject: 'Sync stopped' } })).body;
    expect(ticket.slaHours).toBe(4);
    const path = `/tickets/${ticket.id}`;
    expect((await api.call('PATCH', path, { as: REP, body: { status: 'in_progress' } })).status).toBe(412);
    expect((await api.call('PATCH', path, { as: OTHER_REGION_REP, body: { status: 'in_progress' }, headers: { 'if-match': '"1"' } })).status).toBe(404);
    expect((await api.call('PATCH', path, { as: OTHER_REGION_REP, body: { status: 'in_progress' }, headers: { 'if-match': '"7"' } })).status).toBe(404);
    expect((await api.call('GET', path, { as: TEAMMATE })).status).toBe(404);
    const started = await api.call('PATCH', path, { as: REP, body: { status: 'in_progress' }, headers: { 'if-match': '"1"' } });
    expect(started.status).toBe(200);
    expect(started.headers.get('etag')).toBe('"2"');
    expect(trips(started)).toBeLessThanOrEqual(2);
    expect((await api.call('PATCH', path, { as: REP, body: { status: 'resolved' }, headers: { 'if-match': '"1"' } })).status).toBe(409);
    const resolved = await api.call('PATCH', path, { as: MANAGER, body: { status: 'resolved', resolution: 'Token renewed' }, headers: { 'if-match': '"2"' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', breached: false, resolution: 'Token renewed', version: 3 });
    expect(resolved.body.history.map((h: any) => h.status)).toEqual(['open', 'in_progress', 'resolved']);
    expect((await api.call('GET', `/customers/${customer.id}`, { as: REP })).body.care.openTickets).toBe(0);
    const again = await api.call('PATCH', path, { as: REP, body: { status: 'resolved' }, headers: { 'if-match': '"3"' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');
    const read = await api.call('GET', path, { as: 'director-east' });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"3"');
  });
});

describe('surveys and NPS', () => {
  it('records answers, sets care.lastNps*, and counts per customer, owner, team and region in the same write', async () => {
    const mine = await newCustomer();
    const teammates = await newCustomer(TEAMMATE);
    const bad = await api.call('POST', `/customers/${mine.id}/surveys`, { as: REP, body: { type: 'nps', score: 11 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.score).toBeDefined();
    expect((await api.call('POST', `/customers/${mine.id}/surveys`, { as: REP, body: { type: 'csat', score: 0 } })).body.error.fields.score).toBeDefined();
    for (const score of [10, 9, 6]) {
      const res = await api.call('POST', `/customers/${mine.id}/surveys`, { as: REP, body: { type: 'nps', score, comment: `Scored ${score}` } });
      expect(res.status).toBe(201);
      expect(trips(res)).toBeLessThanOrEqual(3); // the survey, plus one read to re-evaluate churn health
    }
    await api.call('POST', `/customers/${teammates.id}/surveys`, { as: TEAMMATE, body: { type: 'nps', score: 7 } });
    await api.call('POST', `/customers/${mine.id}/surveys`, { as: REP, body: { type: 'csat', score: 4 } });
    expect((await api.call('GET', `/customers/${mine.id}`, { as: REP })).body.care).toMatchObject({ lastNps: 6, lastNpsComment: 'Scored 6' });

    const team = await api.call('GET', '/reports/nps', { as: MANAGER });
    expect(team.body).toMatchObject({ scope: { kind: 'team', id: 'east-enterprise' }, promoters: 2, passives: 1, detractors: 1, responses: 4, nps: 25, csat: { responses: 1, average: 4 } });
    expect(trips(team)).toBeLessThanOrEqual(2);
    expect((await api.call('GET', '/reports/nps', { as: REP })).body).toMatchObject({ scope: { kind: 'owner', id: REP }, responses: 3, nps: 33.3 });
    expect((await api.call('GET', `/reports/nps?customerId=${mine.id}`, { as: MANAGER })).body).toMatchObject({ scope: { kind: 'customer' }, responses: 3 });
    expect((await api.call('GET', '/reports/nps', { as: 'director-east' })).body).toMatchObject({ scope: { kind: 'region', id: 'east' }, responses: 4, nps: 25 });
    expect((await api.call('GET', '/reports/nps?regionId=south', { as: 'vp' })).body.responses).toBe(0);
    expect((await api.call('GET', '/reports/nps?teamId=east-enterprise', { as: 'manager-south-enterprise' })).status).toBe(403);
    expect((await api.call('GET', '/reports/nps?teamId=east-enterprise', { as: REP })).status).toBe(403);
    expect((await api.call('GET', `/reports/nps?customerId=${mine.id}`, { as: TEAMMATE })).status).toBe(404);
  });
});
