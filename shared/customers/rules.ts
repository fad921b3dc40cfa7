import { AppError, conflict, forbidden, invalid } from '#shared/core/errors';
import { canAssignOwners, canSee, canWriteSalesRecords, hasRole, type Principal } from '#shared/core/principal';
import type { CreateCustomer, Customer, PatchCustomer } from './schemas.ts';

/** The parts of a user record that decide where their customers sit. */
export interface Owner {
  id: string;
  active?: boolean;
  teamId?: string;
  regionId?: string;
}

export const customerScope = (customer: Pick<Customer, 'ownerId' | 'teamId' | 'regionId'>) => ({
  ownerId: customer.ownerId,
  teamId: customer.teamId,
  regionId: customer.regionId,
});

/** A merged-away customer is a tombstone: its orders and deals live on the kept one, so it takes no more writes. */
export const mergedAway = (customer: Pick<Customer, 'id' | 'mergedInto'>) =>
  conflict('merged', `Customer ${customer.id} was merged into ${customer.mergedInto}; use that customer instead`, { customerId: `Merged into ${customer.mergedInto}` });

export function assertCanWrite(principal: Principal): void {
  if (!canWriteSalesRecords(principal)) throw forbidden('Your role reads customers but does not change them');
}

/** A customer may go to `owner` when the caller may assign owners and the owner is within the caller's scope. */
export function assertCanAssign(principal: Principal, owner: Owner | undefined, ownerId: string): Owner {
  if (!owner) throw invalid('The owner does not exist', { ownerId: `No user ${ownerId}` });
  if (ownerId !== principal.userId) {
    if (!canAssignOwners(principal)) throw forbidden('A rep’s records are their own; ask a manager to reassign');
    if (!canSee(principal, { ownerId: owner.id, teamId: owner.teamId, regionId: owner.regionId })) {
      throw forbidden('The owner is outside your team or region');
    }
  }
  if (owner.active === false) throw invalid('The owner is deactivated', { ownerId: `User ${ownerId} is deactivated` });
  return owner;
}

export function assertTierChange(principal: Principal, tier: string | undefined, current?: string): void {
  if (tier !== undefined && tier !== current && !hasRole(principal, 'admin')) {
    throw new AppError(403, 'forbidden', 'Only an admin sets a customer tier until grading computes it', { tier: 'Admin only' });
  }
}

/** A customer belongs to its owner's team and region; an owner without a region needs one given. */
export function placement(owner: Owner, requestedRegionId?: string): { teamId?: string; regionId: string } {
  if (owner.regionId && requestedRegionId && requestedRegionId !== owner.regionId) {
    throw invalid('A customer sits in its owner’s region', { regionId: `The owner works in region ${owner.regionId}` });
  }
  const regionId = owner.regionId ?? requestedRegionId;
  if (!regionId) throw invalid('This owner has no region; say which region the customer belongs to', { regionId: 'Required' });
  return { teamId: owner.teamId, regionId };
}

export function newCustomer(input: CreateCustomer, owner: Owner, id: string, now: string): Customer {
  const { regionId: requestedRegion, ownerId: _ownerId, ...fields } = input;
  return {
    id,
    ...fields,
    contacts: fields.contacts ?? [],
    tags: fields.tags ?? [],
    tier: fields.tier ?? 'C',
    ownerId: owner.id,
    ...placement(owner, requestedRegion),
    status: 'active',
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

export function applyPatch(current: Customer, patch: PatchCustomer, newOwner: Owner | undefined, now: string): Customer {
  const { ownerId: _ownerId, ...fields } = patch;
  return {
    ...current,
    ...fields,
    ...(newOwner ? { ownerId: newOwner.id, ...placement(newOwner, newOwner.regionId ? undefined : current.regionId) } : {}),
    version: current.version + 1,
    updatedAt: now,
  };
}
