import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { keys } from '#shared/core/keys';
import { fromItem } from '#shared/core/query';
import { putIfVersion } from '#shared/core/write';
import type { Approval } from './schemas.ts';

/** The approval aggregate as stored: the view plus the pending step's task token (never returned by the API). */
export type StoredApproval = Approval & { pendingToken?: string };

export const approvalItem = (approval: StoredApproval) => ({
  ...keys.approval(approval.id),
  ...keys.approvalRequesterIndex(approval.requesterId, approval.createdAt, approval.id),
  type: 'approval',
  ...approval,
});

/** What the API shows: everything but the token. */
export function approvalView(approval: StoredApproval): Approval {
  const { pendingToken: _token, ...view } = approval;
  return view;
}

export const putApprovalIfVersion = (db: Db, next: StoredApproval, readVersion: number) => putIfVersion(db, approvalItem(next), readVersion);

export async function getApproval(db: Db, id: string): Promise<StoredApproval | undefined> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.approval(id), ConsistentRead: true }));
  return out.Item && fromItem<StoredApproval>(out.Item);
}

/** An inbox entry: the step waits on `userId` (an assignee, or the delegate of `onBehalfOf` until `until`). */
export function inboxPut(db: Db, approval: Approval, userId: string, delegation?: { onBehalfOf: string; from?: string; until?: string }) {
  return {
    Put: {
      TableName: db.tableName,
      Item: {
        ...keys.inboxEntry(approval.id, userId),
        ...keys.inboxIndex(userId, approval.createdAt, approval.id),
        type: 'inbox_entry',
        approvalId: approval.id,
        userId,
        stepId: approval.steps[approval.currentStep]?.id,
        // Enough to show the inbox from the entries alone (one Query).
        summary: {
          title: approval.subject.title,
          subjectType: approval.subject.type,
          subjectId: approval.subject.id,
          ...(approval.subject.type === 'deal' ? { dealId: approval.subject.id } : {}),
          requesterId: approval.requesterId,
          stepName: approval.steps[approval.currentStep]?.name,
          amount: approval.terms?.amount ?? approval.revision?.newAmount,
          currency: approval.terms?.currency ?? approval.revision?.currency,
          dueAt: approval.steps[approval.currentStep]?.dueAt,
        },
        ...(delegation ?? {}),
      },
    },
  };
}

export const inboxDelete = (db: Db, approvalId: string, userId: string) => ({ Delete: { TableName: db.tableName, Key: keys.inboxEntry(approvalId, userId) } });

/** Every inbox entry of one approval (its partition holds them next to the aggregate). */
export async function inboxEntriesOf(db: Db, approvalId: string): Promise<{ userId: string; onBehalfOf?: string }[]> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :inbox)',
      ExpressionAttributeValues: { ':pk': keys.approval(approvalId).PK, ':inbox': 'INBOX#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((item) => ({ userId: String(item.userId), onBehalfOf: item.onBehalfOf as string | undefined }));
}
