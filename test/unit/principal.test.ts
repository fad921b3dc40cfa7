import { describe, expect, it } from 'vitest';
import { canSee, canSeeTeam, dataScope, type Principal } from '#shared/core/principal';

const p = (roles: Principal['roles'], place: Partial<Principal> = {}): Principal => ({ userId: 'u1', name: 'U', roles, ...place });
const record = { ownerId: 'u2', teamId: 't1', regionId: 'r1' };

describe('data scope: decided in one place', () => {
  it('gives each role its widest scope', () => {
    expect(dataScope(p(['rep'], { teamId: 't1', regionId: 'r1' }))).toEqual({ kind: 'own', userId: 'u1' });
    expect(dataScope(p(['manager'], { teamId: 't1', regionId: 'r1' }))).toEqual({ kind: 'team', teamId: 't1' });
    expect(dataScope(p(['director'], { regionId: 'r1' }))).toEqual({ kind: 'region', regionId: 'r1' });
    for (const role of ['vp', 'finance', 'admin'] as const) expect(dataScope(p([role]))).toEqual({ kind: 'all' });
    expect(dataScope(p(['rep', 'director'], { teamId: 't1', regionId: 'r1' }))).toEqual({ kind: 'region', regionId: 'r1' });
  });

  it('lets a rep see only their own records, a manager the team, a director the region', () => {
    expect(canSee(p(['rep'], { teamId: 't1', regionId: 'r1' }), record)).toBe(false);
    expect(canSee(p(['rep'], { userId: 'u2' } as never), record)).toBe(true);
    expect(canSee(p(['manager'], { teamId: 't1' }), record)).toBe(true);
    expect(canSee(p(['manager'], { teamId: 't2', regionId: 'r1' }), record)).toBe(false);
    expect(canSee(p(['director'], { regionId: 'r1' }), record)).toBe(true);
    expect(canSee(p(['director'], { regionId: 'r2' }), record)).toBe(false);
    expect(canSee(p(['finance']), record)).toBe(true);
  });

  it('treats records with no owner, team or region as reference data', () => {
    expect(canSee(p(['rep']), {})).toBe(true);
  });

  it('shows a team to its members and its region’s director only', () => {
    expect(canSeeTeam(p(['rep'], { teamId: 't1' }), { id: 't1', regionId: 'r1' })).toBe(true);
    expect(canSeeTeam(p(['rep'], { teamId: 't2' }), { id: 't1', regionId: 'r1' })).toBe(false);
    expect(canSeeTeam(p(['director'], { regionId: 'r1' }), { id: 't1', regionId: 'r1' })).toBe(true);
  });
});
