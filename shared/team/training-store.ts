import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { indexPartition, trainingKeys } from '#shared/core/keys';
import { fromItem, queryIndex, type Item } from '#shared/core/query';
import type { Course, Enrolment, RequiredCourse } from './training-schemas.ts';

/** Training items in the table: courses, the required-course catalogue, enrolments and their guards. */

export const courseItem = (course: Course) => ({ ...trainingKeys.course(course.id), ...trainingKeys.courseIndexes(course), type: 'course', ...course });

export const enrolmentItem = (e: Enrolment) => ({ ...trainingKeys.enrolment(e.id), ...trainingKeys.enrolmentIndexes(e), type: 'enrolment', ...e });

/** The guard that keeps one enrolment per user × course; it names the enrolment for the 409 answer. */
export const enrolmentGuardItem = (e: Enrolment) => ({ ...trainingKeys.enrolmentGuard(e.courseId, e.userId), type: 'enrolment_guard', enrolmentId: e.id, userId: e.userId, courseId: e.courseId });

/** Appends a required course to the catalogue in the course's own transaction (list_append is atomic). */
export const catalogueAppend = (db: Db, entry: RequiredCourse) => ({
  Update: {
    TableName: db.tableName,
    Key: trainingKeys.catalogue(),
    UpdateExpression: 'SET #courses = list_append(if_not_exists(#courses, :empty), :entry), #type = :type',
    ExpressionAttributeNames: { '#courses': 'courses', '#type': 'type' },
    ExpressionAttributeValues: { ':empty': [], ':entry': [entry], ':type': 'training_catalogue' },
  },
});

export const catalogueFrom = (item: Item | undefined): RequiredCourse[] => (item?.courses as RequiredCourse[] | undefined) ?? [];

export async function readCatalogue(db: Db): Promise<RequiredCourse[]> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: trainingKeys.catalogue() }));
  return catalogueFrom(out.Item);
}

export async function readEnrolment(db: Db, id: string): Promise<Enrolment | undefined> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: trainingKeys.enrolment(id), ConsistentRead: true }));
  return out.Item && fromItem<Enrolment>(out.Item);
}

/** Every enrolment of one user: one Query (a page holds 100; more pages only for someone with over 100 courses). */
export async function enrolmentsOf(db: Db, userId: string): Promise<Enrolment[]> {
  const all: Enrolment[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryIndex<Enrolment>(db, { index: 'GSI1', partition: trainingKeys.learnerPartition(userId), sortPrefix: trainingKeys.enrolmentSortPrefix, limit: 100, cursor });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

export interface Member {
  id: string;
  name: string;
  roles: string[];
  active?: boolean;
}

/** Active members of a team: one Query of the team's GSI2 partition (a page holds 100). */
export async function activeMembers(db: Db, teamId: string): Promise<Member[]> {
  const members: Member[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryIndex<Member>(db, { index: 'GSI2', partition: indexPartition.team(teamId), sortPrefix: 'MEMBER#', limit: 100, cursor });
    members.push(...page.items.filter((m) => m.active !== false));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return members;
}
