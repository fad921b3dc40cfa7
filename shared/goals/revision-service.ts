import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import type { WorkflowEngine } from '#shared/core/workflow-engine';
import { targetKeys, type Key } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { auditPut } from '#shared/core/audit';
import { conflict, forbidden, invalid, notFound } from '#shared/core/errors';
import { fromItem, queryTable } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { putIfAbsent, transact } from '#shared/core/write';
import type { Approval } from '#shared/approvals/schemas';
import { approvalItem, approvalView, type StoredApproval } from '#shared/approvals/store';
import { buildSteps } from '#shared/approvals/rules';
import { goalPolicyStore } from './policy.ts';
import { canRequestRevision, canSeeTarget, scopeOf } from './rules.ts';
import { effectiveFromProblem, periodStart, planCascade, scaleTiers, tiersInBounds } from './revision-rules.ts';
import { pathIds } from './store.ts';
import { revisionApprovers } from './revision-approvers.ts';
import { readLineage, readNode } from './store.ts';
import type { TargetPointer } from './schemas.ts';
import type { RequestRevision, TargetRevision, TargetVersion } from './revision-schemas.ts';

export interface RevisionDeps {
  db: Db;
  clock: Clock;
  engine: WorkflowEngine;
}

const revisionItem = (r: TargetRevision) => ({ ...targetKeys.revision(r.targetId, r.id), type: 'target_revision', ...r });

/** Target revisions: requests through the approval engine, the list (with pace suggestions), and the versions. */
export function createRevisionService({ db, clock, engine }: RevisionDeps) {
  async function pointerFor(session: Session, id: string, extra: Key[] = []) {
    const { principal, items } = await session.load([targetKeys.pointer(id), ...extra]);
    const pointer = items[0] && fromItem<TargetPointer>(items[0]);
    if (!pointer || !canSeeTarget(principal, pointer)) throw notFound(`Target ${id}`);
    return { principal, pointer, items };
  }

  return {
    /**
     * Asks for a new amount (202): validated against the subtree it would re-allocate, then the node is locked and
     * the approval workflow starts — the parent target's owner decides, then the vp when the change passes the threshold.
     */
    async request(session: Session, targetId: string, input: RequestRevision): Promise<{ revision: TargetRevision; approval: Approval }> {
      const extra = [goalPolicyStore.key(), ...(input.fromSuggestionId ? [targetKeys.revision(targetId, input.fromSuggestionId)] : [])];
      const { principal, pointer, items } = await pointerFor(session, targetId, extra);
      if (!canRequestRevision(principal, pointer)) throw forbidden('Only the target’s owner, its manager or director, a vp or an admin may ask to revise it');
      const policy = goalPolicyStore.fromItem(items[1]);
      const suggestion = input.fromSuggestionId ? (items[2] && fromItem<TargetRevision>(items[2])) : undefined;
      if (input.fromSuggestionId && !suggestion) throw notFound(`Suggestion ${input.fromSuggestionId} of target ${targetId}`);
      if (suggestion && suggestion.status !== 'suggested') throw conflict('suggestion_closed', `That suggestion is ${suggestion.status}`);

      const { node, path, subtree } = await readLineage(db, pointer);
      if (!node) throw notFound(`Target ${targetId}`);
      const locked = [node, ...path, ...subtree].find((n) => n.lockedByApprovalId);
      if (locked) {
        // As for deals: a revision whose approval never started (a crash after its write) is started by the next request.
        await engine.startExecution({ workflow: 'approval', name: locked.lockedByApprovalId!, input: { approvalId: locked.lockedByApprovalId } });
        throw conflict('revision_pending', `A revision of ${locked.dimension} ${locked.key} awaits approval ${locked.lockedByApprovalId}; wait for it or recall it`);
      }
      if (input.newAmount === node.amount) throw invalid('The new amount equals the current one', { newAmount: `Already ${node.amount}` });
      const when = effectiveFromProblem(node, input.effectiveFrom);
      if (when) throw invalid(when, { effectiveFrom: when });
      const newTiers = scaleTiers(node.tiers, input.newAmount);
      if (!tiersInBounds(newTiers)) throw invalid('The sprint and challenge tiers would pass 1e15 at this amount', { newAmount: 'Too large for this target’s tiers' });
      try {
        planCascade(subtree, { id: node.id, tiers: newTiers }, 'preview', input.effectiveFrom);
      } catch (error) {
        if (error instanceof RangeError) throw invalid(error.message, { effectiveFrom: error.message });
        throw error;
      }

      const { required, chain } = await revisionApprovers(db, { node, path, requesterId: principal.userId, newAmount: input.newAmount, policy: policy.policy });
      const empty = required.find((_, i) => chain[i]!.length === 0);
      if (empty) throw conflict('no_approver', `Nobody can approve step “${empty.name}” for this target (no eligible, active approver)`);

      const now = clock.now().toISOString();
      const revisionId = newId();
      const revision: TargetRevision = {
        id: revisionId,
        targetId,
        status: 'pending',
        reason: input.reason,
        oldAmount: node.amount,
        newAmount: input.newAmount,
        currency: node.currency,
        evidence: input.evidence,
        effectiveFrom: input.effectiveFrom,
        requesterId: principal.userId,
        approvalId: newId(),
        ...(suggestion ? { fromSuggestionId: suggestion.id } : {}),
        createdAt: now,
        updatedAt: now,
      };
      const approval: StoredApproval = {
        id: revision.approvalId!,
        subject: { type: 'target', id: node.id, title: `FY${node.fiscalYear} ${node.dimension === 'company' ? 'company' : `${node.dimension} ${node.key}`} target` },
        requesterId: principal.userId,
        ownerId: node.ownerId ?? principal.userId,
        ...(node.teamId ? { teamId: node.teamId } : {}),
        ...(node.regionId ? { regionId: node.regionId } : {}),
        reason: `${input.reason}: ${input.evidence}`.slice(0, 1000),
        status: 'PENDING',
        policyVersion: policy.version,
        revision: {
          revisionId,
          fiscalYear: node.fiscalYear,
          rootId: node.rootId,
          treePath: node.treePath,
          reason: input.reason,
          currency: node.currency,
          oldAmount: node.amount,
          newAmount: input.newAmount,
          oldTiers: node.tiers,
          newTiers,
          fromVersion: node.targetVersion ?? 1,
          ...(node.appliedRevisionId ? { fromRevisionId: node.appliedRevisionId } : {}),
          ...(suggestion ? { fromSuggestionId: suggestion.id } : {}),
          fromEffectiveFrom: node.effectiveFrom ?? periodStart(node),
          effectiveFrom: input.effectiveFrom,
        },
        steps: buildSteps(required, chain),
        currentStep: -1,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      await transact(
        db,
        [
          putIfAbsent(db, approvalItem(approval)),
          {
            Update: {
              TableName: db.tableName,
              Key: targetKeys.node(node.fiscalYear, node.rootId, node.treePath),
              UpdateExpression: 'SET lockedByApprovalId = :id, version = version + :one, updatedAt = :now',
              // No revision below it pending either (each one counts itself on its ancestors).
              ConditionExpression: 'version = :v AND attribute_not_exists(lockedByApprovalId) AND (attribute_not_exists(pendingBelow) OR pendingBelow = :zero)',
              ExpressionAttributeValues: { ':id': approval.id, ':one': 1, ':now': now, ':v': node.version, ':zero': 0 },
            },
          },
          // Every ancestor: not locked itself, and counts this pending revision, so none of them can be revised meanwhile.
          ...pathIds(node.treePath)
            .slice(0, -1)
            .map((_, i, ids) => ({
              Update: {
                TableName: db.tableName,
                Key: targetKeys.node(node.fiscalYear, node.rootId, ids.slice(0, i + 1).join('/')),
                UpdateExpression: 'ADD pendingBelow :one',
                ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(lockedByApprovalId)',
                ExpressionAttributeValues: { ':one': 1 },
              },
            })),
          putIfAbsent(db, revisionItem(revision)),
          auditPut(db, { entityType: 'target', entityId: node.id, action: 'revision_requested', actorId: principal.userId, at: now, after: { revisionId, newAmount: input.newAmount, reason: input.reason, effectiveFrom: input.effectiveFrom }, scope: scopeOf(node) }),
          ...(suggestion
            ? [
                {
                  Update: {
                    TableName: db.tableName,
                    Key: targetKeys.revision(targetId, suggestion.id),
                    UpdateExpression: 'SET #status = :requested, requestRevisionId = :rev, updatedAt = :now',
                    ConditionExpression: '#status = :suggested',
                    ExpressionAttributeNames: { '#status': 'status' },
                    ExpressionAttributeValues: { ':requested': 'requested', ':rev': revisionId, ':now': now, ':suggested': 'suggested' },
                  },
                },
              ]
            : []),
        ],
        (index) =>
          suggestion && index === 4 + pathIds(node.treePath).length - 1
            ? conflict('suggestion_closed', 'That suggestion was turned into a request meanwhile')
            : conflict('revision_pending', 'The target, one above it or one below it changed or got a pending revision meanwhile; read it again'),
      );
      await engine.startExecution({ workflow: 'approval', name: approval.id, input: { approvalId: approval.id } });
      return { revision, approval: approvalView(approval) };
    },

    /** Requests and pace suggestions, newest first (ids are time-ordered): one Query on the target's partition. */
    async list(session: Session, targetId: string, query: { status?: string; limit: number; cursor?: string }) {
      await pointerFor(session, targetId);
      const page = await queryTable<TargetRevision & { PK?: string }>(db, { partition: targetKeys.pointer(targetId).PK, sortPrefix: targetKeys.revisionPrefix, limit: query.limit, cursor: query.cursor, descending: true });
      const items = page.items.filter((r) => !query.status || r.status === query.status);
      return { items, nextCursor: page.nextCursor };
    },

    /** Every version, oldest first: the superseded ones kept at each approval, then the node as it is now. */
    async versions(session: Session, targetId: string) {
      const { pointer } = await pointerFor(session, targetId);
      const [node, older] = await Promise.all([
        readNode(db, pointer),
        db.doc.send(
          new QueryCommand({
            TableName: db.tableName,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :v)',
            ExpressionAttributeValues: { ':pk': targetKeys.pointer(targetId).PK, ':v': targetKeys.versionPrefix },
            ConsistentRead: true,
          }),
        ),
      ]);
      if (!node) throw notFound(`Target ${targetId}`);
      const current: TargetVersion & { current: true } = {
        targetId,
        version: node.targetVersion ?? 1,
        amount: node.amount,
        tiers: node.tiers,
        currency: node.currency,
        effectiveFrom: node.effectiveFrom ?? periodStart(node),
        ...(node.appliedRevisionId ? { revisionId: node.appliedRevisionId } : {}),
        createdAt: node.versionCreatedAt ?? node.createdAt,
        current: true,
      };
      const kept = (older.Items ?? []).map((item) => fromItem<TargetVersion>(item)).filter((v) => v.version < current.version);
      return { targetId, items: [...kept, current] };
    },
  };
}
