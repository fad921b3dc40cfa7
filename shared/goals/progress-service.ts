import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { notFound } from '#shared/core/errors';
import { fromItem } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { targetKeys } from '#shared/core/keys';
import { actualsByMonth, scopeOf } from './actuals.ts';
import { pipelineFigures } from './open-pipeline.ts';
import { openPipelineByMonth } from './open-pipeline-store.ts';
import { computeProgress, periodMonths, pipelineProgress } from './progress.ts';
import { canSeeTarget } from './rules.ts';
import { readNode } from './store.ts';
import type { TargetPointer } from './schemas.ts';

/** GET /targets/{id}/progress: the node, then this year's and last year's actuals for its scope (in parallel). */
export function createProgressService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    async progress(session: Session, id: string) {
      const { principal, items } = await session.load([targetKeys.pointer(id)]);
      const pointer = items[0] && fromItem<TargetPointer>(items[0]);
      if (!pointer || !canSeeTarget(principal, pointer)) throw notFound(`Target ${id}`);
      const node = await readNode(db, pointer);
      if (!node) throw notFound(`Target ${id}`);
      const months = periodMonths(node);
      const filter = { regionId: node.regionId, teamId: node.teamId, repId: node.repId, productLineId: node.productLineId };
      const shift = (m: string) => `${Number(m.slice(0, 4)) - 1}${m.slice(4)}`;
      const [current, lastYear, pipeline] = await Promise.all([
        actualsByMonth(db, filter, months[0]!, months.at(-1)!),
        actualsByMonth(db, filter, shift(months[0]!), shift(months.at(-1)!)),
        openPipelineByMonth(db, scopeOf(filter), months[0]!, months.at(-1)!),
      ]);
      const progress = computeProgress(node, current, lastYear, clock.now());
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
