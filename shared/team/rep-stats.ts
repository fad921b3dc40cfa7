import type { Db } from '#shared/core/db';
import { motivationKeys } from '#shared/core/keys';
import type { Item } from '#shared/core/query';
import { npsSummary } from '#shared/care/rules';
import type { TransactItem } from '#shared/core/write';

/**
 * Per-rep monthly counters the revenue actuals do not hold: NPS answers by the customer's owner and customers
 * created per owner. One item per month with a flat attribute per rep and counter (`np|<repId>`), ADDed in the
 * survey's and the customer's own transaction: a leaderboard or an incentive reads one item per month, however
 * many reps or answers there are. The item grows ~100 bytes per active rep (fine below a few thousand reps).
 */
export const REP_STATS = {
  promoters: 'np',
  passives: 'na',
  detractors: 'nd',
  newCustomers: 'nc',
  /** Interactions the rep logged, and follow-ups they met (a call or visit to a customer with a follow-up due), on time or not. */
  interactions: 'ia',
  followUpsMet: 'fm',
  followUpsOnTime: 'fo',
} as const;
export type RepStat = keyof typeof REP_STATS;
export type RepCounts = Record<RepStat, number>;

export const repStatAttribute = (stat: RepStat, repId: string) => `${REP_STATS[stat]}|${repId}`;

/** The Update that adds to one rep's counters for a month (created on first use); append it to the event's transaction. */
export function repStatsAdd(db: Db, month: string, repId: string, add: Partial<RepCounts>): TransactItem {
  const entries = Object.entries(add).filter(([, n]) => n) as [RepStat, number][];
  return {
    Update: {
      TableName: db.tableName,
      Key: motivationKeys.repStats(month),
      UpdateExpression: `SET #type = :type ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
      ExpressionAttributeNames: { '#type': 'type', ...Object.fromEntries(entries.map(([stat], i) => [`#c${i}`, repStatAttribute(stat, repId)])) },
      ExpressionAttributeValues: { ':type': 'rep_stats', ...Object.fromEntries(entries.map(([, n], i) => [`:c${i}`, n])) },
    },
  };
}

/** One rep's counters summed over month items (missing months count zero). */
export function repCounts(items: (Item | undefined)[], repId: string): RepCounts {
  const sum = (stat: RepStat) => items.reduce((s, item) => s + Number(item?.[repStatAttribute(stat, repId)] ?? 0), 0);
  return Object.fromEntries(Object.keys(REP_STATS).map((stat) => [stat, sum(stat as RepStat)])) as RepCounts;
}

/** NPS by the rule GET /reports/nps uses (% promoters − % detractors, one decimal; null without answers). */
export function npsOf(counts: Pick<RepCounts, 'promoters' | 'passives' | 'detractors'>) {
  const { promoters, passives, detractors, responses, nps } = npsSummary({ ...counts, csatResponses: 0, csatTotal: 0 });
  return { nps, responses, promoters, passives, detractors };
}
