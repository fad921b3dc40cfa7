import { Cron } from 'croner';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import type { WorkflowEngine } from '#shared/core/workflow-engine';
import { keys } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { forbidden, notFound } from '#shared/core/errors';
import { hasRole } from '#shared/core/principal';
import { fromItem } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { registry as productRegistry, type WorkflowRegistry } from '#workflows/index';
import { scheduledInput } from '#workflows/schedules';

/** The registry's schedules as jobs: when each runs next, how its last run went, and "run it now". */
export function createJobService({ clock, engine, registry = productRegistry }: { db: Db; clock: Clock; engine: WorkflowEngine; registry?: WorkflowRegistry }) {
  const nextRun = (cron: string) => new Cron(cron, { timezone: 'UTC', mode: '5-part', paused: true }).nextRun(clock.now())?.toISOString() ?? null;

  return {
    async list(session: Session) {
      const { principal, items } = await session.load(registry.schedules.map((s) => keys.jobRun(s.name)));
      if (!hasRole(principal, 'manager', 'director', 'vp', 'finance', 'admin')) throw forbidden('Jobs are for managers and above');
      return {
        items: registry.schedules.map((s, i) => ({
          name: s.name,
          workflow: s.workflow,
          cron: s.cron,
          timezone: 'UTC',
          description: s.description,
          nextRunAt: nextRun(s.cron),
          lastRun: items[i] ? fromItem(items[i]!) : null,
        })),
      };
    },

    /** Starts the job's workflow now, under a name of its own so it never collides with a scheduled firing. */
    async runNow(session: Session, name: string) {
      const { principal } = await session.load();
      if (!hasRole(principal, 'admin')) throw forbidden('Only an admin runs a job by hand');
      const schedule = registry.schedules.find((s) => s.name === name);
      if (!schedule) throw notFound(`Job ${name}`);
      const now = clock.now();
      const execution = await engine.startExecution({ workflow: schedule.workflow, name: `${schedule.name}-manual-${newId()}`, input: scheduledInput(schedule.input, now) });
      return { name, executionId: execution.executionId, startedAt: now.toISOString(), startedBy: principal.userId };
    },
  };
}
