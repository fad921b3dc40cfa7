import { keys } from '#shared/core/keys';
import { invalid } from '#shared/core/errors';
import type { Item } from '#shared/core/query';
import type { Session } from '#shared/core/session';

/** Where a user sits in the organisation (team, region, manager), checked against what exists. */

/** The items a placement refers to, looked up with the principal in one round trip. */
export interface PlacementLookup {
  team?: Item;
  manager?: Item;
  region?: Item;
}

/**
 * Where a user sits: a team decides the region (a given region must agree); the team's manager is the
 * default manager. `keptTeamRegion` is the region of a team that is not being changed.
 */
export function resolvePlacement(
  want: { teamId?: string | null; regionId?: string | null; managerId?: string | null },
  found: PlacementLookup,
  keptTeamRegion?: string,
): { teamId?: string; regionId?: string; managerId?: string } {
  const teamIsNew = Boolean(want.teamId) && keptTeamRegion === undefined;
  if (teamIsNew && !found.team) throw invalid('The team does not exist', { teamId: `No team ${want.teamId}` });
  if (want.managerId && !found.manager) throw invalid('The manager does not exist', { managerId: `No user ${want.managerId}` });
  const teamRegion = want.teamId ? (teamIsNew ? (found.team!.regionId as string) : keptTeamRegion) : undefined;
  if (want.regionId && !teamRegion && !found.region) throw invalid('The region does not exist', { regionId: `No region ${want.regionId}` });
  if (teamRegion && want.regionId && want.regionId !== teamRegion) {
    throw invalid('The region must be the team’s region', { regionId: `Team ${want.teamId} is in region ${teamRegion}` });
  }
  return {
    teamId: want.teamId ?? undefined,
    regionId: teamRegion ?? want.regionId ?? undefined,
    managerId: want.managerId ?? (teamIsNew ? (found.team!.managerId as string | undefined) : undefined) ?? undefined,
  };
}

/** Loads the principal and the placement's referenced items in one round trip. */
export async function loadPlacement(session: Session, want: { teamId?: string | null; managerId?: string | null; regionId?: string | null }, extra: ReturnType<typeof keys.user>[] = []) {
  const lookups = [
    ...extra,
    ...(want.teamId ? [keys.team(want.teamId)] : []),
    ...(want.managerId ? [keys.user(want.managerId)] : []),
    ...(want.regionId ? [keys.region(want.regionId)] : []),
  ];
  const { principal, items } = await session.load(lookups);
  let at = extra.length;
  const found: PlacementLookup = {
    team: want.teamId ? items[at++] : undefined,
    manager: want.managerId ? items[at++] : undefined,
    region: want.regionId ? items[at++] : undefined,
  };
  return { principal, extraItems: items.slice(0, extra.length), found };
}
