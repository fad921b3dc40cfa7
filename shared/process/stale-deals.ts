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

/** The most rows one CSV export holds (every page read server-side up to here; past it the answer says truncated). */
export const STALE_EXPORT_CAP = 10_000;

export function createStaleDealService({ db, clock }: { db: Db; clock: Clock }) {
  /** principal (+ the team or region asked for) in one BatchGet: the scope, the cut-off and the index to read. */
  async function prepare(session: Session, query: Pick<StaleDealsQuery, 'days' | 'teamId' | 'regionId'>) {
    const { principal, items } = await session.load([...(query.teamId ? [keys.team(query.teamId)] : []), ...(query.regionId ? [keys.region(query.regionId)] : [])]);
    const found = items[0] && fromItem<{ id: string; regionId: string }>(items[0]);
    const scope = reportScope(principal, query, { team: query.teamId ? found : undefined, region: query.regionId ? found : undefined }, 'stale-deals');
    const now = clock.now();
    const before = new Date(now.getTime() - query.days * DAY_MS).toISOString();
    if (before < '2000') throw invalid('days reaches too far back', { days: 'At most 3650' });
    return { scope, now, before, index: INDEX_OF[scope.kind], partition: reportKeys.openDealPartition(scope.kind, scope.id) };
  }
  type Read = Awaited<ReturnType<typeof prepare>>;

  /** One Query of the scope's partition up to the cut-off, oldest first. */
  async function page(read: Read, limit: number, start: Record<string, unknown> | undefined) {
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: read.index.name,
        KeyConditionExpression: '#pk = :pk AND #sk <= :before',
        ExpressionAttributeNames: { '#pk': read.index.pk, '#sk': read.index.sk },
        ExpressionAttributeValues: { ':pk': read.partition, ':before': reportKeys.openDealEnteredBy(read.before) },
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    const deals = (out.Items ?? []).map((item) => {
      const entry = fromItem<OpenDealEntry>(item);
      return { ...entry, daysInStage: Math.floor((read.now.getTime() - Date.parse(entry.stageEnteredAt)) / DAY_MS) };
    });
    return { deals, last: out.LastEvaluatedKey };
  }

  return {
    /** principal (+ the team or region asked for) in one BatchGet, then one Query: two round trips. */
    async staleDeals(session: Session, query: StaleDealsQuery) {
      const read = await prepare(session, query);
      const start = decodeCursor(query.cursor, { attribute: read.index.pk, value: read.partition }, ['PK', 'SK', read.index.pk, read.index.sk], { attribute: read.index.sk, to: reportKeys.openDealEnteredBy(read.before) });
      const { deals, last } = await page(read, query.limit, start);
      return { scope: read.scope, days: query.days, before: read.before, items: deals, nextCursor: encodeCursor(last) };
    },

    /**
     * Every stale deal in scope, for the CSV export: the same Query page after page (≤ pageSize each) until the
     * partition's range ends or `cap` rows are read; `truncated` says more deals matched than the rows returned.
     */
    async allStaleDeals(session: Session, query: Pick<StaleDealsQuery, 'days' | 'teamId' | 'regionId'>, options: { cap?: number; pageSize?: number } = {}) {
      const cap = options.cap ?? STALE_EXPORT_CAP;
      const pageSize = options.pageSize ?? 1000;
      const read = await prepare(session, query);
      const items: Awaited<ReturnType<typeof page>>['deals'] = [];
      let start: Record<string, unknown> | undefined;
      let truncated = false;
      do {
        // One row past the cap tells a full export from a cut one.
        const { deals, last } = await page(read, Math.min(pageSize, cap + 1 - items.length), start);
        items.push(...deals);
        start = last;
        if (items.length > cap) {
          truncated = true;
          items.length = cap;
          break;
        }
      } while (start);
      return { scope: read.scope, days: query.days, before: read.before, items, truncated, cap };
    },
  };
}
