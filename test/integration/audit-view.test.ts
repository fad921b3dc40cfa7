import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';

/**
 * GET /audit by actor and by time, within scope. A pinned clock: the demo seed on 2026-03-01, a first round of
 * changes on 2026-03-10, a second on 2026-03-20; lists start at 03-05 so the seed's own entries stay out.
 */
const DAY = 86_400_000;
const BASE = Date.parse('2026-03-01T08:00:00.000Z');
const started = Date.now();
let shift = 0;
const clock = { now: () => new Date(BASE + shift + (Date.now() - started)) };

const REP = 'rep-east-enterprise-1';
const MATE = 'rep-east-enterprise-2';
const SOUTH = 'rep-south-enterprise-1';
const MANAGER = 'manager-east-enterprise';

let api: Awaited<ReturnType<typeof testApi>>;
const ids: Record<string, string> = {};

async function create(as: string, name: string) {
  const res = await api.call('POST', '/customers', { as, body: { name, industry: 'Retail' } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}
async function patch(as: string, id: string, industry: string) {
  const current = await api.call('GET', `/customers/${id}`, { as });
  const res = await api.call('PATCH', `/customers/${id}`, { as, body: { industry }, headers: { 'if-match': current.headers.get('etag')! } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}
const audit = (query: string, as: string) => api.call('GET', `/audit?${query}`, { as });
/** [entity id, action, changed fields] of each entry, newest first. */
const lines = (res: any) => res.body.items.map((e: any) => [e.entityId, e.action, e.changes.map((c: any) => c.field).filter((f: string) => f === 'industry')]);

beforeAll(async () => {
  api = await testApi({ demo: true, clock });
  shift = 9 * DAY; // 2026-03-10
  ids.alpha = await create(REP, 'Audit View Alpha Trading');
  await patch(MANAGER, ids.alpha, 'Logistics');
  shift = 19 * DAY; // 2026-03-20
  await patch(REP, ids.alpha, 'Finance');
  ids.beta = await create(REP, 'Audit View Beta Holdings');
  ids.gamma = await create(SOUTH, 'Audit View Gamma Medical');
}, 60_000);

describe('GET /audit?actorId=', () => {
  it('everything one person changed, newest first, with field-level diffs', async () => {
    const res = await audit(`actorId=${REP}&from=2026-03-05`, REP);
    expect(res.status).toBe(200);
    expect(lines(res)).toEqual([
      [ids.beta, 'create', ['industry']],
      [ids.alpha, 'update', ['industry']],
      [ids.alpha, 'create', ['industry']],
    ]);
    expect(res.body.items[1].changes.find((c: any) => c.field === 'industry')).toEqual({ field: 'industry', before: 'Logistics', after: 'Finance' });
  });

  it('pages with limit and the opaque cursor; a cursor of another actor is refused', async () => {
    const first = await audit(`actorId=${REP}&from=2026-03-05&limit=2`, REP);
    expect(first.body.items).toHaveLength(2);
    const second = await audit(`actorId=${REP}&from=2026-03-05&limit=2&cursor=${first.body.nextCursor}`, REP);
    expect(lines(second)).toEqual([[ids.alpha, 'create', ['industry']]]);
    const foreign = await audit(`actorId=${MATE}&limit=2&cursor=${first.body.nextCursor}`, REP);
    expect([foreign.status, Object.keys(foreign.body.error.fields)]).toEqual([400, ['cursor']]);
  });

  it('from/to bound the time (a day alone is the whole day, UTC)', async () => {
    expect(lines(await audit(`actorId=${REP}&from=2026-03-15`, REP)).map((l: any) => l[1])).toEqual(['create', 'update']);
    expect(lines(await audit(`actorId=${REP}&from=2026-03-05&to=2026-03-10`, REP))).toEqual([[ids.alpha, 'create', ['industry']]]);
    expect(lines(await audit(`actorId=${REP}&from=2026-03-20T00:00:00Z&to=2026-03-20T23:59:59Z&limit=1`, REP))).toEqual([[ids.beta, 'create', ['industry']]]);
  });

  it('only entries whose record the caller may see: own records, team, region, everything', async () => {
    // The manager's change to the rep's customer: the rep sees it (their record), a teammate does not.
    expect(lines(await audit(`actorId=${MANAGER}&from=2026-03-05`, REP))).toEqual([[ids.alpha, 'update', ['industry']]]);
    expect((await audit(`actorId=${MANAGER}&from=2026-03-05`, MATE)).body.items).toEqual([]);
    expect((await audit(`actorId=${REP}&from=2026-03-05`, MANAGER)).body.items).toHaveLength(3);
    expect((await audit(`actorId=${REP}&from=2026-03-05`, SOUTH)).body.items).toEqual([]);
    expect((await audit(`actorId=${SOUTH}&from=2026-03-05`, 'director-east')).body.items).toEqual([]);
    expect(lines(await audit(`actorId=${SOUTH}&from=2026-03-05`, 'director-south'))).toEqual([[ids.gamma, 'create', ['industry']]]);
    expect((await audit(`actorId=${SOUTH}&from=2026-03-05`, 'vp')).body.items).toHaveLength(1);
  });
});

describe('GET /audit?actorId= and records with no place', () => {
  it('shows a company target’s entries only to org-wide roles and to whoever made them', async () => {
    const target = await api.call('POST', '/targets', { as: 'vp', body: { fiscalYear: 2026, amount: 12_000_000, tiers: { base: 12_000_000, sprint: 14_000_000, challenge: 16_000_000 } } });
    expect(target.status, JSON.stringify(target.body)).toBe(201);
    const about = (res: any) => (res.body.items as any[]).filter((e) => e.entityId === target.body.id);
    expect(about(await audit('actorId=vp', REP))).toEqual([]);
    expect(about(await audit('actorId=vp', MANAGER))).toEqual([]);
    expect(about(await audit('actorId=vp', 'finance'))).toHaveLength(1);
    expect(about(await audit('actorId=vp', 'vp'))).toHaveLength(1);
  });
});

describe('GET /audit?entityType=&entityId=', () => {
  it('still lists one record’s trail, now also within a time range and for one actor', async () => {
    expect(lines(await audit(`entityType=customer&entityId=${ids.alpha}`, REP)).map((l: any) => l[1])).toEqual(['update', 'update', 'create']);
    expect(lines(await audit(`entityType=customer&entityId=${ids.alpha}&from=2026-03-15`, REP)).map((l: any) => l[1])).toEqual(['update']);
    const byManager = await audit(`entityType=customer&entityId=${ids.alpha}&actorId=${MANAGER}`, 'vp');
    expect(byManager.body.items.map((e: any) => [e.actorId, e.action])).toEqual([[MANAGER, 'update']]);
    expect((await audit(`entityType=customer&entityId=${ids.alpha}`, SOUTH)).status).toBe(404);
  });
});

describe('GET /audit: bad combinations are a 400 naming the field', () => {
  it.each([
    ['entityType=customer', 'entityId'],
    [`entityId=${'x1'}`, 'entityType'],
    ['', 'entityType'],
    [`actorId=${REP}&from=2026-03-20&to=2026-03-10`, 'from'],
    [`actorId=${REP}&from=yesterday`, 'from'],
    ['actorId=not%20an%20id', 'actorId'],
  ])('%s → %s', async (query, field) => {
    const res = await audit(query, REP);
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty(field);
  });
});

describe('GET /audit cursors are opaque and checked on the way in', () => {
  const decode = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  const encode = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
  const refused = async (query: string, as = REP) => {
    const res = await audit(query, as);
    expect([res.status, Object.keys(res.body.error?.fields ?? {})], `${query}: ${JSON.stringify(res.body)}`).toEqual([400, ['cursor']]);
  };

  it('a page’s nextCursor is URL-safe base64 that shows no table key, and continues the list', async () => {
    for (const query of [`actorId=${REP}&from=2026-03-05&limit=1`, `entityType=customer&entityId=${ids.alpha}&limit=1`]) {
      const first = await audit(query, REP);
      expect(first.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(first.body.nextCursor).not.toMatch(/AUDIT|ACTOR|CUSTOMER|#/);
      const next = await audit(`${query}&cursor=${first.body.nextCursor}`, REP);
      expect(next.status).toBe(200);
      expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
    }
  });

  it('garbage, edited or foreign cursors are a 400 naming cursor, never a 500', async () => {
    const byActor = (await audit(`actorId=${REP}&from=2026-03-05&limit=1`, REP)).body.nextCursor as string;
    const byEntity = (await audit(`entityType=customer&entityId=${ids.alpha}&limit=1`, REP)).body.nextCursor as string;
    await refused(`actorId=${REP}&cursor=not-a-cursor`);
    await refused(`actorId=${REP}&cursor=${encode(['PK', 'SK'])}`);
    await refused(`actorId=${REP}&cursor=${encode({ ...decode(byActor), GSI1SK: 5 })}`);
    // The entity trail's cursor on the actor list, and the other way round.
    await refused(`actorId=${REP}&cursor=${byEntity}`);
    await refused(`entityType=customer&entityId=${ids.alpha}&cursor=${byActor}`);
    // Another record's trail: the cursor names the partition it was made for.
    await refused(`entityType=customer&entityId=${ids.beta}&cursor=${byEntity}`);
    // A cursor outside the time range asked for (made without one) is refused, not sent on to DynamoDB.
    await refused(`actorId=${REP}&from=2026-03-05&to=2026-03-10&cursor=${byActor}`);
    await refused(`actorId=${REP}&from=2026-03-21&cursor=${byActor}`);
  });
});
