import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

const REP = 'rep-east-enterprise-1';
const TEAMMATE = 'rep-east-enterprise-2';
const OTHER_TEAM_REP = 'rep-east-commercial-1';
const OTHER_REGION_REP = 'rep-south-enterprise-1';

async function listAll(as: string, query = '') {
  const ids: any[] = [];
  let cursor: string | null = null;
  do {
    const res: any = await api.call('GET', `/customers?limit=7${query}${cursor ? `&cursor=${cursor}` : ''}`, { as });
    expect(res.status).toBe(200);
    ids.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

describe('customers: the scoped list', () => {
  it('a rep lists only their own customers, across pages', async () => {
    const items = await listAll(REP);
    expect(items.length).toBe(5);
    expect(new Set(items.map((c) => c.ownerId))).toEqual(new Set([REP]));
  });

  it('a manager lists their team, a director their region, the vp everyone', async () => {
    const team = await listAll('manager-east-enterprise');
    expect(team.length).toBe(15);
    expect(new Set(team.map((c) => c.teamId))).toEqual(new Set(['east-enterprise']));
    const region = await listAll('director-east');
    expect(region.length).toBe(30);
    expect(new Set(region.map((c) => c.regionId))).toEqual(new Set(['east']));
    const all = await listAll('vp');
    expect(all.length).toBe(60);
  });

  it('filters by tier with a key condition and by an owner only within scope', async () => {
    const tierA = await listAll('vp', '&tier=A');
    expect(tierA.length).toBeGreaterThan(0);
    expect(tierA.every((c) => c.tier === 'A')).toBe(true);
    const teammate = await listAll('manager-east-enterprise', `&ownerId=${TEAMMATE}`);
    expect(teammate.length).toBe(5);
    expect(await listAll('manager-east-enterprise', `&ownerId=${OTHER_REGION_REP}`)).toEqual([]);
    expect(await listAll(REP, `&ownerId=${TEAMMATE}`)).toEqual([]);
  });

  it('rejects a cursor from another list', async () => {
    const first: any = await api.call('GET', '/customers?limit=2', { as: 'vp' });
    const res = await api.call('GET', `/customers?limit=2&cursor=${first.body.nextCursor}`, { as: REP });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.cursor).toBeDefined();
  });
});

describe('customers: create, read, update, archive', () => {
  it('a rep creates a customer they own, in their team and region; the id is server-assigned', async () => {
    const res = await api.call('POST', '/customers', {
      as: REP,
      body: { name: 'Nova Robotics', industry: 'Manufacturing', contacts: [{ name: 'Iris Wu', email: 'iris@nova.example', birthday: '1985-04-12' }] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Nova Robotics', ownerId: REP, teamId: 'east-enterprise', regionId: 'east', tier: 'C', status: 'active', version: 1 });
    expect(res.headers.get('etag')).toBe('"1"');
    const read = await api.call('GET', `/customers/${res.body.id}`, { as: 'manager-east-enterprise' });
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('Nova Robotics');
  });

  it('another rep, another team, another region cannot read it (404, never 200)', async () => {
    const created = await api.call('POST', '/customers', { as: REP, body: { name: 'Private Co' } });
    for (const outsider of [TEAMMATE, OTHER_TEAM_REP, OTHER_REGION_REP, 'manager-east-commercial', 'director-south']) {
      const res = await api.call('GET', `/customers/${created.body.id}`, { as: outsider });
      expect(res.status, outsider).toBe(404);
    }
    expect((await api.call('GET', `/customers/${created.body.id}`, { as: 'director-east' })).status).toBe(200);
    expect((await api.call('GET', `/customers/${created.body.id}`, { as: 'finance' })).status).toBe(200);
  });

  it('a rep cannot set the tier or give the customer to someone else; an admin can set the tier', async () => {
    const tier = await api.call('POST', '/customers', { as: REP, body: { name: 'Tiered', tier: 'A' } });
    expect(tier.status).toBe(403);
    const owner = await api.call('POST', '/customers', { as: REP, body: { name: 'Gift', ownerId: TEAMMATE } });
    expect(owner.status).toBe(403);
    const admin = await api.call('POST', '/customers', { as: 'admin', body: { name: 'Admin set', tier: 'A', ownerId: REP } });
    expect(admin.status).toBe(201);
    expect(admin.body).toMatchObject({ tier: 'A', ownerId: REP, teamId: 'east-enterprise' });
  });

  it('a manager assigns within the team but not outside it; finance cannot write', async () => {
    const inTeam = await api.call('POST', '/customers', { as: 'manager-east-enterprise', body: { name: 'For teammate', ownerId: TEAMMATE } });
    expect(inTeam.status).toBe(201);
    expect(inTeam.body.ownerId).toBe(TEAMMATE);
    const outside = await api.call('POST', '/customers', { as: 'manager-east-enterprise', body: { name: 'Elsewhere', ownerId: OTHER_TEAM_REP } });
    expect(outside.status).toBe(403);
    const finance = await api.call('POST', '/customers', { as: 'finance', body: { name: 'Finance try' } });
    expect(finance.status).toBe(403);
  });

  it('PATCH needs If-Match (412), refuses a stale one (409) and answers the new version', async () => {
    const created = await api.call('POST', '/customers', { as: REP, body: { name: 'Versioned' } });
    const id = created.body.id;
    const missing = await api.call('PATCH', `/customers/${id}`, { as: REP, body: { industry: 'Retail' } });
    expect(missing.status).toBe(412);
    const ok = await api.call('PATCH', `/customers/${id}`, { as: REP, body: { industry: 'Retail', creditRating: 'B' }, headers: { 'if-match': '"1"' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ industry: 'Retail', creditRating: 'B', version: 2 });
    expect(ok.headers.get('etag')).toBe('"2"');
    const stale = await api.call('PATCH', `/customers/${id}`, { as: REP, body: { industry: 'Finance' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('version_conflict');
    const after = await api.call('GET', `/customers/${id}`, { as: REP });
    expect(after.body).toMatchObject({ industry: 'Retail', version: 2 });
  });

  it('concurrent writers with the same If-Match: exactly one wins', async () => {
    const created = await api.call('POST', '/customers', { as: REP, body: { name: 'Contended' } });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api.call('PATCH', `/customers/${created.body.id}`, { as: REP, body: { industry: `Industry ${i}` }, headers: { 'if-match': '"1"' } }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(7);
    const final = await api.call('GET', `/customers/${created.body.id}`, { as: REP });
    expect(final.body.version).toBe(2);
  });

  it('a manager reassigns to a teammate; the customer moves to the new owner’s list', async () => {
    const created = await api.call('POST', '/customers', { as: REP, body: { name: 'Moving' } });
    const moved = await api.call('PATCH', `/customers/${created.body.id}`, { as: 'manager-east-enterprise', body: { ownerId: TEAMMATE }, headers: { 'if-match': '"1"' } });
    expect(moved.status).toBe(200);
    expect(moved.body.ownerId).toBe(TEAMMATE);
    expect((await listAll(TEAMMATE)).some((c) => c.id === created.body.id)).toBe(true);
    expect((await listAll(REP)).some((c) => c.id === created.body.id)).toBe(false);
  });

  it('archive hides the customer from the default list and refuses edits', async () => {
    const created = await api.call('POST', '/customers', { as: REP, body: { name: 'Archivable' } });
    const archived = await api.call('POST', `/customers/${created.body.id}/archive`, { as: REP });
    expect(archived.status).toBe(200);
    expect(archived.body.status).toBe('archived');
    expect((await listAll(REP)).some((c) => c.id === created.body.id)).toBe(false);
    expect((await listAll(REP, '&status=archived')).some((c) => c.id === created.body.id)).toBe(true);
    const edit = await api.call('PATCH', `/customers/${created.body.id}`, { as: REP, body: { name: 'x' }, headers: { 'if-match': '"2"' } });
    expect(edit.status).toBe(409);
    expect((await api.call('POST', `/customers/${created.body.id}/archive`, { as: REP })).status).toBe(409);
  });
});

describe('customers: Idempotency-Key', () => {
  it('the same key and body twice creates one customer and replays the answer', async () => {
    const body = { name: 'Idempotent Ltd' };
    const first = await api.call('POST', '/customers', { as: REP, body, headers: { 'idempotency-key': 'create-idem-0001' } });
    const second = await api.call('POST', '/customers', { as: REP, body, headers: { 'idempotency-key': 'create-idem-0001' } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((await listAll(REP)).filter((c) => c.name === 'Idempotent Ltd')).toHaveLength(1);
  });

  it('parallel identical POSTs with one key make one item; the same key with another body is a 422', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api.call('POST', '/customers', { as: TEAMMATE, body: { name: 'Parallel Co' }, headers: { 'idempotency-key': 'parallel-key-0001' } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await listAll(TEAMMATE)).filter((c) => c.name === 'Parallel Co')).toHaveLength(1);
    const reused = await api.call('POST', '/customers', { as: TEAMMATE, body: { name: 'Different' }, headers: { 'idempotency-key': 'parallel-key-0001' } });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
  });
});

describe('customers: audit trail', () => {
  it('records who changed which field, before and after, visible to those who see the customer', async () => {
    const created = await api.call('POST', '/customers', { as: REP, body: { name: 'Audited', industry: 'Retail' } });
    await api.call('PATCH', `/customers/${created.body.id}`, { as: REP, body: { industry: 'Logistics' }, headers: { 'if-match': '"1"' } });
    const trail = await api.call('GET', `/audit?entityType=customer&entityId=${created.body.id}`, { as: 'manager-east-enterprise' });
    expect(trail.status).toBe(200);
    expect(trail.body.items.map((e: any) => e.action)).toEqual(['update', 'create']);
    expect(trail.body.items[0]).toMatchObject({ actorId: REP, changes: [{ field: 'industry', before: 'Retail', after: 'Logistics' }] });
    const hidden = await api.call('GET', `/audit?entityType=customer&entityId=${created.body.id}`, { as: OTHER_REGION_REP });
    expect(hidden.status).toBe(404);
  });
});
