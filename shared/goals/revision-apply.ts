import type { Db } from '#shared/core/db';
import { targetKeys } from '#shared/core/keys';
import { auditPut } from '#shared/core/audit';
import { transact, type TransactItem } from '#shared/core/write';
import type { Approval, ApprovalStatus, RevisionTerms } from '#shared/approvals/schemas';
import type { Tiers } from './allocation.ts';
import { lookupPut, pathIds, readLineage } from './store.ts';
import { periodStart, planCascade } from './revision-rules.ts';
import type { TargetNode } from './schemas.ts';
import type { TargetVersion } from './revision-schemas.ts';

/**
 * How a target revision's approval ends (the approval engine calls these for subject type `target`). The node and
 * its revision change in the approval's closing transaction; the subtree follows in one transaction per sibling
 * group, each marked with the revision so a retried cascade picks up where it stopped.
 */

const versionItem = (v: TargetVersion) => ({ ...targetKeys.version(v.targetId, v.version), type: 'target_version', ...v });

/** Approved: the new amount, tiers and version on the node, the old version kept; otherwise only the lock goes. */
export function closeRevisionItems(db: Db, approval: Approval, status: ApprovalStatus, at: string): TransactItem[] {
  const r = approval.revision!;
  const targetId = approval.subject.id;
  const nodeKey = targetKeys.node(r.fiscalYear, r.rootId, r.treePath);
  const approved = status === 'APPROVED';
  const revisionUpdate = {
    Update: {
      TableName: db.tableName,
      Key: targetKeys.revision(targetId, r.revisionId),
      UpdateExpression: `SET #status = :status, decidedAt = :at, updatedAt = :at${approved ? ', resultingVersion = :tv' : ''}`,
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status.toLowerCase(), ':at': at, ':pending': 'pending', ...(approved ? { ':tv': r.fromVersion + 1 } : {}) },
    },
  };
  // The ancestors stop counting this revision as pending below them.
  const ancestors = pathIds(r.treePath)
    .slice(0, -1)
    .map((_, i, ids) => ({
      Update: { TableName: db.tableName, Key: targetKeys.node(r.fiscalYear, r.rootId, ids.slice(0, i + 1).join('/')), UpdateExpression: 'ADD pendingBelow :minus', ExpressionAttributeValues: { ':minus': -1 } },
    }));
  if (!approved) {
    return [
      {
        Update: {
          TableName: db.tableName,
          Key: nodeKey,
          UpdateExpression: 'REMOVE lockedByApprovalId SET version = version + :one, updatedAt = :at',
          ConditionExpression: 'lockedByApprovalId = :id',
          ExpressionAttributeValues: { ':one': 1, ':at': at, ':id': approval.id },
        },
      },
      revisionUpdate,
      ...ancestors,
      // A suggestion turned into this request is offered again.
      ...(r.fromSuggestionId
        ? [
            {
              Update: {
                TableName: db.tableName,
                Key: targetKeys.revision(targetId, r.fromSuggestionId),
                UpdateExpression: 'SET #status = :suggested, updatedAt = :at REMOVE requestRevisionId',
                ConditionExpression: '#status = :requested AND requestRevisionId = :rev',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':suggested': 'suggested', ':requested': 'requested', ':rev': r.revisionId, ':at': at },
              },
            },
          ]
        : []),
    ];
  }
  const superseded: TargetVersion = {
    targetId,
    version: r.fromVersion,
    amount: r.oldAmount,
    tiers: r.oldTiers,
    currency: r.currency,
    effectiveFrom: r.fromEffectiveFrom,
    ...(r.fromRevisionId ? { revisionId: r.fromRevisionId } : {}),
    supersededBy: r.revisionId,
    createdAt: at,
  };
  return [
    {
      Update: {
        TableName: db.tableName,
        Key: nodeKey,
        UpdateExpression:
          'REMOVE lockedByApprovalId SET amount = :amount, tiers = :tiers, targetVersion = :tv, effectiveFrom = :from, appliedRevisionId = :rev, versionCreatedAt = :at, version = version + :one, updatedAt = :at',
        ConditionExpression: 'lockedByApprovalId = :id',
        ExpressionAttributeValues: { ':amount': r.newAmount, ':tiers': r.newTiers, ':tv': r.fromVersion + 1, ':from': r.effectiveFrom, ':rev': r.revisionId, ':one': 1, ':at': at, ':id': approval.id },
      },
    },
    { Put: { TableName: db.tableName, Item: versionItem(superseded) } },
    revisionUpdate,
    ...ancestors,
    auditPut(db, {
      entityType: 'target',
      entityId: targetId,
      action: 'revise',
      actorId: approval.requesterId,
      at,
      before: { amount: r.oldAmount, tiers: r.oldTiers, targetVersion: r.fromVersion },
      after: { amount: r.newAmount, tiers: r.newTiers, targetVersion: r.fromVersion + 1, effectiveFrom: r.effectiveFrom, reason: r.reason },
      scope: { ownerId: approval.ownerId, teamId: approval.teamId ?? null, regionId: approval.regionId ?? null },
    }),
  ];
}

/** One child's move to the revision: its new amounts (if it still carries its old ones), its old version kept, its lookup. */
function childItems(db: Db, child: TargetNode, tiers: Tiers, r: RevisionTerms, at: string): TransactItem[] {
  const from = child.targetVersion ?? 1;
  const next: TargetNode = { ...child, amount: tiers.base, tiers, targetVersion: from + 1, effectiveFrom: r.effectiveFrom, appliedRevisionId: r.revisionId };
  const superseded: TargetVersion = {
    targetId: child.id,
    version: from,
    amount: child.amount,
    tiers: child.tiers,
    currency: child.currency,
    effectiveFrom: child.effectiveFrom ?? periodStart(child),
    ...(child.appliedRevisionId ? { revisionId: child.appliedRevisionId } : {}),
    supersededBy: r.revisionId,
    createdAt: at,
  };
  return [
    {
      Update: {
        TableName: db.tableName,
        Key: targetKeys.node(child.fiscalYear, child.rootId, child.treePath),
        UpdateExpression: 'SET amount = :amount, tiers = :tiers, targetVersion = :tv, effectiveFrom = :from, appliedRevisionId = :rev, versionCreatedAt = :at, version = version + :one, updatedAt = :at',
        ConditionExpression: 'attribute_not_exists(appliedRevisionId) OR appliedRevisionId <> :rev',
        ExpressionAttributeValues: { ':amount': tiers.base, ':tiers': tiers, ':tv': from + 1, ':from': r.effectiveFrom, ':rev': r.revisionId, ':one': 1, ':at': at },
      },
    },
    { Put: { TableName: db.tableName, Item: versionItem(superseded) } },
    ...lookupPut(db.tableName, next),
  ];
}

/**
 * After an approved revision closed: the revised node's lookup and every sibling group below it, top down.
 * Idempotent: groups already carrying the revision are skipped; a group that races another run is re-planned.
 */
export async function cascadeRevision(db: Db, approval: Approval, at: string): Promise<{ groups: number; children: number }> {
  const r = approval.revision!;
  const pointer = { id: approval.subject.id, fiscalYear: r.fiscalYear, rootId: r.rootId, treePath: r.treePath };
  for (let attempt = 0; ; attempt += 1) {
    const { subtree } = await readLineage(db, pointer);
    const node = subtree.find((n) => n.id === pointer.id);
    // Not (or no longer) this revision's amounts: a later revision owns the subtree now.
    if (!node || node.appliedRevisionId !== r.revisionId) return { groups: 0, children: 0 };
    const pending = planCascade(subtree, { id: node.id, tiers: node.tiers }, r.revisionId, r.effectiveFrom).filter((g) => !g.applied);
    try {
      const lookup = lookupPut(db.tableName, node);
      if (lookup.length > 0) await transact(db, lookup, () => new Error('lookup write failed'));
      for (const group of pending) {
        await transact(db, group.children.flatMap((c) => childItems(db, c.node, c.tiers, r, at)), () => new Error('cascade_raced'));
      }
      return { groups: pending.length, children: pending.reduce((n, g) => n + g.children.length, 0) };
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
}
