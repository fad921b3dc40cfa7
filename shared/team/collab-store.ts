import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { bucketOf, type Histogram } from '#shared/core/histogram';
import { collabKeys, indexPartition } from '#shared/core/keys';
import { fromItem, queryIndex, queryTable, type Item } from '#shared/core/query';
import type { TeamRef } from './collab-rules.ts';
import type { CollabRequest, Comment } from './collab-schemas.ts';

/** Cross-department requests in the table: the request, its comments, the per-department resolution counters. */

const isOpen = (r: CollabRequest) => r.status === 'open' || r.status === 'accepted';

/** The whole item (a Put replaces it, so closing drops the open-by-due index entry). */
export const requestItem = (r: CollabRequest) => ({ ...collabKeys.request(r.id), ...collabKeys.requestIndexes({ ...r, open: isOpen(r) }), type: 'collab_request', ...r });

export const commentItem = (c: Comment) => ({ ...collabKeys.comment(c.requestId, c.id), type: 'collab_comment', ...c });

/** Every team (reference data, one small GSI4 partition): the caller's own and the departments' in one Query. */
export async function allTeams(db: Db): Promise<TeamRef[]> {
  const teams: TeamRef[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryIndex<TeamRef>(db, { index: 'GSI4', partition: indexPartition.all('TEAMS'), limit: 100, cursor });
    teams.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return teams;
}

/** ADDs to one department's counters (created, resolved + histogram + breach, rejected, ratings). */
function addToStats(db: Db, department: string, counts: Record<string, number>) {
  const entries = Object.entries(counts).filter(([, n]) => n !== 0);
  return {
    Update: {
      TableName: db.tableName,
      Key: collabKeys.stats(department),
      UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')} SET department = :department, #type = :type`,
      ExpressionAttributeNames: { '#type': 'type', ...Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])) },
      ExpressionAttributeValues: { ':department': department, ':type': 'collab_stats', ...Object.fromEntries(entries.map(([, n], i) => [`:c${i}`, n])) },
    },
  };
}

export const countCreated = (db: Db, r: CollabRequest) => addToStats(db, r.toDepartment, { count: 1 });

/** In the closing transaction: resolved adds its time to the histogram and a late one to `breached`. */
export function countClosed(db: Db, r: CollabRequest) {
  if (r.status === 'rejected') return addToStats(db, r.toDepartment, { rejected: 1 });
  return addToStats(db, r.toDepartment, { resolved: 1, [bucketOf(r.resolutionSeconds ?? 0)]: 1, breached: r.breached ? 1 : 0 });
}

export const countRating = (db: Db, r: CollabRequest, rating: number) => addToStats(db, r.toDepartment, { ratings: 1, ratingSum: rating });

export interface DepartmentStats {
  department: string;
  count: number;
  resolved: number;
  rejected: number;
  breached: number;
  ratings: number;
  ratingSum: number;
  histogram: Histogram;
}

/** Every department's counters: one Query of one small partition. */
export async function readStats(db: Db): Promise<DepartmentStats[]> {
  const out = await db.doc.send(new QueryCommand({ TableName: db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': collabKeys.statsPartition } }));
  return (out.Items ?? []).map((item) => ({
    department: String(item.department),
    count: Number(item.count ?? 0),
    resolved: Number(item.resolved ?? 0),
    rejected: Number(item.rejected ?? 0),
    breached: Number(item.breached ?? 0),
    ratings: Number(item.ratings ?? 0),
    ratingSum: Number(item.ratingSum ?? 0),
    histogram: Object.fromEntries(Object.entries(item).filter(([k]) => /^b\d\d$/.test(k)).map(([k, v]) => [k, Number(v)])),
  }));
}

/** Open or accepted requests of a department already past due: a COUNT over one key range of the sparse index. */
export async function countOverdue(db: Db, department: string, now: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: 'GSI3',
        KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK < :now',
        ExpressionAttributeValues: { ':pk': collabKeys.openPartition(department), ':now': now },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

/** A request's comments, oldest first, one page. */
export async function commentsOf(db: Db, requestId: string, page: { limit: number; cursor?: string }) {
  return queryTable<Comment>(db, { partition: collabKeys.partition(requestId), sortPrefix: collabKeys.commentPrefix, ...page });
}

export const toRequest = (item: Item): CollabRequest => fromItem<CollabRequest>(item);
