import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { keys, reportKeys } from '#shared/core/keys';
import { invalid } from '#shared/core/errors';
import { fromItem } from '#shared/core/query';
import { decodeCursor, encodeCursor, pageQuery } from '#shared/core/pagination';
import { entityId } from '#shared/core/schemas';
import type { Session } from '#shared/core/session';
import { reportScope, type ScopeRef } from './funnel.ts';
import type { Deal } from './schemas.ts';

/**
 * Stale deals: open deals whose stage has not changed for N days. Each open deal has one small entry (its
 * partition, SK OPEN_SINCE) whose index sort keys begin with the time it entered its stage; the deal's own
 * transactions keep it: created with the deal, rewritten on every move or edit, deleted on won/lost.
 * A report is one Query of one scope partition up to the cut-off, oldest first.
 */

export interface OpenDealEntry {
  dealId: string;
  title: string;
  customerId: string;
  stage: string;
  stageEnteredAt: string;
  ownerId: string;
  teamId: string | null;
  regionId: string;
  amount: number | null;
  currency: string;
}

/** The write that keeps a deal's entry true after a change (append it to the deal's transaction). */
export function openDealWrite(db: Db, before: Deal | undefined, after: Deal) {
  if (after.status === 'open') {
    const entry: OpenDealEntry = {
      dealId: after.id,
      title: after.title,
      customerId: after.customerId,
      stage: after.stage,
      stageEnteredAt: after.stageEntry.at,
      ownerId: after.ownerId,
      teamId: after.teamId ?? null,
      regionId: after.regionId,
      amount: after.amount ?? null,
      currency: after.currency,
    };
    const indexes = reportKeys.openDealIndexes({ id: after.id, ownerId: after.ownerId, teamId: after.teamId, regionId: after.regionId, enteredAt: after.stageEntry.at });
    return [{ Put: { TableName: db.tableName, Item: { ...reportKeys.openDeal(after.id), ...indexes, type: 'open_deal', ...entry } } }];
  }
  return before?.status === 'open' ? [{ Delete: { TableName: db.tableName, Key: reportKeys.openDeal(after.id) } }] : [];
}

export const staleDealsQuery = z
  .strictObject({
    days: z.coerce.number().int().min(1).max(3650).describe('No stage change for at least this many days'),
    teamId: entityId.optional(),
    regionId: entityId.optional(),
    ...pageQuery,
  })
  .refine((q) => !(q.teamId && q.regionId), { message: 'Ask for a team or a region, not both', path: ['regionId'] });
export type StaleDealsQuery = z.infer<typeof staleDealsQuery>;

export const staleDealsView = z.object({
  scope: z.object({ kind: z.enum(['owner', 'team', 'region', 'all']), id: z.string().optional() }),
  days: z.number(),
  before: z.string().describe('Deals whose current stage began at or before this time'),
  items: z.array(
    z.object({
      dealId: z.string(),
      title: z.string(),
      customerId: z.string(),
      stage: z.string(),
      stageEnteredAt: z.string(),
      daysInStage: z.number().int(),
      ownerId: z.string(),
      teamId: z.string().nullable(),
      regionId: z.string(),
      amount: z.number().nullable(),
      currency: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

const INDEX_OF: Record<ScopeRef['kind'], { name: string; pk: string; sk: string }> = {
  owner: { name: 'GSI1', pk: 'GSI1PK', sk: 'GSI1SK' },
  team: { name: 'GSI2', pk: 'GSI2PK', sk: 'GSI2SK' },
  region: { name: 'GSI3', pk: 'GSI3PK', sk: 'GSI3SK' },
  all: { name: 'GSI4', pk: 'GSI4PK', sk: 'GSI4SK' },
};

const DAY_MS = 86_400_000;

export function createStaleDealService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    /** principal (+ the team or region asked for) in one BatchGet, then one Query: two round trips. */
    async staleDeals(session: Session, query: StaleDealsQuery) {
      const { principal, items } = await session.load([...(query.teamId ? [keys.team(query.teamId)] : []), ...(query.regionId ? [keys.region(query.regionId)] : [])]);
      const found = items[0] && fromItem<{ id: string; regionId: string }>(items[0]);
      const scope = reportScope(principal, query, { team: query.teamId ? found : undefined, region: query.regionId ? found : undefined });
      const now = clock.now();
      const before = new Date(now.getTime() - query.days * DAY_MS).toISOString();
      if (before < '2000') throw invalid('days reaches too far back', { days: 'At most 3650' });
      const index = INDEX_OF[scope.kind];
      const partition = reportKeys.openDealPartition(scope.kind, scope.id);
      const out = await db.doc.send(
        new QueryCommand({
          TableName: db.tableName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk AND #sk <= :before',
          ExpressionAttributeNames: { '#pk': index.pk, '#sk': index.sk },
          ExpressionAttributeValues: { ':pk': partition, ':before': reportKeys.openDealEnteredBy(before) },
          Limit: query.limit,
          ExclusiveStartKey: decodeCursor(query.cursor, { attribute: index.pk, value: partition }, ['PK', 'SK', index.pk, index.sk]),
        }),
      );
      const deals = (out.Items ?? []).map((item) => {
        const entry = fromItem<OpenDealEntry>(item);
        return { ...entry, daysInStage: Math.floor((now.getTime() - Date.parse(entry.stageEnteredAt)) / DAY_MS) };
      });
      return { scope, days: query.days, before, items: deals, nextCursor: encodeCursor(out.LastEvaluatedKey) };
    },
  };
}
