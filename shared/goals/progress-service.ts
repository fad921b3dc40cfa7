import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { notFound } from '#shared/core/errors';
import { fromItem } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { targetKeys } from '#shared/core/keys';
import { actualsByMonth, scopeOf } from './actuals.ts';
import { pipelineFigures } from './open-pipeline.ts';
import { openPipelineByMonth } from './open-pipeline-store.ts';
import { computeProgress, periodMonths, pipelineProgress, type Progress } from './progress.ts';
import { canSeeTarget } from './rules.ts';
import { readNode } from './store.ts';
import type { TargetNode, TargetPointer } from './schemas.ts';

/** A node's progress at `now`: this year's and last year's actuals for its scope, in parallel (two Queries). */
export async function nodeProgress(db: Db, node: TargetNode, now: Date): Promise<Progress> {
  const months = periodMonths(node);
  const filter = { regionId: node.regionId, teamId: node.teamId, repId: node.repId, productLineId: node.productLineId };
  const shift = (m: string) => `${Number(m.slice(0, 4)) - 1}${m.slice(4)}`;
  const [current, lastYear] = await Promise.all([
    actualsByMonth(db, filter, months[0]!, months.at(-1)!),
    actualsByMonth(db, filter, shift(months[0]!), shift(months.at(-1)!)),
  ]);
  return computeProgress(node, current, lastYear, now);
}

/** GET /targets/{id}/progress: the node, then its progress. */
export function createProgressService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    async progress(session: Session, id: string) {
      const { principal, items } = await session.load([targetKeys.pointer(id)]);
      const pointer = items[0] && fromItem<TargetPointer>(items[0]);
      if (!pointer || !canSeeTarget(principal, pointer)) throw notFound(`Target ${id}`);
      const node = await readNode(db, pointer);
      if (!node) throw notFound(`Target ${id}`);
      // The open pipeline's Query runs beside the two actuals Queries: one parallel batch after the node.
      const months = periodMonths(node);
      const filter = { regionId: node.regionId, teamId: node.teamId, repId: node.repId, productLineId: node.productLineId };
      const [progress, pipeline] = await Promise.all([nodeProgress(db, node, clock.now()), openPipelineByMonth(db, scopeOf(filter), months[0]!, months.at(-1)!)]);
      return {
        targetId: node.id,
        dimension: node.dimension,
        key: node.key,
        currency: node.currency,
        tiers: node.tiers,
        ...progress,
        ...pipelineProgress(node.tiers.base, progress.actual, pipelineFigures(pipeline, node.currency)),
      };
    },
  };
}
