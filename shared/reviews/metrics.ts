import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { keys, targetKeys, motivationKeys } from '#shared/core/keys';
import { queryAll, type Item } from '#shared/core/query';
import { actualsByMonth, total } from '#shared/goals/actuals';
import { npsOf, repCounts } from '#shared/team/rep-stats';
import { trainingCompliance } from '#shared/team/training-compliance';
import { usersById } from '#shared/approvals/resolve';
import { membersOf } from '#shared/org/members';
import { lookupPeriod, monthsOfPeriod, periodDays, periodTarget, quarterOfMonth } from './rules.ts';
import type { Metrics } from './schemas.ts';

/** A rep as the review reads them. */
export interface Reviewee {
  id: string;
  name: string;
  roles: string[];
  teamId?: string;
  regionId?: string;
  managerId?: string;
}

const DAY_MS = 24 * 3600 * 1000;

/** The rep's target lookups that can give the period's target: its own node, its quarter's (for a month), the year's. */
function repTargetKeys(fiscalYear: number, repId: string, period: string) {
  const place = `REP#${repId}`;
  return {
    own: targetKeys.lookup(fiscalYear, place, lookupPeriod(period)),
    ...(period.includes('Q') ? {} : { quarter: targetKeys.lookup(fiscalYear, place, quarterOfMonth(period)) }),
    year: targetKeys.lookup(fiscalYear, place, 'YEAR'),
  };
}

/** Deals the rep closed as `stage` (won | lost) within the period's days, from the owner's deal index. */
async function closedDeals(db: Db, userId: string, stage: 'won' | 'lost', days: { from: string; to: string }): Promise<Item[]> {
  return queryAll(db, {
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :sk)',
    FilterExpression: 'closedAt BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': `OWNER#${userId}`, ':sk': `DEAL#${stage}#`, ':from': days.from, ':to': `${days.to}T23:59:59.999Z` },
  });
}

/**
 * One rep's figures for a period, in two parallel rounds of reads: the target lookup and the per-rep monthly
 * counters in one BatchGet, beside the revenue actuals, the won and lost deals of the period and training.
 */
export async function measure(db: Db, rep: Reviewee, period: string, currency: string): Promise<Metrics> {
  const months = monthsOfPeriod(period);
  const days = periodDays(period);
  const fiscalYear = Number(period.slice(0, 4));
  const lookups = repTargetKeys(fiscalYear, rep.id, period);
  const [batch, actuals, won, lost, training] = await Promise.all([
    db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: [...Object.values(lookups), ...months.map((m) => motivationKeys.repStats(m))] } } })),
    actualsByMonth(db, { repId: rep.id }, months[0]!, months.at(-1)!),
    closedDeals(db, rep.id, 'won', days),
    closedDeals(db, rep.id, 'lost', days),
    trainingCompliance(db, [{ id: rep.id, roles: rep.roles }]),
  ]);
  const found = batch.Responses?.[db.tableName] ?? [];
  const amountAt = (key: { PK: string; SK: string }) => {
    const item = found.find((i) => i.PK === key.PK && i.SK === key.SK);
    return item && item.currency === currency ? Number(item.amount) : undefined;
  };
  const { target, basis } = periodTarget(period, { period: amountAt(lookups.own), quarter: lookups.quarter && amountAt(lookups.quarter), year: amountAt(lookups.year) });
  const counts = repCounts(found.filter((i) => i.PK === motivationKeys.repStats(months[0]!).PK), rep.id);
  const actual = total(actuals)[currency] ?? 0;
  const wonAmount = won.filter((d) => d.currency === currency).reduce((s, d) => s + Number(d.amount ?? 0), 0);
  const cycleDays = won.map((d) => (Date.parse(String(d.closedAt)) - Date.parse(String(d.createdAt))) / DAY_MS);
  const nps = npsOf(counts);
  return {
    actual,
    target,
    targetBasis: basis,
    attainment: target && target > 0 ? Math.round((actual / target) * 10_000) / 10_000 : null,
    wonCount: won.length,
    wonAmount,
    lostCount: lost.length,
    winRate: won.length + lost.length > 0 ? Math.round((won.length / (won.length + lost.length)) * 10_000) / 10_000 : null,
    avgCycleDays: cycleDays.length > 0 ? Math.round((cycleDays.reduce((a, b) => a + b, 0) / cycleDays.length) * 10) / 10 : null,
    activities: counts.interactions,
    followUpsMet: counts.followUpsMet,
    followUpsOnTime: counts.followUpsOnTime,
    followUpCompliance: counts.followUpsMet > 0 ? Math.round((counts.followUpsOnTime / counts.followUpsMet) * 10_000) / 10_000 : null,
    nps: nps.nps,
    npsResponses: nps.responses,
    training: training.get(rep.id)!,
  };
}

/** The reps a cycle reviews, sorted by id: a team's members or the rep role's members (one paginated index Query), then their user records (BatchGets of 100). */
export async function repsOf(db: Db, teamId: string | undefined): Promise<Reviewee[]> {
  const listed = teamId ? await membersOf(db, { kind: 'team', id: teamId }) : await queryAll(db, { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.rolePartition('rep') } });
  const ids = listed.filter((item) => !teamId || item.type === 'user').map((item) => String(teamId ? item.id : item.userId));
  const users = await usersById(db, ids);
  return [...users.values()]
    .map((u) => u as unknown as Item)
    .filter((u) => u.active !== false && (u.roles as string[] | undefined)?.includes('rep'))
    .map((u) => ({ id: String(u.id), name: String(u.name ?? u.id), roles: u.roles as string[], teamId: u.teamId as string | undefined, regionId: u.regionId as string | undefined, managerId: u.managerId as string | undefined }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}
