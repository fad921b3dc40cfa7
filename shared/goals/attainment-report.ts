import { z } from 'zod';
import type { Db } from '#shared/core/db';
import { keys, targetKeys, type Key } from '#shared/core/keys';
import { queryAll, type Item } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { batchGet } from '#shared/care/store';
import { PERIOD, parsePeriod } from './dashboard.ts';
import { canSeeTarget } from './rules.ts';

/**
 * GET /reports/attainment: actual vs target (base, sprint, challenge) per region, team or rep for a period.
 * Two round trips: (1) the principal, alongside one Query of the fiscal year's target-lookup partition for the
 * dimension's places (REGION# / TEAM# / REP#); (2) one BatchGet of those places' actuals for the period's months
 * (parallel BatchGets past 100 keys). A key appears when it has a target for exactly that period that the caller
 * may see (canSeeTarget: rep own, manager team, director region, org-wide all); actuals are in the target's currency.
 */

export const DIMENSIONS = { region: 'REGION', team: 'TEAM', rep: 'REP' } as const;
export type AttainmentDimension = keyof typeof DIMENSIONS;

export const attainmentQuery = z.strictObject({
  period: z.string().regex(PERIOD, 'YYYY, YYYY-Qn or YYYY-MM'),
  dimension: z.enum(['region', 'team', 'rep']).default('rep'),
});
export type AttainmentQuery = z.infer<typeof attainmentQuery>;

const ratio = z.number().nullable();
export const attainmentView = z.object({
  period: z.object({ id: z.string(), from: z.string(), to: z.string() }),
  dimension: z.enum(['region', 'team', 'rep']),
  rows: z.array(
    z.object({
      key: z.string().describe('The region, team or rep id'),
      targetId: z.string(),
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
}

/** Every lookup of one dimension in a fiscal year (all its periods: the period is the last part of the sort key). */
async function lookups(db: Db, fiscalYear: number, prefix: string): Promise<Item[]> {
  return queryAll(db, { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)', ExpressionAttributeValues: { ':pk': targetKeys.lookup(fiscalYear, '', '').PK, ':sk': `${prefix}#` } });
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
      const prefix = DIMENSIONS[query.dimension];
      const [{ principal }, found] = await Promise.all([session.load(), lookups(db, period.fiscalYear, prefix)]);
      const mine = found
        .filter((item) => String(item.SK).endsWith(`#${period.lookup}`) && String(item.SK).split('#').length === 3)
        // The place's id comes from the sort key: a quarter or month node's own key is its period (Q1, 2026-03).
        .map((item) => ({ ...(item as unknown as Lookup), key: String(item.SK).split('#')[1]! }))
        .filter((lookup) => canSeeTarget(principal, { ownerId: lookup.ownerId ?? null, teamId: lookup.teamId ?? undefined, regionId: lookup.regionId ?? undefined }))
        .sort((a, b) => a.key.localeCompare(b.key));
      const actualKeys = mine.flatMap((lookup) => period.months.map((month) => keys.actuals(`${prefix}#${lookup.key}`, month)));
      const actuals = await batchGetAll(db, actualKeys);
      const rows = mine.map((lookup, i) => {
        const months = actuals.slice(i * period.months.length, (i + 1) * period.months.length);
        const actual = months.reduce((sum, item) => sum + Number(item?.[`amount_${lookup.currency}`] ?? 0), 0);
        const { base, sprint, challenge } = lookup.tiers;
        return {
          key: lookup.key,
          targetId: lookup.id,
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
