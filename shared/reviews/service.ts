import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import type { WorkflowEngine } from '#shared/core/workflow-engine';
import { resumeIfOpen } from '#shared/core/workflow-engine';
import { keys, reviewKeys } from '#shared/core/keys';
import { conflict, forbidden, invalid, notFound } from '#shared/core/errors';
import { canSee, hasRole, isOrgWide, type Principal } from '#shared/core/principal';
import { fromItem, queryIndex } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { putIfAbsent, transactRetrying } from '#shared/core/write';
import { newId } from '#shared/core/ids';
import { notify } from '#shared/notifications/service';
import { reviewPolicyStore } from './policy.ts';
import { adjustedRating, cycleIdOf, periodDays } from './rules.ts';
import { countOnCycle, cycleItem, getCycle, planItem, scorecardView, writeScorecard } from './store.ts';
import type { AssessmentInput, CreateCycle, ImprovementPlan, ReviewCycle, StoredScorecard } from './schemas.ts';

/** Who sees a cycle: org-wide roles; a team cycle also its manager and its region's director; a company cycle any manager or director. */
function canSeeCycle(principal: Principal, cycle: ReviewCycle, team?: { regionId?: string }): boolean {
  if (isOrgWide(principal)) return true;
  if (!cycle.teamId) return hasRole(principal, 'manager', 'director');
  return (hasRole(principal, 'manager') && principal.teamId === cycle.teamId) || (hasRole(principal, 'director') && !!team?.regionId && principal.regionId === team.regionId);
}

const cardScope = (c: StoredScorecard) => ({ ownerId: c.userId, teamId: c.teamId ?? null, regionId: c.regionId ?? null });
const canSeeCard = (principal: Principal, c: StoredScorecard) => canSee(principal, cardScope(c)) || c.assessorIds.includes(principal.userId);

/** The workflow stores its token on the card while people act on it: a write that lost that race reads again (twice at most). */
async function retryingRace<T>(act: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await act();
    } catch (error) {
      if ((error as { code?: string }).code !== 'scorecard_changed' || attempt >= 2) throw error;
    }
  }
}

export function createReviewService({ db, clock, engine }: { db: Db; clock: Clock; engine: WorkflowEngine }) {
  async function loadCard(session: Session, id: string) {
    const { principal, items } = await session.load([reviewKeys.scorecard(id)]);
    const card = items[0] && fromItem<StoredScorecard>(items[0]);
    if (!card || !canSeeCard(principal, card)) throw notFound(`Scorecard ${id}`);
    return { principal, card };
  }

  async function assessOnce(session: Session, id: string, input: AssessmentInput) {
    const { principal, card } = await loadCard(session, id);
    if (!card.assessorIds.includes(principal.userId)) throw forbidden(`Assessed by ${card.assessorIds.join(', ') || 'nobody'}, not you`);
    if (card.status !== 'scored') throw conflict('already_assessed', 'This scorecard is already assessed');
    const at = clock.now().toISOString();
    const next: StoredScorecard = { ...card, status: 'assessed', finalRating: adjustedRating(card.rating, input.ratingAdjustment), assessment: { by: principal.userId, ...input, at }, assessmentToken: undefined, updatedAt: at, version: card.version + 1 };
    await transactRetrying(db, [...writeScorecard(db, next, card), countOnCycle(db, card.cycleId, 'assessed')], () => conflict('scorecard_changed', 'The scorecard changed meanwhile; read it again'));
    await notify(db, [{ userId: card.userId, kind: 'review.assessed', title: 'Your scorecard is assessed', body: `Period ${card.period}: final rating ${next.finalRating}. Acknowledge it.`, at, event: `${card.id}/assessed` }]);
    await resumeIfOpen(card.assessmentToken, (token) => engine.sendTaskSuccess(token, { status: 'assessed' }));
    return scorecardView(next);
  }

  async function acknowledgeOnce(session: Session, id: string, input: { comment?: string }) {
    const { principal, card } = await loadCard(session, id);
    if (principal.userId !== card.userId) throw forbidden('Only the rep acknowledges their scorecard');
    if (card.status === 'scored') throw conflict('not_assessed', 'Wait for the assessment');
    if (card.status === 'acknowledged') throw conflict('already_acknowledged', 'Already acknowledged');
    const at = clock.now().toISOString();
    const next: StoredScorecard = { ...card, status: 'acknowledged', acknowledgement: { at, ...(input.comment ? { comment: input.comment } : {}) }, acknowledgementToken: undefined, updatedAt: at, version: card.version + 1 };
    await transactRetrying(db, [...writeScorecard(db, next, card), countOnCycle(db, card.cycleId, 'acknowledged')], () => conflict('scorecard_changed', 'The scorecard changed meanwhile; read it again'));
    await resumeIfOpen(card.acknowledgementToken, (token) => engine.sendTaskSuccess(token, { status: 'acknowledged' }));
    return scorecardView(next);
  }

  /** A failed cycle runs again under a new execution name; its scorecards so far are kept (each step finds its own). */
  async function restart(cycle: ReviewCycle) {
    const executionName = `${cycle.id}-r${newId()}`;
    await transactRetrying(
      db,
      [{ Update: { TableName: db.tableName, Key: reviewKeys.cycle(cycle.id), UpdateExpression: 'SET #status = :open, executionName = :name REMOVE #error', ConditionExpression: '#status = :failed', ExpressionAttributeNames: { '#status': 'status', '#error': 'error' }, ExpressionAttributeValues: { ':open': 'open', ':failed': 'failed', ':name': executionName } } }],
      () => conflict('cycle_restarted', 'The cycle was restarted meanwhile'),
    );
    await engine.startExecution({ workflow: 'performance-review', name: executionName, input: { cycleId: cycle.id, scheduledAt: null, cadence: null } });
    return { ...cycle, status: 'open' as const, executionName };
  }

  return {
    /** Starts a cycle by hand (admin): its id is its period (and team), so a second start answers 409 with it. */
    async start(session: Session, input: CreateCycle) {
      const { principal, items } = await session.load(input.teamId ? [keys.team(input.teamId)] : []);
      if (!hasRole(principal, 'admin')) throw forbidden('Only an admin starts a review cycle by hand');
      if (input.teamId && !items[0]) throw invalid('No such team', { teamId: `No team ${input.teamId}` });
      // Statements are finalised at the close: a period still running would lose its later orders.
      if (periodDays(input.period).to >= clock.now().toISOString().slice(0, 10)) throw invalid('The period has not ended', { period: 'Review a period that has ended' });
      const stored = await reviewPolicyStore.load(db);
      const id = cycleIdOf(input.period, input.teamId);
      const existing = await getCycle(db, id);
      if (existing?.status === 'failed') return restart(existing);
      // Open but possibly never started (a crash between the write and the start): starting its execution again by
      // name is a no-op when it runs, and heals it when it did not. The caller still learns the cycle exists.
      if (existing?.status === 'open') {
        await engine.startExecution({ workflow: 'performance-review', name: existing.executionName, input: { cycleId: id, scheduledAt: null, cadence: null } });
        throw conflict('cycle_exists', `Cycle ${id} already exists; GET /review-cycles/${id}`);
      }
      const cycle: ReviewCycle = {
        id, period: input.period, ...(input.teamId ? { teamId: input.teamId } : {}), status: 'open', executionName: id, startedBy: principal.userId, policyVersion: stored.version,
        reps: 0, scored: 0, assessed: 0, acknowledged: 0, escalated: 0, badges: [], suggestions: [], improvementPlans: 0, createdAt: clock.now().toISOString(),
      };
      await transactRetrying(db, [putIfAbsent(db, cycleItem(cycle))], () => conflict('cycle_exists', `Cycle ${id} already exists; GET /review-cycles/${id}`));
      await engine.startExecution({ workflow: 'performance-review', name: id, input: { cycleId: id, scheduledAt: null, cadence: null } });
      return cycle;
    },

    async get(session: Session, id: string) {
      const { principal, items } = await session.load([reviewKeys.cycle(id)]);
      const cycle = items[0] && fromItem<ReviewCycle>(items[0]);
      const team = cycle?.teamId ? (await session.load([keys.team(cycle.teamId)])).items[0] : undefined;
      if (!cycle || !canSeeCycle(principal, cycle, team as { regionId?: string } | undefined)) throw notFound(`Review cycle ${id}`);
      const { executionName: _name, ...view } = cycle;
      // A company cycle spans every team: each reader sees the badges and suggestions of people in their scope.
      const visible = (entry: { userId: string; teamId?: string; regionId?: string }) => isOrgWide(principal) || canSee(principal, { ownerId: entry.userId, teamId: entry.teamId ?? null, regionId: entry.regionId ?? null });
      return { ...view, badges: cycle.badges.filter(visible), suggestions: cycle.suggestions.filter(visible), progress: { reps: cycle.reps, scored: cycle.scored, assessed: cycle.assessed, acknowledged: cycle.acknowledged, escalated: cycle.escalated } };
    },

    /** A cycle's scorecards (within your scope), one user's, or those waiting for your assessment (assessor=me), newest period first. */
    async list(session: Session, query: { cycleId?: string; userId?: string; assessor?: 'me'; limit: number; cursor?: string }) {
      const forms = (['cycleId', 'userId', 'assessor'] as const).filter((f) => query[f]);
      if (forms.length !== 1) {
        const message = 'Send exactly one of cycleId, userId or assessor=me';
        throw invalid('Ask for one list', Object.fromEntries((forms.length ? forms : ['cycleId']).map((f) => [f, message])));
      }
      const { principal } = await session.load();
      const page = query.assessor
        ? await queryIndex<StoredScorecard>(db, { index: 'GSI3', partition: reviewKeys.assessorPartition(principal.userId), limit: query.limit, cursor: query.cursor, descending: true })
        : query.cycleId
        ? await queryIndex<StoredScorecard>(db, { index: 'GSI2', partition: reviewKeys.cyclePartition(query.cycleId), limit: query.limit, cursor: query.cursor })
        : await queryIndex<StoredScorecard>(db, { index: 'GSI1', partition: `OWNER#${query.userId}`, sortPrefix: reviewKeys.userScorecardPrefix, limit: query.limit, cursor: query.cursor, descending: true });
      return { items: page.items.filter((c) => canSeeCard(principal, c)).map(scorecardView), nextCursor: page.nextCursor };
    },

    /** The assessor's comment, rating adjustment (±1) and goals; resumes the waiting workflow. */
    assess: (session: Session, id: string, input: AssessmentInput) => retryingRace(() => assessOnce(session, id, input)),

    /** The rep confirms they have seen it; resumes the waiting workflow. */
    acknowledge: (session: Session, id: string, input: { comment?: string }) => retryingRace(() => acknowledgeOnce(session, id, input)),
    async plans(session: Session, query: { userId: string; limit: number; cursor?: string }) {
      const { principal, items } = await session.load([keys.user(query.userId)]);
      const user = items[0];
      if (!user || !canSee(principal, { ownerId: query.userId, teamId: (user.teamId as string) ?? null, regionId: (user.regionId as string) ?? null })) throw notFound(`User ${query.userId}`);
      const page = await queryIndex<ImprovementPlan>(db, { index: 'GSI1', partition: `OWNER#${query.userId}`, sortPrefix: reviewKeys.userPlanPrefix, limit: query.limit, cursor: query.cursor, descending: true });
      return page;
    },

    /** Progress on a plan, by the rep, the plan's owner or someone above; `done` closes it. */
    async checkpoint(session: Session, id: string, input: { note: string; status: 'on_track' | 'at_risk' | 'done' }) {
      const { principal, items } = await session.load([reviewKeys.plan(id)]);
      const plan = items[0] && fromItem<ImprovementPlan>(items[0]);
      if (!plan) throw notFound(`Improvement plan ${id}`);
      const owner = await session.load([keys.user(plan.userId)]);
      const user = owner.items[0];
      const inScope = plan.userId === principal.userId || plan.ownerId === principal.userId || canSee(principal, { ownerId: plan.userId, teamId: (user?.teamId as string) ?? null, regionId: (user?.regionId as string) ?? null });
      if (!inScope) throw notFound(`Improvement plan ${id}`);
      if (plan.status === 'done') throw conflict('plan_done', 'This plan is done');
      if (input.status === 'done' && plan.userId === principal.userId) throw forbidden('The plan’s owner or someone above closes it; record your progress as on_track or at_risk');
      const at = clock.now().toISOString();
      const next: ImprovementPlan = { ...plan, checkpoints: [...plan.checkpoints, { at, by: principal.userId, ...input }], status: input.status === 'done' ? 'done' : 'open', updatedAt: at };
      await transactRetrying(
        db,
        [{ Put: { TableName: db.tableName, Item: planItem(next), ConditionExpression: 'updatedAt = :read', ExpressionAttributeValues: { ':read': plan.updatedAt } } }],
        () => conflict('plan_changed', 'The plan changed meanwhile; read it again'),
      );
      return next;
    },
  };
}
