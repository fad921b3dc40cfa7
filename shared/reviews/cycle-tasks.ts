import type { TaskDeps } from '#shared/core/task';
import { reviewKeys } from '#shared/core/keys';
import { conflict } from '#shared/core/errors';
import { putIfAbsent, transactRetrying } from '#shared/core/write';
import { notify } from '#shared/notifications/service';
import { usersById } from '#shared/approvals/resolve';
import { reviewPolicyStore } from './policy.ts';
import { measure, repsOf } from './metrics.ts';
import { componentsOf, cycleIdOf, derivedId, monthsOfPeriod, previousPeriod, scoreOf } from './rules.ts';
import { assessorTasks, countOnCycle, cycleItem, getCycle, getScorecard, scorecardItem, writeScorecard } from './store.ts';
import type { ReviewCycle, StoredScorecard } from './schemas.ts';

/**
 * The performance-review workflow's tasks up to the close (workflows/performance-review.asl.json). Each reads the
 * records and acts only when they are still in the state it expects, so retried and replayed tasks do no harm.
 */
const stale = () => conflict('scorecard_changed', 'The scorecard changed while the workflow acted on it');
const CURRENCY = 'CNY';

/**
 * One scorecard per rep and period, whichever cycle made it: a team cycle and a company cycle for the same month
 * review each rep once (cycle ids start with their period, YYYY-MM or YYYY-Qn: seven characters).
 */
export const scorecardIdOf = (cycleId: string, userId: string) => derivedId('scorecard', cycleId.slice(0, 7), userId);

async function card(deps: TaskDeps, cycleId: string, userId: string): Promise<StoredScorecard> {
  const found = await getScorecard(deps.db, scorecardIdOf(cycleId, userId));
  if (!found) throw Object.assign(new Error(`No scorecard for ${userId} in cycle ${cycleId}`), { name: 'ScorecardMissing' });
  return found;
}

/**
 * Runs a step on the card as it is now. People act on the same card (an assessment can land while the workflow
 * stores its token): a step that lost such a race reads the card again and decides afresh.
 */
async function onCard<T>(deps: TaskDeps, event: { cycleId: string; userId: string }, step: (found: StoredScorecard) => Promise<T>, elsewhere: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const found = await card(deps, event.cycleId, event.userId);
      // Reviewed by another cycle of the same period: that cycle waits for this rep, this one does not.
      if (found.cycleId !== event.cycleId) return await elsewhere();
      return await step(found);
    } catch (error) {
      if ((error as { code?: string }).code !== 'scorecard_changed' || attempt >= 4) throw error;
    }
  }
}

/**
 * Opens the cycle (a schedule names the period it reviews: the month or quarter before it fired). Only the execution
 * that created a cycle runs it: a second start of the same cycle (retry, double click, run-now) stops here.
 */
export async function open(event: { cycleId?: string; scheduledAt?: string; cadence?: 'monthly' | 'quarterly'; executionName: string }, deps: TaskDeps) {
  const stored = await reviewPolicyStore.load(deps.db);
  const slas = { assessmentSlaSeconds: stored.policy.assessmentSlaSeconds, acknowledgementSlaSeconds: stored.policy.acknowledgementSlaSeconds };
  let cycleId = event.cycleId;
  if (!cycleId) {
    const period = previousPeriod(event.scheduledAt ?? deps.clock.now().toISOString(), event.cadence ?? 'monthly');
    cycleId = cycleIdOf(period);
    const cycle: ReviewCycle = {
      id: cycleId, period, status: 'open', executionName: event.executionName, startedBy: 'schedule', policyVersion: stored.version,
      reps: 0, scored: 0, assessed: 0, acknowledged: 0, escalated: 0, badges: [], suggestions: [], improvementPlans: 0, createdAt: deps.clock.now().toISOString(),
    };
    await transactRetrying(deps.db, [putIfAbsent(deps.db, cycleItem(cycle))], () => conflict('cycle_exists', 'exists')).catch((error) => {
      if ((error as { code?: string }).code !== 'cycle_exists') throw error;
    });
  }
  const cycle = await getCycle(deps.db, cycleId);
  const proceed = !!cycle && cycle.status === 'open' && cycle.executionName === event.executionName;
  return { cycleId, proceed, ...slas };
}

/** Everyone the cycle reviews (paginated index reads inside); the count goes on the cycle. */
export async function listReps(event: { cycleId: string }, deps: TaskDeps) {
  const cycle = (await getCycle(deps.db, event.cycleId))!;
  const reps = await repsOf(deps.db, cycle.teamId);
  await transactRetrying(deps.db, [{ Update: { TableName: deps.db.tableName, Key: reviewKeys.cycle(cycle.id), UpdateExpression: 'SET reps = :n', ExpressionAttributeValues: { ':n': reps.length } } }], stale);
  return { userIds: reps.map((r) => r.id) };
}

/** Computes the rep's scorecard once (a retry finds it) and counts it on the cycle. */
export async function score(event: { cycleId: string; userId: string }, deps: TaskDeps) {
  const id = scorecardIdOf(event.cycleId, event.userId);
  const existing = await getScorecard(deps.db, id);
  if (existing) return { status: existing.cycleId === event.cycleId ? existing.status : 'reviewed_elsewhere' };
  const [cycle, users, stored] = await Promise.all([getCycle(deps.db, event.cycleId), usersById(deps.db, [event.userId]), reviewPolicyStore.load(deps.db)]);
  const user = users.get(event.userId) as unknown as { id: string; name?: string; roles?: string[]; teamId?: string; regionId?: string; managerId?: string };
  const rep = { id: event.userId, name: user?.name ?? event.userId, roles: user?.roles ?? ['rep'], teamId: user?.teamId, regionId: user?.regionId, managerId: user?.managerId };
  const metrics = await measure(deps.db, rep, cycle!.period, CURRENCY);
  const components = componentsOf(metrics, stored.policy, monthsOfPeriod(cycle!.period).length);
  const { score: points, rating } = scoreOf(components, stored.policy);
  const now = deps.clock.now().toISOString();
  const scorecard: StoredScorecard = {
    id, cycleId: cycle!.id, period: cycle!.period, userId: rep.id, name: rep.name,
    ...(rep.teamId ? { teamId: rep.teamId } : {}), ...(rep.regionId ? { regionId: rep.regionId } : {}),
    currency: CURRENCY, metrics, components, score: points, rating, finalRating: rating, status: 'scored',
    ...(rep.managerId ? { managerId: rep.managerId } : {}), assessorIds: rep.managerId ? [rep.managerId] : [], createdAt: now, updatedAt: now, version: 1,
  };
  try {
    await transactRetrying(deps.db, [putIfAbsent(deps.db, scorecardItem(scorecard)), ...assessorTasks(deps.db, scorecard), countOnCycle(deps.db, cycle!.id, 'scored')], () => conflict('exists', 'exists'));
  } catch (error) {
    if ((error as { code?: string }).code !== 'exists') throw error;
  }
  return { status: 'scored' };
}

/** Ends a callback's wait at once (the step it waits for happened already, or belongs to another cycle). */
async function endWait(deps: TaskDeps, taskToken: string) {
  await deps.engine.sendTaskSuccess(taskToken, { status: 'done' });
  return { waiting: false };
}

/** Records the automatic assessment when nobody assessed in time: the computed rating stands. */
async function assessAutomatically(deps: TaskDeps, found: StoredScorecard) {
  const at = deps.clock.now().toISOString();
  const next: StoredScorecard = {
    ...found, status: 'assessed', assessmentToken: undefined, updatedAt: at, version: found.version + 1,
    assessment: { by: 'system', comment: 'No assessment within the SLA: the computed rating stands', ratingAdjustment: 0, goalsNextPeriod: [], at, automatic: true },
  };
  await transactRetrying(deps.db, [...writeScorecard(deps.db, next, found), countOnCycle(deps.db, found.cycleId, 'assessed')], stale);
  await notify(deps.db, [{ userId: found.userId, kind: 'review.assessed', title: 'Your scorecard is ready to acknowledge', body: `Period ${found.period}: rating ${found.finalRating} (no manager assessment within the SLA)`, at, event: `${found.id}/assessed` }]);
}

/**
 * Callback: waits for the assessment (round 0: the manager, round 1: after escalation). Already assessed, or nobody
 * to assess: the wait ends at once (assessed automatically when nobody can).
 */
export async function awaitAssessment(event: { cycleId: string; userId: string; round: number; taskToken: string }, deps: TaskDeps) {
  return onCard(deps, event, async (found) => {
    if (found.status === 'scored' && found.assessorIds.length === 0) await assessAutomatically(deps, found);
    if (found.status !== 'scored' || found.assessorIds.length === 0) {
      await deps.engine.sendTaskSuccess(event.taskToken, { status: 'assessed' });
      return { waiting: false };
    }
    const at = deps.clock.now().toISOString();
    await transactRetrying(deps.db, writeScorecard(deps.db, { ...found, assessmentToken: event.taskToken, updatedAt: at, version: found.version + 1 }, found), stale);
    await notify(
      deps.db,
      found.assessorIds.map((userId) => ({ userId, kind: 'review.assessment_requested', title: `Assess ${found.name}’s scorecard`, body: `Period ${found.period}: score ${found.score}, computed rating ${found.rating}`, at, event: `${found.id}/assess/${event.round}` })),
    );
    return { waiting: true };
  }, async () => endWait(deps, event.taskToken));
}

/** Assessment SLA passed: the assessors' managers (the director) take over; none → { escalated: false }. */
export async function escalate(event: { cycleId: string; userId: string }, deps: TaskDeps) {
  return onCard(deps, event, async (found) => {
    if (found.status !== 'scored') return { escalated: true };
    const managers = await usersById(deps.db, found.assessorIds);
    const to = [...new Set(found.assessorIds.map((id) => managers.get(id)?.managerId).filter((m): m is string => !!m && m !== found.userId))];
    if (to.length === 0) return { escalated: false };
    const at = deps.clock.now().toISOString();
    const next: StoredScorecard = { ...found, assessorIds: to, escalatedTo: to, assessmentToken: undefined, updatedAt: at, version: found.version + 1 };
    await transactRetrying(deps.db, [...writeScorecard(deps.db, next, found), countOnCycle(deps.db, found.cycleId, 'escalated')], stale);
    await notify(deps.db, [
      ...found.assessorIds.map((userId) => ({ userId, kind: 'review.escalated', title: `Assessment of ${found.name} escalated`, body: `Not assessed within the SLA; passed to ${to.join(', ')}`, at, event: `${found.id}/escalated` })),
    ]);
    return { escalated: true };
  }, async () => ({ escalated: true }));
}

/** Nobody assessed, even after escalation. */
export async function autoAssess(event: { cycleId: string; userId: string }, deps: TaskDeps) {
  return onCard<{ status: string }>(deps, event, async (found) => {
    if (found.status === 'scored') await assessAutomatically(deps, found);
    return { status: 'assessed' };
  }, async () => ({ status: 'reviewed_elsewhere' as const }));
}

/** Callback: waits for the rep's acknowledgement; already acknowledged → ends at once. */
export async function awaitAcknowledgement(event: { cycleId: string; userId: string; taskToken: string }, deps: TaskDeps) {
  return onCard(deps, event, async (found) => {
    if (found.status === 'acknowledged') {
      await deps.engine.sendTaskSuccess(event.taskToken, { status: 'acknowledged' });
      return { waiting: false };
    }
    const at = deps.clock.now().toISOString();
    await transactRetrying(deps.db, writeScorecard(deps.db, { ...found, acknowledgementToken: event.taskToken, updatedAt: at, version: found.version + 1 }, found), stale);
    await notify(deps.db, [{ userId: found.userId, kind: 'review.acknowledgement_requested', title: 'Acknowledge your scorecard', body: `Period ${found.period}: final rating ${found.finalRating}`, at, event: `${found.id}/acknowledge` }]);
    return { waiting: true };
  }, async () => endWait(deps, event.taskToken));
}

/** The rep did not acknowledge in time: noted on the card, the manager told; the cycle goes on. */
export async function acknowledgementOverdue(event: { cycleId: string; userId: string }, deps: TaskDeps) {
  return onCard<{ status: string }>(deps, event, async (found) => {
    if (found.status !== 'assessed' || found.acknowledgement?.overdue) return { status: found.status };
    const at = deps.clock.now().toISOString();
    await transactRetrying(deps.db, writeScorecard(deps.db, { ...found, acknowledgement: { at, overdue: true }, acknowledgementToken: undefined, updatedAt: at, version: found.version + 1 }, found), stale);
    const assessor = found.assessment?.by && found.assessment.by !== 'system' ? [found.assessment.by] : found.assessorIds;
    await notify(deps.db, assessor.map((userId) => ({ userId, kind: 'review.acknowledgement_overdue', title: `${found.name} has not acknowledged`, body: `Period ${found.period}`, at, event: `${found.id}/ack-overdue` })));
    return { status: found.status };
  }, async () => ({ status: 'reviewed_elsewhere' as const }));
}

/** A step failed for good: the cycle says so (and why), and a new start may restart it. */
export async function fail(event: { cycleId: string; error?: string; cause?: string }, deps: TaskDeps) {
  await transactRetrying(
    deps.db,
    [
      {
        Update: {
          TableName: deps.db.tableName,
          Key: reviewKeys.cycle(event.cycleId),
          UpdateExpression: 'SET #status = :failed, #error = :error',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: { ':failed': 'failed', ':open': 'open', ':error': `${event.error ?? 'Error'}: ${String(event.cause ?? '').slice(0, 500)}` },
        },
      },
    ],
    () => conflict('not_open', 'not open'),
  ).catch((error) => {
    if ((error as { code?: string }).code !== 'not_open') throw error;
  });
  return { status: 'failed' };
}
