import { describe, expect, it } from 'vitest';
import { applyPatch, assertCanAssign, assertTierChange, newCustomer, placement } from '#shared/customers/rules';
import type { Principal } from '#shared/core/principal';

const rep: Principal = { userId: 'rep1', name: 'R', roles: ['rep'], teamId: 't1', regionId: 'r1' };
const manager: Principal = { userId: 'm1', name: 'M', roles: ['manager'], teamId: 't1', regionId: 'r1' };
const admin: Principal = { userId: 'admin', name: 'A', roles: ['admin'] };

describe('customer rules', () => {
  it('places a customer in its owner’s team and region, and needs a region for an owner without one', () => {
    expect(placement({ id: 'rep1', teamId: 't1', regionId: 'r1' })).toEqual({ teamId: 't1', regionId: 'r1' });
    expect(() => placement({ id: 'rep1', teamId: 't1', regionId: 'r1' }, 'r2')).toThrow(/owner’s region/);
    expect(() => placement({ id: 'admin' })).toThrow(/no region/);
    expect(placement({ id: 'admin' }, 'r2')).toEqual({ teamId: undefined, regionId: 'r2' });
  });

  it('lets a rep own only their customers and a manager assign within the team', () => {
    expect(assertCanAssign(rep, { id: 'rep1', teamId: 't1', regionId: 'r1' }, 'rep1').id).toBe('rep1');
    expect(() => assertCanAssign(rep, { id: 'rep2', teamId: 't1', regionId: 'r1' }, 'rep2')).toThrow(/ask a manager/);
    expect(assertCanAssign(manager, { id: 'rep2', teamId: 't1', regionId: 'r1' }, 'rep2').id).toBe('rep2');
    expect(() => assertCanAssign(manager, { id: 'rep9', teamId: 't9', regionId: 'r1' }, 'rep9')).toThrow(/outside your team/);
    expect(() => assertCanAssign(admin, { id: 'gone', active: false, regionId: 'r1' }, 'gone')).toThrow(/deactivated/);
    expect(() => assertCanAssign(admin, undefined, 'ghost')).toThrow(/does not exist/);
  });

  it('keeps tiers admin-only', () => {
    expect(() => assertTierChange(rep, 'A')).toThrow(/Only an admin/);
    expect(() => assertTierChange(rep, 'C', 'C')).not.toThrow();
    expect(() => assertTierChange(admin, 'A')).not.toThrow();
  });

  it('builds a new customer with server-owned fields and applies a patch with a new version', () => {
    const c = newCustomer({ name: 'Acme', regionId: undefined }, { id: 'rep1', teamId: 't1', regionId: 'r1' }, 'c1', '2026-01-01T00:00:00.000Z');
    expect(c).toMatchObject({ id: 'c1', ownerId: 'rep1', teamId: 't1', regionId: 'r1', tier: 'C', status: 'active', version: 1, contacts: [], tags: [] });
    const moved = applyPatch(c, { name: 'Acme 2', ownerId: 'rep2' }, { id: 'rep2', teamId: 't2', regionId: 'r1' }, '2026-01-02T00:00:00.000Z');
    expect(moved).toMatchObject({ name: 'Acme 2', ownerId: 'rep2', teamId: 't2', version: 2, updatedAt: '2026-01-02T00:00:00.000Z' });
  });
});
