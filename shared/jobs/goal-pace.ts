import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TaskDeps } from '#shared/core/task';
import { keys } from '#shared/core/keys';
import { checkPacePage, type PaceCounts } from '#shared/goals/pace-check';

/**
 * The daily goal-pace run, one page of target nodes per task (workflows/daily-goal-pace.asl.json loops over
 * this). The first page fixes the check time and the fiscal year, so every page of a run judges the same
 * moment even across midnight; counts travel with the state and end as the execution's output.
 */
export const JOB = 'daily-goal-pace';
const PAGE = 50;

export interface GoalPaceStep {
  runId: string;
  asOf: string | null;
  fiscalYear: number | null;
  cursor: string | null;
  counts: PaceCounts | null;
}

const badInput = (message: string) => Object.assign(new Error(message), { name: 'InvalidStepInput' });

/** One page; `pageSize` is for tests that walk a small tree in several pages. */
export async function goalPaceStep(event: GoalPaceStep, deps: TaskDeps, pageSize = PAGE) {
  if (!event.runId) throw badInput('runId is required');
  const asOf = event.asOf ?? deps.clock.now().toISOString();
  if (Number.isNaN(Date.parse(asOf))) throw badInput(`asOf ${asOf} is not a time`);
  const fiscalYear = event.fiscalYear ?? new Date(asOf).getUTCFullYear();
  const page = await checkPacePage(deps, { fiscalYear, asOf: new Date(asOf), cursor: event.cursor ?? undefined, limit: pageSize });
  const before = event.counts ?? { checked: 0, suggested: 0, alreadySuggested: 0 };
  const counts: PaceCounts = { checked: before.checked + page.checked, suggested: before.suggested + page.suggested, alreadySuggested: before.alreadySuggested + page.alreadySuggested };
  const done = page.nextCursor === null;
  await deps.db.doc
    .send(
      new PutCommand({
        TableName: deps.db.tableName,
        Item: { ...keys.jobRun(JOB), type: 'job_run', runId: event.runId, startedAt: asOf, updatedAt: deps.clock.now().toISOString(), status: done ? 'SUCCEEDED' : 'RUNNING', fiscalYear, counts },
        // A late page of an older run never overwrites a newer run's record.
        ConditionExpression: 'attribute_not_exists(PK) OR runId = :run OR startedAt <= :started',
        ExpressionAttributeValues: { ':run': event.runId, ':started': asOf },
      }),
    )
    .catch((error) => {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    });
  return { runId: event.runId, asOf, fiscalYear, cursor: page.nextCursor, counts, done };
}
