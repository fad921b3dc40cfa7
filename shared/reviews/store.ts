import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { reviewKeys } from '#shared/core/keys';
import { fromItem, queryAll, type Item } from '#shared/core/query';
import { putIfVersion } from '#shared/core/write';
import type { ImprovementPlan, ReviewCycle, StoredScorecard } from './schemas.ts';

export const cycleItem = (c: ReviewCycle) => ({ ...reviewKeys.cycle(c.id), ...reviewKeys.cycleIndexes(c), type: 'review_cycle', ...c });
export const scorecardItem = (s: StoredScorecard) => ({ ...reviewKeys.scorecard(s.id), ...reviewKeys.scorecardIndexes(s), type: 'scorecard', ...s });
export const planItem = (p: ImprovementPlan) => ({ ...reviewKeys.plan(p.id), ...reviewKeys.planIndexes(p), type: 'improvement_plan', ...p });

/** What the API shows of a scorecard: everything but the workflow's tokens. */
export function scorecardView({ assessmentToken: _a, acknowledgementToken: _b, ...card }: StoredScorecard) {
  return card;
}

export const putScorecardIfVersion = (db: Db, next: StoredScorecard, readVersion: number) => putIfVersion(db, scorecardItem(next), readVersion);

const waitingOn = (s: StoredScorecard | undefined) => (s?.status === 'scored' ? s.assessorIds : []);

/**
 * The assessors' to-dos (sparse GSI3 `ASSESS#<assessor>`, `<period>#<id>`) that go in the card's transaction: one
 * copy of the card per assessor while it is `scored` (rewritten with each write, so it stays current), deleted for
 * whoever no longer assesses it (assessed, or escalated to someone else).
 */
export function assessorTasks(db: Db, next: StoredScorecard, before?: StoredScorecard) {
  const now = waitingOn(next);
  const { assessmentToken: _a, acknowledgementToken: _b, ...copy } = next;
  return [
    ...waitingOn(before)
      .filter((id) => !now.includes(id))
      .map((id) => ({ Delete: { TableName: db.tableName, Key: reviewKeys.assessorTask(next.id, id) } })),
    ...now.map((id) => ({
      Put: { TableName: db.tableName, Item: Object.fromEntries(Object.entries({ ...reviewKeys.assessorTask(next.id, id), ...reviewKeys.assessorTaskIndexes(next, id), type: 'scorecard_assessor_task', ...copy }).filter(([, v]) => v !== undefined && v !== null)) },
    })),
  ];
}

/** The card (if still at the version read) and its assessors' to-dos, for one TransactWriteItems. */
export const writeScorecard = (db: Db, next: StoredScorecard, read: StoredScorecard) => [putScorecardIfVersion(db, next, read.version), ...assessorTasks(db, next, read)];

/** Adds to the cycle's progress counters (scored, assessed, acknowledged, escalated) in the card's transaction. */
export const countOnCycle = (db: Db, cycleId: string, counter: 'scored' | 'assessed' | 'acknowledged' | 'escalated') => ({
  Update: { TableName: db.tableName, Key: reviewKeys.cycle(cycleId), UpdateExpression: 'ADD #n :one', ExpressionAttributeNames: { '#n': counter }, ExpressionAttributeValues: { ':one': 1 } },
});

async function getItem(db: Db, key: { PK: string; SK: string }): Promise<Item | undefined> {
  return (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }))).Item;
}

export async function getCycle(db: Db, id: string): Promise<ReviewCycle | undefined> {
  const item = await getItem(db, reviewKeys.cycle(id));
  return item && fromItem<ReviewCycle>(item);
}

export async function getScorecard(db: Db, id: string): Promise<StoredScorecard | undefined> {
  const item = await getItem(db, reviewKeys.scorecard(id));
  return item && fromItem<StoredScorecard>(item);
}

/** Every scorecard of a cycle (GSI2 `CYCLE#…`, all pages), by user id. */
export async function cycleScorecards(db: Db, cycleId: string): Promise<StoredScorecard[]> {
  const items = await queryAll(db, { IndexName: 'GSI2', KeyConditionExpression: 'GSI2PK = :pk', ExpressionAttributeValues: { ':pk': reviewKeys.cyclePartition(cycleId) } });
  return items.map((item) => fromItem<StoredScorecard>(item));
}

/** The user's latest scorecard of the same cadence (month or quarter) before `period`: most improved compares with it. */
export async function previousScorecard(db: Db, userId: string, period: string): Promise<StoredScorecard | undefined> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `OWNER#${userId}`, ':from': reviewKeys.userScorecardPrefix, ':to': `${reviewKeys.userScorecardPrefix}${period}` },
      ScanIndexForward: false,
      Limit: 8,
    }),
  );
  const quarterly = period.includes('Q');
  return (out.Items ?? []).map((item) => fromItem<StoredScorecard>(item)).find((c) => c.period.includes('Q') === quarterly && c.period < period);
}
