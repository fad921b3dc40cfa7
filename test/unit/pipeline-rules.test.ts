import { describe, expect, it } from 'vitest';
import { addedStages, checkMove, criteriaFor, DEFAULT_PIPELINE, firstStage, nextStage, pipelineProblems, removedStages } from '#shared/process/pipeline';
import type { PipelineInput } from '#shared/process/schemas';

const P = DEFAULT_PIPELINE;
const input = (): PipelineInput => ({ stages: structuredClone(P.stages) });
const open = { id: 'd1', stage: 'lead', status: 'open' as const, discountPct: 0, paymentTermsDays: 30 };

describe('pipeline order', () => {
  it('the next stage is the next open one, then won; won and lost have none', () => {
    expect(firstStage(P).id).toBe('lead');
    expect(['lead', 'qualified', 'needs_analysis', 'proposal', 'negotiation', 'won', 'lost'].map((s) => nextStage(P, s))).toEqual([
      'qualified',
      'needs_analysis',
      'proposal',
      'negotiation',
      'won',
      undefined,
      undefined,
    ]);
    expect(nextStage(P, 'nowhere')).toBeUndefined();
  });
});

describe('pipeline validation', () => {
  it('accepts the default and names each problem of a bad one', () => {
    expect(pipelineProblems(input())).toEqual({});
    const noLost = input();
    noLost.stages = noLost.stages.filter((s) => s.id !== 'lost');
    expect(pipelineProblems(noLost).stages).toMatch(/"lost"/);
    const dup = input();
    dup.stages.splice(1, 0, { ...dup.stages[0]! });
    expect(pipelineProblems(dup)['stages.1.id']).toMatch(/twice/);
    const order = input();
    order.stages.push({ id: 'late', name: 'Late', probability: 50, requires: [] });
    expect(pipelineProblems(order).stages).toMatch(/Open stages come first/);
    const won = input();
    won.stages[5]!.probability = 90;
    expect(pipelineProblems(won)['stages.5.probability']).toBe('Won is 100');
    const twice = input();
    twice.stages[3]!.requires = [{ type: 'field', field: 'amount' }, { type: 'field', field: 'amount' }];
    expect(pipelineProblems(twice)['stages.3.requires']).toMatch(/twice/);
    const approvalFirst = input();
    approvalFirst.stages[0]!.requires = [{ type: 'approval' }];
    expect(pipelineProblems(approvalFirst)['stages.0.requires']).toMatch(/approval/);
    const onlyTerminal: PipelineInput = { stages: [P.stages[5]!, P.stages[6]!, P.stages[6]!] };
    expect(pipelineProblems(onlyTerminal).stages).toMatch(/open stage/);
  });

  it('knows which open stages an edit removes and adds (won and lost always stay)', () => {
    const next = input();
    next.stages = [next.stages[0]!, { id: 'discovery', name: 'Discovery', probability: 15, requires: [] }, ...next.stages.slice(2)];
    expect(removedStages(P, next)).toEqual(['qualified']);
    expect(addedStages(P, next)).toEqual(['discovery']);
  });
});

describe('stage moves', () => {
  it('applies the target’s criteria, plus those of open stages skipped on the way forward', () => {
    expect(criteriaFor(P, 'needs_analysis', 'proposal')).toEqual(P.stages[3]!.requires);
    expect(criteriaFor(P, 'lead', 'negotiation')).toEqual([
      { type: 'field', field: 'amount' },
      { type: 'field', field: 'expectedCloseDate' },
    ]);
    expect(criteriaFor(P, 'negotiation', 'qualified')).toEqual([]);
    expect(criteriaFor(P, 'lead', 'won')).toEqual([{ type: 'field', field: 'amount' }, { type: 'approval' }]);
    expect(criteriaFor(P, 'qualified', 'lost')).toEqual([]);
  });

  it('refuses closed deals, unknown and same stages, lost without a listed reason, and missing fields', () => {
    expect(() => checkMove(P, { ...open, status: 'won', stage: 'won' }, 'lead')).toThrow(expect.objectContaining({ status: 409, code: 'deal_closed' }));
    expect(() => checkMove(P, open, 'closing')).toThrow(expect.objectContaining({ status: 400, fields: { stage: expect.stringContaining('lead') } }));
    expect(() => checkMove(P, open, 'lead')).toThrow(expect.objectContaining({ code: 'same_stage' }));
    expect(() => checkMove(P, open, 'lost')).toThrow(expect.objectContaining({ status: 400, fields: { reason: expect.any(String) } }));
    expect(() => checkMove(P, open, 'lost', 'bored')).toThrow(expect.objectContaining({ status: 400 }));
    expect(checkMove(P, open, 'lost', 'no_decision')).toEqual({ criteria: [], needsApproval: false });
    expect(() => checkMove(P, { ...open, amount: 5 }, 'proposal')).toThrow(
      expect.objectContaining({ status: 409, code: 'stage_requirements', fields: { expectedCloseDate: 'Required to enter proposal' } }),
    );
    expect(checkMove(P, { ...open, amount: 5, expectedCloseDate: '2026-01-01' }, 'proposal').needsApproval).toBe(false);
    expect(checkMove(P, { ...open, amount: 5 }, 'won').needsApproval).toBe(true);
    expect(checkMove(P, { ...open, stage: 'proposal', amount: 5, expectedCloseDate: '2026-01-01' }, 'qualified').criteria).toEqual([]);
  });

  it('a won deal always needs an amount, even if an admin dropped the criterion', () => {
    const lenient = { ...P, stages: P.stages.map((s) => (s.id === 'won' ? { ...s, requires: [] } : s)) };
    expect(() => checkMove(lenient, open, 'won')).toThrow(expect.objectContaining({ fields: { amount: expect.stringContaining('order') } }));
  });
});
