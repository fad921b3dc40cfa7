import type { Db } from '#shared/core/db';
import { indexPartition } from '#shared/core/keys';
import { queryAll, type Item } from '#shared/core/query';

/** A place whose people are listed: a team, a region, or everyone. */
export type MemberPlace = { kind: 'team'; id: string } | { kind: 'region'; id: string } | { kind: 'all' };

/**
 * The people of a place from its one index partition, every page. A team's partition also yields the team's own
 * item first (its sort key is `MEMBER`, its members' `MEMBER#…`), which callers use to authorize; keep `type: 'user'`
 * for people. Region partitions hold teams too, so only `USER#…` is read there.
 */
export async function membersOf(db: Db, place: MemberPlace): Promise<Item[]> {
  const query =
    place.kind === 'team'
      ? { IndexName: 'GSI2', KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :sk)', ExpressionAttributeValues: { ':pk': indexPartition.team(place.id), ':sk': 'MEMBER' } }
      : place.kind === 'region'
        ? { IndexName: 'GSI3', KeyConditionExpression: 'GSI3PK = :pk AND begins_with(GSI3SK, :sk)', ExpressionAttributeValues: { ':pk': indexPartition.region(place.id), ':sk': 'USER#' } }
        : { IndexName: 'GSI4', KeyConditionExpression: 'GSI4PK = :pk', ExpressionAttributeValues: { ':pk': indexPartition.all('USERS') } };
  return queryAll(db, query);
}
