import { z } from 'zod';
import type { Db } from '#shared/core/db';
import { keys, targetKeys, type Key } from '#shared/core/keys';
import { queryAll, type Item } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { batchGet } from '#shared/care/store';
import { scopeOf } from './actuals.ts';
import { PERIOD, parsePeriod } from './dashboard.ts';
import { canSeeTarget } from './rules.ts';
import { periodOf } from './store.ts';
import type { TargetNode } from './schemas.ts';

/**
 * GET /reports/attainment: actual vs target (base, sprint, challenge) per region, team, rep or product line for a
 * period. Two round trips: (1) the principal, alongside one Query of the fiscal year's target-lookup partition for
 * the dimension's places (REGION# / TEAM# / REP#) — or, for product lines (which have no lookups), of the year's
 * productLine nodes on GSI4 (TARGETS, TARGET#<fy>#productLine#); (2) one BatchGet of those targets' actuals for the
 * period's months (parallel BatchGets past 100 keys): the place's scope, or place × PL#<id> for a product line.
 * A row appears when a target covers exactly that period and the caller may see it (canSeeTarget: rep own, manager
 * team, director region, org-wide all); actuals are in the target's currency.
 */

/** Dimensions read from the target lookups (by place); productLine is read from the nodes themselves. */
export const DIMENSIONS = { region: 'REGION', team: 'TEAM', rep: 'REP' } as const;
export type AttainmentDimension = keyof typeof DIMENSIONS | 'productLine';
const dimension = z.enum(['region', 'team', 'rep', 'productLine']);

export const attainmentQuery = z.strictObject({
  period: z.string().regex(PERIOD, 'YYYY, YYYY-Qn or YYYY-MM'),
  dimension: dimension.default('rep'),
});
export type AttainmentQuery = z.infer<typeof attainmentQuery>;

const ratio = z.number().nullable();
export const attainmentView = z.object({
  period: z.object({ id: z.string(), from: z.string(), to: z.string() }),
  dimension,
  rows: z.array(
    z.object({
      key: z.string().describe('The region, team, rep or product line id'),
      targetId: z.string(),
      regionId: z.string().nullable().describe('Where the target sits (a product line target may sit under the company, a region, team or rep)'),
      teamId: z.string().nullable(),
      repId: z.string().nullable(),
      currency: z.string(),
      actual: z.number().int().describe('Revenue in the period, minor units'),
      base: z.number().int(),
      sprint: z.number().int(),
      challenge: z.number().int(),
      attainmentBase: ratio.describe('actual ÷ base (a fraction; null when the tier is 0)'),
      attainmentSprint: ratio,
      attainmentChallenge: ratio,
    }),
  ),
});

interface Lookup {
  id: string;
  key: string;
  currency: string;
  tiers: { base: number; sprint: number; challenge: number };
  ownerId?: string | null;
  teamId?: string | null;
  regionId?: string | null;
  repId?: string | null;
  /** The actuals scope the target is measured against (REGION#r, TEAM#t#PL#p, PL#p…). */
  actuals: string;
}

/** Every lookup of one dimension in a fiscal year (all its periods: the period is the last part of the sort key). */
async function lookups(db: Db, fiscalYear: number, prefix: string): Promise<Item[]> {
  return queryAll(db, { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)', ExpressionAttributeValues: { ':pk': targetKeys.lookup(fiscalYear, '', '').PK, ':sk': `${prefix}#` } });
}

/** The year's targets allocated along productLine that cover exactly the period (any place: company, region, team, rep). */
async function productLineTargets(db: Db, fiscalYear: number, periodLookup: string): Promise<Lookup[]> {
  const items = await queryAll(db, {
    IndexName: 'GSI4',
    KeyConditionExpression: 'GSI4PK = :pk AND begins_with(GSI4SK, :sk)',
    ExpressionAttributeValues: { ':pk': targetKeys.allPartition, ':sk': targetKeys.sortPrefix(fiscalYear, 'productLine') },
  });
  return items
    .map((item) => item as unknown as TargetNode)
    .filter((node) => node.dimension === 'productLine' && periodOf(node) === periodLookup)
    .map((node) => ({ ...node, actuals: scopeOf({ regionId: node.regionId, teamId: node.teamId, repId: node.repId, productLineId: node.productLineId }) }));
}

/** Every lookup of one place dimension for exactly the period (the place's id is the middle of the sort key). */
async function placeTargets(db: Db, fiscalYear: number, periodLookup: string, prefix: string): Promise<Lookup[]> {
  return (await lookups(db, fiscalYear, prefix))
    .filter((item) => String(item.SK).endsWith(`#${periodLookup}`) && String(item.SK).split('#').length === 3)
    // The place's id comes from the sort key: a quarter or month node's own key is its period (Q1, 2026-03).
    .map((item) => {
      const key = String(item.SK).split('#')[1]!;
      return { ...(item as unknown as Lookup), key, actuals: `${prefix}#${key}` };
    });
}

async function batchGetAll(db: Db, wanted: Key[]): Promise<(Item | undefined)[]> {
  const chunks: Key[][] = [];
  for (let i = 0; i < wanted.length; i += 100) chunks.push(wanted.slice(i, i + 100));
  return (await Promise.all(chunks.map((chunk) => batchGet(db, chunk)))).flat();
}

const share = (actual: number, tier: number) => (tier > 0 ? actual / tier : null);

export function createAttainmentReport({ db }: { db: Db }) {
  return {
    async attainment(session: Session, query: AttainmentQuery) {
      const period = parsePeriod(query.period);
      const targets = query.dimension === 'productLine' ? productLineTargets(db, period.fiscalYear, period.lookup) : placeTargets(db, period.fiscalYear, period.lookup, DIMENSIONS[query.dimension]);
      const [{ principal }, found] = await Promise.all([session.load(), targets]);
      const mine = found
        .filter((lookup) => canSeeTarget(principal, { ownerId: lookup.ownerId ?? null, teamId: lookup.teamId ?? undefined, regionId: lookup.regionId ?? undefined }))
        .sort((a, b) => a.key.localeCompare(b.key) || a.actuals.localeCompare(b.actuals));
      const actualKeys = mine.flatMap((lookup) => period.months.map((month) => keys.actuals(lookup.actuals, month)));
      const actuals = await batchGetAll(db, actualKeys);
      const rows = mine.map((lookup, i) => {
        const months = actuals.slice(i * period.months.length, (i + 1) * period.months.length);
        const actual = months.reduce((sum, item) => sum + Number(item?.[`amount_${lookup.currency}`] ?? 0), 0);
        const { base, sprint, challenge } = lookup.tiers;
        return {
          key: lookup.key,
          targetId: lookup.id,
          regionId: lookup.regionId ?? null,
          teamId: lookup.teamId ?? null,
          repId: lookup.repId ?? null,
          currency: lookup.currency,
          actual,
          base,
          sprint,
          challenge,
          attainmentBase: share(actual, base),
          attainmentSprint: share(actual, sprint),
          attainmentChallenge: share(actual, challenge),
        };
      });
      return { period: { id: period.id, from: period.months[0]!, to: period.months.at(-1)! }, dimension: query.dimension, rows };
    },
  };
}
