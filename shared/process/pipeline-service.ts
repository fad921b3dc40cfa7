import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { keys } from '#shared/core/keys';
import { auditPut } from '#shared/core/audit';
import { conflict, forbidden, invalid } from '#shared/core/errors';
import { hasRole } from '#shared/core/principal';
import type { Session } from '#shared/core/session';
import { staleVersion } from '#shared/org/service';
import { addedStages, fromPipelineItem, kindOf, pipelineProblems, removedStages } from './pipeline.ts';
import { markStageRemoved, putPipeline, unmarkStageRemoved } from './store.ts';
import { transactRetrying } from '#shared/core/write';
import type { Pipeline, PipelineInput } from './schemas.ts';

export const pipelineView = (pipeline: Pipeline) => ({ ...pipeline, stages: pipeline.stages.map((stage) => ({ ...stage, kind: kindOf(stage.id) })) });

/** GET|PUT /pipeline: everyone reads the stages; an admin edits them (If-Match on the version). */
export function createPipelineService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    async get(session: Session) {
      const { items } = await session.load([keys.pipeline()]);
      return pipelineView(fromPipelineItem(items[0]));
    },

    /**
     * principal + pipeline in one BatchGet, then one transaction: the new version, a guard on each removed stage
     * (no open deal in it, and none may enter it afterwards), re-opening re-added stages, the audit entry.
     */
    async put(session: Session, input: PipelineInput, expectedVersion: number) {
      const { principal, items } = await session.load([keys.pipeline()]);
      if (!hasRole(principal, 'admin')) throw forbidden('Only an admin edits the pipeline');
      const current = fromPipelineItem(items[0]);
      if (current.version !== expectedVersion) throw staleVersion(current.version);
      const problems = pipelineProblems(input);
      if (Object.keys(problems).length > 0) throw invalid('The pipeline is not valid', problems);
      const removed = removedStages(current, input);
      const next: Pipeline = { version: current.version + 1, stages: input.stages, updatedAt: clock.now().toISOString(), updatedBy: principal.userId };
      await transactRetrying(
        db,
        [
          putPipeline(db, next, current.version),
          ...removed.map((stage) => markStageRemoved(db, stage)),
          ...addedStages(current, input).map((stage) => unmarkStageRemoved(db, stage)),
          auditPut(db, { entityType: 'pipeline', entityId: 'current', action: 'update', actorId: principal.userId, at: next.updatedAt!, before: { stages: current.stages }, after: { stages: next.stages }, scope: {} }),
        ],
        (index) => {
          const stage = removed[index - 1];
          return stage ? conflict('stage_in_use', `Stage ${stage} still has open deals; move them to another stage first`, { stages: `${stage} is in use` }) : staleVersion();
        },
      );
      return pipelineView(next);
    },
  };
}
