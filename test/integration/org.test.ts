import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';

let api: Awaited<ReturnType<typeof testApi>>;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

describe('tokens and /me', () => {
  it('a dev token for admin reads /me; no token or a forged token is a JSON 401', async () => {
    const token = await api.call('POST', '/dev/token', { body: { userId: 'admin' } });
    expect(token.status).toBe(200);
    expect(new Date(token.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const me = await api.call('GET', '/me', { headers: { authorization: `Bearer ${token.body.token}` } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: 'admin', roles: ['admin'] });
    const none = await api.call('GET', '/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const forged = token.body.token.slice(0, -4) + 'AAAA';
    expect((await api.call('GET', '/me', { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
  });

  it('a deactivated user is refused at once, even with a valid token', async () => {
    await api.tokenFor('rep-south-commercial-3');
    const user = await api.call('GET', '/users/rep-south-commercial-3', { as: 'admin' });
    const off = await api.call('PATCH', '/users/rep-south-commercial-3', { as: 'admin', body: { active: false }, headers: { 'if-match': user.headers.get('etag')! } });
    expect(off.status).toBe(200);
    expect((await api.call('GET', '/me', { as: 'rep-south-commercial-3' })).status).toBe(403);
    expect((await api.call('POST', '/dev/token', { body: { userId: 'rep-south-commercial-3' } })).status).toBe(404);
  });

  it('POST /dev/token does not exist outside the local stage', async () => {
    const cloud = await testApi({ stage: 'aws' });
    const res = await cloud.call('POST', '/dev/token', { body: { userId: 'admin' } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('organisation reads within scope', () => {
  it('users: a rep sees themself, a manager the team, a director the region, admin everyone', async () => {
    const ids = async (as: string) => ((await api.call('GET', '/users?limit=100', { as })).body.items as any[]).map((u) => u.id).sort();
    expect(await ids('rep-east-enterprise-1')).toEqual(['rep-east-enterprise-1']);
    expect(await ids('manager-east-enterprise')).toEqual(['manager-east-enterprise', 'rep-east-enterprise-1', 'rep-east-enterprise-2', 'rep-east-enterprise-3']);
    const region = await ids('director-east');
    expect(region).toHaveLength(1 + 2 + 6);
    expect(region.every((id) => id.includes('east'))).toBe(true);
    expect(await ids('admin')).toHaveLength(23); // admin, vp, finance, 2 directors, 4 sales managers, 12 reps, finance and legal managers
    expect((await api.call('GET', '/users/rep-south-enterprise-1', { as: 'manager-east-enterprise' })).status).toBe(404);
  });

  it('a team answers with its members in one read; outsiders get 404', async () => {
    const team = await api.call('GET', '/teams/east-enterprise', { as: 'rep-east-enterprise-2' });
    expect(team.status).toBe(200);
    expect(team.body).toMatchObject({ id: 'east-enterprise', regionId: 'east', managerId: 'manager-east-enterprise' });
    expect(team.body.members.map((m: any) => m.id).sort()).toEqual(['manager-east-enterprise', 'rep-east-enterprise-1', 'rep-east-enterprise-2', 'rep-east-enterprise-3']);
    expect(Number(/desc="(\d+)"/.exec(team.headers.get('server-timing')!)![1])).toBeLessThanOrEqual(2);
    expect((await api.call('GET', '/teams/east-enterprise', { as: 'director-south' })).status).toBe(404);
    const teams = await api.call('GET', '/teams', { as: 'director-south' });
    expect(teams.body.items.map((t: any) => t.id).sort()).toEqual(['south-commercial', 'south-enterprise']);
  });

  it('regions and product lines are reference data everyone reads; only admins write', async () => {
    const regions = await api.call('GET', '/regions', { as: 'rep-east-enterprise-1' });
    expect(regions.body.items.map((r: any) => r.id)).toEqual(['east', 'hq', 'south']);
    expect((await api.call('POST', '/regions', { as: 'vp', body: { name: 'North' } })).status).toBe(403);
    const created = await api.call('POST', '/regions', { as: 'admin', body: { id: 'north', name: 'North China 华北' } });
    expect(created.status).toBe(201);
    expect((await api.call('POST', '/regions', { as: 'admin', body: { id: 'north', name: 'Again' } })).status).toBe(409);
    const lines = await api.call('GET', '/product-lines', { as: 'finance' });
    expect(lines.body.items).toHaveLength(3);
  });
});

describe('organisation writes', () => {
  it('an admin creates a team and a rep in it; the rep inherits region and manager', async () => {
    const team = await api.call('POST', '/teams', { as: 'admin', body: { id: 'east-smb', name: 'East SMB', regionId: 'east', managerId: 'manager-east-commercial' } });
    expect(team.status).toBe(201);
    const rep = await api.call('POST', '/users', { as: 'admin', body: { id: 'rep-east-smb-1', name: 'Nina Bo', email: 'Nina@Pentad.example', roles: ['rep'], teamId: 'east-smb' } });
    expect(rep.status).toBe(201);
    expect(rep.body).toMatchObject({ regionId: 'east', managerId: 'manager-east-commercial', email: 'nina@pentad.example', active: true });
    const wrongRegion = await api.call('POST', '/users', { as: 'admin', body: { name: 'X', email: 'x@p.example', roles: ['rep'], teamId: 'east-smb', regionId: 'south' } });
    expect(wrongRegion.status).toBe(400);
    expect(wrongRegion.body.error.fields.regionId).toBeDefined();
    const noTeam = await api.call('POST', '/users', { as: 'admin', body: { name: 'Y', email: 'y@p.example', roles: ['rep'], teamId: 'nope' } });
    expect(noTeam.status).toBe(400);
    expect(noTeam.body.error.fields.teamId).toBeDefined();
  });

  it('moving a user who still owns customers is refused; moving one without customers works', async () => {
    const owner = await api.call('GET', '/users/rep-east-enterprise-3', { as: 'admin' });
    const refused = await api.call('PATCH', '/users/rep-east-enterprise-3', { as: 'admin', body: { teamId: 'east-commercial' }, headers: { 'if-match': owner.headers.get('etag')! } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('owner_has_customers');
    const fresh = await api.call('GET', '/users/rep-east-smb-1', { as: 'admin' });
    const moved = await api.call('PATCH', '/users/rep-east-smb-1', { as: 'admin', body: { teamId: 'south-enterprise' }, headers: { 'if-match': fresh.headers.get('etag')! } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ teamId: 'south-enterprise', regionId: 'south', managerId: 'manager-south-enterprise', version: 2 });
    const members = await api.call('GET', '/teams/south-enterprise', { as: 'admin' });
    expect(members.body.members.map((m: any) => m.id)).toContain('rep-east-smb-1');
    const trail = await api.call('GET', '/audit?entityType=user&entityId=rep-east-smb-1', { as: 'admin' });
    expect(trail.body.items[0].changes).toEqual(
      expect.arrayContaining([
        { field: 'teamId', before: 'east-smb', after: 'south-enterprise' },
        { field: 'regionId', before: 'east', after: 'south' },
      ]),
    );
  });
});
