import { GetCommand, QueryCommand, TransactWriteCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { keys } from '#shared/core/keys';
import { auditPut } from '#shared/core/audit';
import { forbidden, invalid, notFound } from '#shared/core/errors';
import { hasRole } from '#shared/core/principal';
import { fromItem } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import type { User } from './schemas.ts';

export interface Delegation {
  delegateId: string | null;
  from?: string;
  until?: string;
}

/**
 * PUT /users/{id}/delegation: while away, someone else decides approvals for you. Steps already waiting on the
 * delegator get an inbox entry for the delegate; a replaced or cleared delegation takes the old delegate's
 * entries away (and decisions re-check the delegation, so revoking is immediate either way).
 */
export function createDelegationService({ db, clock }: { db: Db; clock: Clock }) {
  async function inboxOf(userId: string) {
    const out = await db.doc.send(
      new QueryCommand({ TableName: db.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': keys.inboxPartition(userId) } }),
    );
    return out.Items ?? [];
  }

  return {
    async set(session: Session, userId: string, input: Delegation): Promise<User> {
      const { principal, items } = await session.load([keys.user(userId), ...(input.delegateId ? [keys.user(input.delegateId)] : [])]);
      if (principal.userId !== userId && !hasRole(principal, 'admin')) throw forbidden('Only the user or an admin sets a delegation');
      const user = items[0] && fromItem<User & { delegation?: Delegation }>(items[0]);
      if (!user) throw notFound(`User ${userId}`);
      if (input.delegateId) {
        const delegate = items[1];
        if (!delegate || delegate.active === false) throw invalid('The delegate does not exist or is deactivated', { delegateId: `No active user ${input.delegateId}` });
        if (input.delegateId === userId) throw invalid('You cannot delegate to yourself', { delegateId: 'Pick someone else' });
        if (input.from && input.until && input.from >= input.until) throw invalid('The delegation must end after it starts', { until: 'Must be after from' });
      }
      const now = clock.now().toISOString();
      const delegation = input.delegateId ? { delegateId: input.delegateId, ...(input.from ? { from: input.from } : {}), ...(input.until ? { until: input.until } : {}) } : null;
      await db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: db.tableName, Key: keys.user(userId), UpdateExpression: 'SET delegation = :d, updatedAt = :now, version = version + :one', ExpressionAttributeValues: { ':d': delegation, ':now': now, ':one': 1 } } },
            auditPut(db, { entityType: 'user', entityId: userId, action: 'delegation', actorId: principal.userId, at: now, before: { delegation: user.delegation ?? null }, after: { delegation }, scope: { ownerId: user.id, teamId: user.teamId, regionId: user.regionId } }),
          ] as never,
        }),
      );
      const previous = user.delegation?.delegateId;
      if (previous && previous !== input.delegateId) {
        for (const entry of await inboxOf(previous)) {
          if (entry.onBehalfOf === userId) await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: { PK: entry.PK, SK: entry.SK } }));
        }
      }
      if (delegation) {
        for (const entry of await inboxOf(userId)) if (!entry.onBehalfOf) await addDelegateEntry(db, entry, userId, delegation);
      }
      return { ...user, delegation, version: user.version + 1, updatedAt: now } as User;
    },
  };
}

/** The delegate's entry and the step's record of it, in one transaction; skipped if the step moved on. */
async function addDelegateEntry(db: Db, entry: Record<string, unknown>, delegatorId: string, delegation: { delegateId: string; from?: string; until?: string }) {
  const approvalId = String(entry.approvalId);
  const item = (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.approval(approvalId), ConsistentRead: true }))).Item;
  if (!item || item.status !== 'PENDING') return;
  const index = Number(item.currentStep);
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: db.tableName,
              Key: keys.approval(approvalId),
              UpdateExpression: `SET steps[${index}].inbox = list_append(if_not_exists(steps[${index}].inbox, :empty), :entry), version = version + :one`,
              ConditionExpression: 'version = :v AND currentStep = :i',
              ExpressionAttributeValues: { ':entry': [{ userId: delegation.delegateId, onBehalfOf: delegatorId }], ':empty': [], ':one': 1, ':v': item.version, ':i': index },
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: {
                ...keys.inboxEntry(approvalId, delegation.delegateId),
                ...keys.inboxIndex(delegation.delegateId, String(item.createdAt), approvalId),
                type: 'inbox_entry',
                approvalId,
                userId: delegation.delegateId,
                stepId: entry.stepId,
                summary: entry.summary,
                onBehalfOf: delegatorId,
                ...(delegation.from ? { from: delegation.from } : {}),
                ...(delegation.until ? { until: delegation.until } : {}),
              },
            },
          },
        ] as never,
      }),
    );
  } catch (error) {
    // The step was decided or escalated meanwhile: nothing to delegate any more.
    if ((error as Error).name !== 'TransactionCanceledException') throw error;
  }
}

