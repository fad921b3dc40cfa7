import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { TaskDeps } from '#shared/core/task';
import { reviewKeys, targetKeys } from '#shared/core/keys';
import { conflict } from '#shared/core/errors';
import { putIfAbsent, transactRetrying } from '#shared/core/write';
import { notify, type NewNotification } from '#shared/notifications/service';
import { finaliseStatements } from '#shared/commissions/statements';
import { awardBadges } from '#shared/team/recognition';
import type { TargetRevision } from '#shared/goals/revision-schemas';
import { reviewPolicyStore } from './policy.ts';
import { cycleBadges, derivedId, improvementActions, lookupPeriod, nextPeriod, periodDays, suggestedNextTarget } from './rules.ts';
import { cycleScorecards, getCycle, planItem, previousScorecard } from './store.ts';
import type { ImprovementPlan, TargetSuggestion } from './schemas.ts';

const DAY_MS = 24 * 3600 * 1000;
const ignoreExisting = (error: unknown) => {
  if ((error as { code?: string }).code !== 'exists') throw error;
};

/**
 * Closes the cycle: improvement plans for low ratings, badges, final commission statements, next-period target
 * suggestions (a `suggested` revision on the rep's next-period target when there is one), notifications. Every
 * write is keyed by cycle × user, so a retried close adds nothing twice.
 */
export async function close(event: { cycleId: string }, deps: TaskDeps) {
  const { db } = deps;
  const [cycle, cards, stored] = await Promise.all([getCycle(db, event.cycleId), cycleScorecards(db, event.cycleId), reviewPolicyStore.load(db)]);
  if (!cycle) throw new Error(`Cycle ${event.cycleId} does not exist`);
  if (cycle.status === 'closed') return { status: 'closed' };
  const at = deps.clock.now().toISOString();
  const policy = stored.policy;

  const plans: ImprovementPlan[] = cards
    .filter((c) => c.finalRating <= policy.improvementPlanAtOrBelow)
    .map((c) => ({
      id: derivedId('plan', cycle.id, c.userId),
      cycleId: cycle.id,
      period: cycle.period,
      userId: c.userId,
      ownerId: c.managerId ?? (c.assessment && c.assessment.by !== 'system' ? c.assessment.by : (c.assessorIds[0] ?? null)),
      rating: c.finalRating,
      actions: [...improvementActions(c.components), ...(c.assessment?.goalsNextPeriod ?? [])],
      dueAt: new Date(Date.parse(at) + policy.improvementPlanDays * DAY_MS).toISOString(),
      checkpoints: [],
      status: 'open',
      createdAt: at,
      updatedAt: at,
    }));
  for (const plan of plans) await transactRetrying(db, [putIfAbsent(db, planItem(plan))], () => conflict('exists', 'exists')).catch(ignoreExisting);

  const previous = new Map<string, number>();
  for (const c of cards) {
    const before = await previousScorecard(db, c.userId, cycle.period);
    if (before) previous.set(c.userId, before.score);
  }
  const badges = cycleBadges(cards, previous);
  await awardBadges(db, badges.map((b) => ({ ...b, period: cycle.period, cycleId: cycle.id, awardedBy: 'system', at })));
  const statements = await finaliseStatements(db, { userIds: cards.map((c) => c.userId), period: cycle.period, at, cycleId: cycle.id });

  const next = nextPeriod(cycle.period);
  const fiscalYear = Number(next.slice(0, 4));
  const lookups = cards.length
    ? ((await db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: cards.map((c) => targetKeys.lookup(fiscalYear, `REP#${c.userId}`, lookupPeriod(next))) } } }))).Responses?.[db.tableName] ?? [])
    : [];
  const suggestions: TargetSuggestion[] = [];
  for (const c of cards) {
    const { amount, basis } = suggestedNextTarget(c.metrics, c.finalRating);
    const lookup = lookups.find((l) => l.SK === targetKeys.lookup(fiscalYear, `REP#${c.userId}`, lookupPeriod(next)).SK);
    const suggestion: TargetSuggestion = { userId: c.userId, ...(c.teamId ? { teamId: c.teamId } : {}), ...(c.regionId ? { regionId: c.regionId } : {}), period: next, suggestedAmount: amount, basis };
    if (lookup && lookup.currency === c.currency) {
      const revision: TargetRevision = {
        id: derivedId('suggestion', cycle.id, c.userId),
        targetId: String(lookup.id),
        status: 'suggested',
        reason: 'performance_review',
        oldAmount: Number(lookup.amount),
        newAmount: amount,
        currency: c.currency,
        evidence: `Review ${cycle.id}: final rating ${c.finalRating}; ${basis}`,
        effectiveFrom: periodDays(next).from,
        review: { cycleId: cycle.id, rating: c.finalRating },
        createdAt: at,
        updatedAt: at,
      };
      await transactRetrying(db, [putIfAbsent(db, { ...targetKeys.revision(revision.targetId, revision.id), type: 'target_revision', ...revision })], () => conflict('exists', 'exists')).catch(ignoreExisting);
      Object.assign(suggestion, { targetId: revision.targetId, revisionId: revision.id });
    }
    suggestions.push(suggestion);
  }

  await transactRetrying(
    db,
    [
      {
        Update: {
          TableName: db.tableName,
          Key: reviewKeys.cycle(cycle.id),
          UpdateExpression: 'SET #status = :closed, closedAt = :at, badges = :badges, suggestions = :suggestions, improvementPlans = :plans, statements = :statements',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':closed': 'closed', ':open': 'open', ':at': at, ':badges': badges, ':suggestions': suggestions, ':plans': plans.length, ':statements': statements },
        },
      },
    ],
    () => conflict('closed', 'The cycle closed meanwhile'),
  ).catch((error) => {
    if ((error as { code?: string }).code !== 'closed') throw error;
  });

  const notes: NewNotification[] = cards.map((c) => ({ userId: c.userId, kind: 'review.closed', title: `Review ${cycle.period} closed`, body: `Final rating ${c.finalRating}${plans.some((p) => p.userId === c.userId) ? '; an improvement plan is open for you' : ''}`, at, event: `${cycle.id}/closed` }));
  const managers = [...new Set(cards.flatMap((c) => (c.assessment && c.assessment.by !== 'system' ? [c.assessment.by] : c.assessorIds)))];
  notes.push(...managers.map((userId) => ({ userId, kind: 'review.closed', title: `Review ${cycle.period} closed`, body: `${cards.length} scorecards, ${plans.length} improvement plans, ${badges.length} badges`, at, event: `${cycle.id}/closed` })));
  if (cycle.startedBy !== 'schedule') notes.push({ userId: cycle.startedBy, kind: 'review.closed', title: `Review ${cycle.period} closed`, body: `${cards.length} scorecards`, at, event: `${cycle.id}/closed` });
  await notify(db, [...new Map(notes.map((n) => [n.userId, n])).values()]);
  return { status: 'closed', plans: plans.length, badges: badges.length, suggestions: suggestions.length };
}
