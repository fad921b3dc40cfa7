import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { targetKeys } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { auditPut } from '#shared/core/audit';
import { queryIndex } from '#shared/core/query';
import { putIfAbsent, transact } from '#shared/core/write';
import { batchGet } from '#shared/care/store';
import { notify } from '#shared/notifications/service';
import { goalPolicyStore } from './policy.ts';
import { nodeProgress } from './progress-service.ts';
import { describeFinding, paceCheckDue, paceFinding, paceLabel, paceSuggestion } from './pace.ts';
import { scopeOf } from './rules.ts';
import type { PaceFinding, TargetRevision } from './revision-schemas.ts';
import type { TargetNode } from './schemas.ts';

/**
 * The daily pace check over one page of a fiscal year's target nodes (GSI4 TARGETS, fiscal year prefix).
 * A node due for a check (pace.ts) and off pace gets one suggestion per period: the guard item, the suggestion
 * and its audit entry are one transaction, the guard's attribute_not_exists making reruns, retries and later
 * days no-ops. The owner (the creator for the company target) is notified after, under an id derived from the
 * guard, and the guard records it, so a crash in between is healed by the next run without a second message.
 */
export const PACE_ACTOR = 'job:daily-goal-pace';

export interface PaceCounts {
  /** Nodes due for a check (period running, grace passed). */
  checked: number;
  suggested: number;
  /** Due nodes whose suggestion for the period already exists. */
  alreadySuggested: number;
}

interface PaceGuard {
  targetId: string;
  period: string;
  revisionId: string;
  recipientId: string;
  newAmount: number;
  finding: PaceFinding;
  createdAt: string;
  notifiedAt?: string;
}

const recipientOf = (node: TargetNode) => node.ownerId ?? node.createdBy;

async function notifyOwner(db: Db, node: TargetNode, guard: PaceGuard, now: string): Promise<void> {
  const { finding } = guard;
  await notify(db, [
    {
      userId: guard.recipientId,
      kind: 'target_pace',
      title: `Target ${node.dimension} ${node.key} (${finding.period}) is ${finding.direction === 'behind' ? 'behind' : 'ahead of'} pace`,
      body: `${describeFinding(node, finding, guard.newAmount)} Suggested revision ${guard.revisionId} is listed with target ${node.id}'s revisions; nothing changes unless someone requests it.`,
      at: guard.createdAt,
      event: `pace/${node.id}/${guard.period}`,
    },
  ]);
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: targetKeys.paceGuard(node.id, guard.period),
      UpdateExpression: 'SET notifiedAt = if_not_exists(notifiedAt, :now)',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':now': now },
    }),
  );
}

/** One node off pace: the guard, the suggestion and the audit entry in one transaction; false if the guard was there. */
async function suggest(db: Db, node: TargetNode, guard: PaceGuard, revision: TargetRevision): Promise<boolean> {
  const guardExists = 'PaceGuardExists';
  try {
    await transact(
      db,
      [
        putIfAbsent(db, { ...targetKeys.paceGuard(node.id, guard.period), type: 'target_pace_guard', ...guard }),
        putIfAbsent(db, { ...targetKeys.revision(node.id, revision.id), type: 'target_revision', ...revision }),
        auditPut(db, { entityType: 'target', entityId: node.id, action: 'pace_suggestion', actorId: PACE_ACTOR, at: revision.createdAt, after: revision as never, scope: scopeOf(node) }),
      ],
      (index) => Object.assign(new Error(`Pace suggestion for target ${node.id}: item ${index} already exists`), { name: index === 0 ? guardExists : 'PaceSuggestionConflict' }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === guardExists) return false;
    throw error;
  }
}

export async function checkPacePage({ db, clock }: { db: Db; clock: Clock }, input: { fiscalYear: number; asOf: Date; cursor?: string; limit: number }): Promise<PaceCounts & { nextCursor: string | null }> {
  const [page, stored] = await Promise.all([
    queryIndex<TargetNode>(db, { index: 'GSI4', partition: targetKeys.allPartition, sortPrefix: targetKeys.sortPrefix(input.fiscalYear), limit: input.limit, cursor: input.cursor }),
    goalPolicyStore.load(db),
  ]);
  const policy = stored.policy;
  const due = page.items.filter((node) => paceCheckDue(node, policy, input.asOf));
  // Guarded nodes are settled for the period: their actuals are not read again.
  const guards = due.length > 0 ? await batchGet(db, due.map((node) => targetKeys.paceGuard(node.id, paceLabel(node)))) : [];
  const counts: PaceCounts = { checked: due.length, suggested: 0, alreadySuggested: 0 };
  const now = () => clock.now().toISOString();

  await Promise.all(
    due.map(async (node, i) => {
      const existing = guards[i] as PaceGuard | undefined;
      if (existing) {
        counts.alreadySuggested++;
        if (!existing.notifiedAt) await notifyOwner(db, node, existing, now());
        return;
      }
      const progress = await nodeProgress(db, node, input.asOf);
      const finding = paceFinding(node, progress, policy, input.asOf);
      if (!finding) return;
      const revision = paceSuggestion(node, progress, finding, newId(), input.asOf);
      const guard: PaceGuard = { targetId: node.id, period: finding.period, revisionId: revision.id, recipientId: recipientOf(node), newAmount: revision.newAmount, finding, createdAt: revision.createdAt };
      if (!(await suggest(db, node, guard, revision))) {
        counts.alreadySuggested++; // a concurrent run got there first; it notifies
        return;
      }
      counts.suggested++;
      await notifyOwner(db, node, guard, now());
    }),
  );
  return { ...counts, nextCursor: page.nextCursor };
}
