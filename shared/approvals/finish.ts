import type { Db } from '#shared/core/db';
import { keys } from '#shared/core/keys';
import { bucketOf } from '#shared/core/histogram';
import type { TransactItem } from '#shared/core/write';
import { cascadeRevision, closeRevisionItems } from '#shared/goals/revision-apply';
import type { Approval, ApprovalStatus, ApprovalStep } from './schemas.ts';
import { inboxDelete } from './store.ts';

/** Transaction items shared by every way an approval or a step ends. */

/** What closing an approval does to its subject, in the closing transaction: a deal is unlocked, a target revised or unlocked. */
export function releaseSubject(db: Db, approval: Approval, status: ApprovalStatus, at: string): TransactItem[] {
  return approval.subject.type === 'target' ? closeRevisionItems(db, approval, status, at) : [releaseDeal(db, approval, status, at)];
}

/** Work that follows a close outside its transaction (idempotent: the workflow may run it again after a retry). */
export async function afterClose(db: Db, approval: Approval, at: string): Promise<void> {
  if (approval.subject.type === 'target' && approval.status === 'APPROVED') await cascadeRevision(db, approval, at);
}

/** What the requester is told about the subject when the approval ends. */
export function outcomeText(approval: Approval): string {
  if (approval.subject.type === 'deal') return 'the deal is unlocked';
  const r = approval.revision!;
  return approval.status === 'APPROVED' ? `version ${r.fromVersion + 1} of the target (${r.newAmount} ${r.currency}) applies from ${r.effectiveFrom}` : 'the target is unchanged';
}

/** Unlocks the deal and records the outcome and the terms it covered (the won criterion reads them). */
export function releaseDeal(db: Db, approval: Approval, status: ApprovalStatus, at: string) {
  return {
    Update: {
      TableName: db.tableName,
      Key: keys.deal(approval.subject.id),
      UpdateExpression: 'REMOVE lockedByApprovalId SET approval = :approval, version = version + :one, updatedAt = :at',
      ConditionExpression: 'lockedByApprovalId = :id',
      ExpressionAttributeValues: {
        ':approval': { approvalId: approval.id, status, terms: approval.terms, decidedAt: at },
        ':one': 1,
        ':at': at,
        ':id': approval.id,
      },
    },
  };
}

/** Deletes the step's inbox entries; the step forgets them. */
export function clearInbox(db: Db, approval: Approval, step: ApprovalStep) {
  return (step.inbox ?? []).map((entry) => inboxDelete(db, approval.id, entry.userId));
}

/** Decision time of a closed step, counted in its policy step's histogram (GET /reports/approval-times). */
export function countDecisionTime(db: Db, step: ApprovalStep, decidedAt: string) {
  const seconds = step.startedAt ? Math.max(0, (Date.parse(decidedAt) - Date.parse(step.startedAt)) / 1000) : 0;
  return {
    Update: {
      TableName: db.tableName,
      Key: keys.approvalTimes(step.id),
      UpdateExpression: 'ADD decisions :one, #bucket :one SET stepName = :name, #type = :type',
      ExpressionAttributeNames: { '#bucket': bucketOf(seconds), '#type': 'type' },
      ExpressionAttributeValues: { ':one': 1, ':name': step.name, ':type': 'approval_times' },
    },
  };
}

export function countEscalation(db: Db, step: ApprovalStep) {
  return {
    Update: {
      TableName: db.tableName,
      Key: keys.approvalTimes(step.id),
      UpdateExpression: 'ADD escalations :one SET stepName = :name, #type = :type',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':one': 1, ':name': step.name, ':type': 'approval_times' },
    },
  };
}
