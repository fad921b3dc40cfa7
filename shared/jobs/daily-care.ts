import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TaskDeps } from '#shared/core/task';
import { keys } from '#shared/core/keys';
import { regradeCustomersPage } from '#shared/customers/regrade';
import { emitCareReminders, markOverdueFollowUps, refreshIntent } from '#shared/care/daily';
import { evaluateHealthPage } from '#shared/churn/evaluate';

/**
 * The daily customer-care run, one page at a time (workflows/daily-customer-care.asl.json loops over this):
 * re-grade for recency, refresh intent decay, evaluate churn health (red opens an alert), mark overdue
 * follow-ups, emit care reminders. Every phase walks an index page by page — never a Scan — and is safe to
 * re-run: its writes are conditional and its notifications have event-derived ids.
 */
export const PHASES = ['grade', 'intent', 'health', 'follow-ups', 'reminders'] as const;
export type Phase = (typeof PHASES)[number];
const PAGE = 50;

async function runPage(deps: TaskDeps, phase: Phase, cursor: string | undefined): Promise<{ processed: number; changed: number; nextCursor: string | null }> {
  switch (phase) {
    case 'grade': {
      const page = await regradeCustomersPage(deps, { cursor, limit: PAGE });
      return { processed: page.scanned, changed: page.changed, nextCursor: page.nextCursor };
    }
    case 'intent':
      return refreshIntent(deps, { cursor, limit: PAGE });
    case 'health': {
      const page = await evaluateHealthPage(deps, cursor, PAGE);
      return { processed: page.processed, changed: page.opened, nextCursor: page.nextCursor };
    }
    case 'follow-ups':
      return markOverdueFollowUps(deps, { cursor, limit: PAGE });
    case 'reminders':
      return emitCareReminders(deps, { cursor, limit: PAGE, days: 7 });
  }
}

export interface DailyStep {
  runId: string;
  phase: Phase;
  cursor: string | null;
}

/** Runs one page; answers where to continue, or done after the last page of the last phase. */
export async function dailyCareStep(event: DailyStep, deps: TaskDeps) {
  if (!PHASES.includes(event.phase)) throw Object.assign(new Error(`Unknown phase ${event.phase}`), { name: 'UnknownPhase' });
  const result = await runPage(deps, event.phase, event.cursor ?? undefined);
  const next = result.nextCursor ? { phase: event.phase, cursor: result.nextCursor } : { phase: PHASES[PHASES.indexOf(event.phase) + 1], cursor: null };
  const done = next.phase === undefined;
  await deps.db.doc.send(
    new UpdateCommand({
      TableName: deps.db.tableName,
      Key: keys.jobRun('daily-customer-care'),
      // A new run id starts the counters afresh; pages of the same run add to them.
      UpdateExpression: 'SET #type = :type, runId = :run, updatedAt = :now, #status = :status, counts.#processed = if_not_exists(counts.#processed, :zero) + :p, counts.#changed = if_not_exists(counts.#changed, :zero) + :c',
      ConditionExpression: 'runId = :run',
      ExpressionAttributeNames: { '#type': 'type', '#status': 'status', '#processed': `${event.phase}_processed`, '#changed': `${event.phase}_changed` },
      ExpressionAttributeValues: { ':type': 'job_run', ':run': event.runId, ':now': deps.clock.now().toISOString(), ':status': done ? 'SUCCEEDED' : 'RUNNING', ':zero': 0, ':p': result.processed, ':c': result.changed },
    }),
  ).catch(async (error) => {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    // First page of a new run: replace the previous run's record.
    await deps.db.doc.send(
      new UpdateCommand({
        TableName: deps.db.tableName,
        Key: keys.jobRun('daily-customer-care'),
        UpdateExpression: 'SET #type = :type, runId = :run, startedAt = :now, updatedAt = :now, #status = :status, counts = :counts',
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
        ExpressionAttributeValues: { ':type': 'job_run', ':run': event.runId, ':now': deps.clock.now().toISOString(), ':status': done ? 'SUCCEEDED' : 'RUNNING', ':counts': { [`${event.phase}_processed`]: result.processed, [`${event.phase}_changed`]: result.changed } },
      }),
    );
  });
  return { runId: event.runId, phase: next.phase ?? event.phase, cursor: next.cursor, done };
}
