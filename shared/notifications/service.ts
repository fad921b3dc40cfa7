import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { keys } from '#shared/core/keys';
import { notFound } from '#shared/core/errors';
import { fromItem, queryTable } from '#shared/core/query';
import type { Session } from '#shared/core/session';

/** The in-app feed: one partition per user, newest first. */
export interface Notification {
  id: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  approvalId?: string;
  createdAt: string;
  readAt: string | null;
}

export type NewNotification = Omit<Notification, 'id' | 'createdAt' | 'readAt'> & {
  /** When the event happened, as recorded on the aggregate (stable across retries). */
  at: string;
  /** What happened, unique per recipient, e.g. `<approvalId>/step-1/approved`. */
  event: string;
};

/** `2026-11-27T11:26:10.172Z` + event → `20261127T112610172Z-<hash>`: sorts by time, same on every retry. */
export const notificationId = (at: string, event: string, userId: string) =>
  `${at.replace(/[-:.]/g, '')}-${createHash('sha256').update(`${userId}|${event}`).digest('hex').slice(0, 12)}`;

/** Writes each notification once: a retried task produces the same id and the conditional Put skips it. */
export async function notify(db: Db, notifications: NewNotification[]): Promise<void> {
  await Promise.all(
    notifications.map(({ at, event, ...n }) => ({ ...n, id: notificationId(at, event, n.userId), createdAt: at }))
      .map((n) =>
      db.doc
        .send(
          new PutCommand({
            TableName: db.tableName,
            Item: { ...keys.notification(n.userId, n.id), type: 'notification', ...n, readAt: null },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        )
        .catch((error) => {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        }),
    ),
  );
}

export function createNotificationService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    async list(session: Session, page: { limit: number; cursor?: string }) {
      const { principal } = await session.load();
      return queryTable<Notification>(db, { partition: keys.notificationPartition(principal.userId), sortPrefix: 'NOTIFICATION#', descending: true, ...page });
    },

    /** Marks a notification read; the first read time is kept (marking twice is harmless). */
    async markRead(session: Session, id: string): Promise<Notification> {
      const { principal } = await session.load();
      const key = keys.notification(principal.userId, id);
      try {
        const out = await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: key,
            UpdateExpression: 'SET readAt = :now',
            ConditionExpression: 'attribute_exists(PK) AND attribute_type(readAt, :null)',
            ExpressionAttributeValues: { ':now': clock.now().toISOString(), ':null': 'NULL' },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return fromItem<Notification>(out.Attributes!);
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        const existing = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key }));
        if (!existing.Item) throw notFound(`Notification ${id}`);
        return fromItem<Notification>(existing.Item);
      }
    },
  };
}
