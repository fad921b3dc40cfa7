import { AppError, conflict, invalid, type FieldErrors } from '#shared/core/errors';
import { LOST_REASONS, type Deal, type Pipeline, type PipelineInput, type PipelineStage, type StageCriterion } from './schemas.ts';

/** Pure pipeline rules: the default pipeline, its validation, which moves are allowed and what a stage requires. */
export const WON = 'won';
export const LOST = 'lost';

export type StageKind = 'open' | 'won' | 'lost';
export const kindOf = (stageId: string): StageKind => (stageId === WON ? 'won' : stageId === LOST ? 'lost' : 'open');

const field = (f: 'amount' | 'expectedCloseDate'): StageCriterion => ({ type: 'field', field: f });

/** What ships, until an admin saves another (version 0). */
export const DEFAULT_PIPELINE: Pipeline = {
  version: 0,
  stages: [
    { id: 'lead', name: 'Lead', probability: 10, requires: [] },
    { id: 'qualified', name: 'Qualified', probability: 20, requires: [] },
    { id: 'needs_analysis', name: 'Needs analysis', probability: 40, requires: [] },
    { id: 'proposal', name: 'Proposal', probability: 60, requires: [field('amount'), field('expectedCloseDate')] },
    { id: 'negotiation', name: 'Negotiation', probability: 80, requires: [field('amount'), field('expectedCloseDate')] },
    { id: WON, name: 'Won', probability: 100, requires: [field('amount'), { type: 'approval' }] },
    { id: LOST, name: 'Lost', probability: 0, requires: [] },
  ],
};

export const fromPipelineItem = (item: Record<string, unknown> | undefined): Pipeline =>
  item
    ? { version: Number(item.version), stages: item.stages as PipelineStage[], updatedAt: item.updatedAt as string, updatedBy: item.updatedBy as string }
    : DEFAULT_PIPELINE;

export const openStages = (pipeline: Pipeline) => pipeline.stages.filter((s) => kindOf(s.id) === 'open');
export const firstStage = (pipeline: Pipeline) => openStages(pipeline)[0]!;
export const stageOf = (pipeline: Pipeline, id: string) => pipeline.stages.find((s) => s.id === id);

/** The stage after `stageId` in pipeline order: the next open stage, `won` after the last one, none after won/lost. */
export function nextStage(pipeline: Pipeline, stageId: string): string | undefined {
  if (kindOf(stageId) !== 'open') return undefined;
  const open = openStages(pipeline);
  const index = open.findIndex((s) => s.id === stageId);
  if (index < 0) return undefined;
  return open[index + 1]?.id ?? WON;
}

/** Field errors for a pipeline an admin wants to save (the shape is already checked by zod). */
export function pipelineProblems(input: PipelineInput): FieldErrors {
  const problems: FieldErrors = {};
  const ids = input.stages.map((s) => s.id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) problems[`stages.${i}.id`] = `Stage id ${id} appears twice`;
  });
  for (const terminal of [WON, LOST]) if (!ids.includes(terminal)) problems.stages = `The pipeline needs a "${terminal}" stage`;
  const firstTerminal = ids.findIndex((id) => kindOf(id) !== 'open');
  const open = ids.filter((id) => kindOf(id) === 'open');
  if (open.length === 0) problems.stages = 'The pipeline needs at least one open stage';
  else if (firstTerminal >= 0 && ids.slice(firstTerminal).some((id) => kindOf(id) === 'open')) problems.stages = 'Open stages come first, then won and lost';
  input.stages.forEach((stage, i) => {
    if (stage.id === WON && stage.probability !== 100) problems[`stages.${i}.probability`] = 'Won is 100';
    if (stage.id === LOST && stage.probability !== 0) problems[`stages.${i}.probability`] = 'Lost is 0';
    const kinds = stage.requires.map((c) => (c.type === 'field' ? c.field : c.type));
    if (new Set(kinds).size !== kinds.length) problems[`stages.${i}.requires`] = 'A criterion appears twice';
    if (stage.id === LOST && stage.requires.length > 0) problems[`stages.${i}.requires`] = 'Losing a deal needs only a reason';
  });
  const first = input.stages[0];
  if (first && kindOf(first.id) === 'open' && first.requires.some((c) => c.type === 'approval')) {
    problems['stages.0.requires'] = 'New deals start in the first stage; it cannot require an approval';
  }
  return problems;
}

/** The open stages a pipeline edit removes (won and lost always stay). */
export const removedStages = (current: Pipeline, next: PipelineInput) =>
  openStages(current)
    .map((s) => s.id)
    .filter((id) => !next.stages.some((s) => s.id === id));
export const addedStages = (current: Pipeline, next: PipelineInput) =>
  next.stages.map((s) => s.id).filter((id) => kindOf(id) === 'open' && !current.stages.some((s) => s.id === id));

/** The criteria a deal must meet to move from its stage to `target`: the target's, and those of open stages it skips. */
export function criteriaFor(pipeline: Pipeline, from: string | undefined, target: string): StageCriterion[] {
  const targetStage = stageOf(pipeline, target)!;
  const open = openStages(pipeline);
  const fromIndex = from ? open.findIndex((s) => s.id === from) : -1;
  const targetIndex = open.findIndex((s) => s.id === target);
  const skipped = targetIndex > fromIndex + 1 ? open.slice(fromIndex + 1, targetIndex) : [];
  const all = [...skipped.flatMap((s) => s.requires), ...targetStage.requires];
  return all.filter((c, i) => all.findIndex((o) => JSON.stringify(o) === JSON.stringify(c)) === i);
}

/** Fields a deal lacks for the given criteria (the approval criterion is checked separately: it needs the policy). */
export function missingFields(deal: Pick<Deal, 'amount' | 'expectedCloseDate' | 'discountPct' | 'paymentTermsDays'>, criteria: StageCriterion[], target: string): FieldErrors {
  const missing: FieldErrors = {};
  for (const c of criteria) if (c.type === 'field' && (deal[c.field] === undefined || deal[c.field] === null)) missing[c.field] = `Required to enter ${target}`;
  return missing;
}

export type LostReason = (typeof LOST_REASONS)[number];

/**
 * Checks a requested move against the pipeline and the deal's state: the stage exists, differs, the deal is open,
 * a lost deal has a valid reason, and the deal has what the target stage requires. Returns the criteria to apply.
 */
export function checkMove(pipeline: Pipeline, deal: Pick<Deal, 'id' | 'stage' | 'status' | 'amount' | 'expectedCloseDate' | 'discountPct' | 'paymentTermsDays'>, target: string, reason?: string) {
  if (deal.status !== 'open') throw conflict('deal_closed', `Deal ${deal.id} is ${deal.status}; a closed deal does not move`);
  if (!stageOf(pipeline, target)) throw invalid(`The pipeline has no stage ${target}`, { stage: `One of ${pipeline.stages.map((s) => s.id).join(', ')}` });
  if (target === deal.stage) throw conflict('same_stage', `Deal ${deal.id} is already in ${target}`);
  if (target === LOST && !LOST_REASONS.includes(reason as LostReason)) {
    throw invalid('A lost deal needs a reason', { reason: `One of ${LOST_REASONS.join(', ')}` });
  }
  const criteria = criteriaFor(pipeline, deal.stage, target);
  const missing = missingFields(deal, criteria, target);
  if (target === WON && deal.amount === undefined) missing.amount = 'A won deal books an order for its amount';
  if (Object.keys(missing).length > 0) {
    throw new AppError(409, 'stage_requirements', `To enter ${target} the deal needs ${Object.keys(missing).join(' and ')}`, missing);
  }
  return { criteria, needsApproval: criteria.some((c) => c.type === 'approval') };
}
