import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, requiredSteps, termsCovered } from '#shared/approvals/policy';
import { applyDecision, buildSteps, decidingFor, escalationTargets, nextMove, withoutInterested } from '#shared/approvals/rules';
import type { Approval } from '#shared/approvals/schemas';

const facts = (amount: number, discountPct = 0, customerTier: 'A' | 'B' | 'C' | 'D' = 'C', paymentTermsDays = 30) => ({ amount, discountPct, paymentTermsDays, customerTier });
const ids = (steps: { id: string }[]) => steps.map((s) => s.id);

describe('the default approval policy', () => {
  it('asks more people as amount, discount, tier and terms grow', () => {
    expect(ids(requiredSteps(DEFAULT_POLICY, facts(4_999_999)))).toEqual([]);
    expect(ids(requiredSteps(DEFAULT_POLICY, facts(5_000_000)))).toEqual(['manager']);
    expect(ids(requiredSteps(DEFAULT_POLICY, facts(100, 10.5)))).toEqual(['manager']);
    expect(ids(requiredSteps(DEFAULT_POLICY, facts(30_000_000, 15, 'A')))).toEqual(['manager', 'director']);
    expect(ids(requiredSteps(DEFAULT_POLICY, facts(100, 0, 'A')))).toEqual(['manager', 'director']);
    expect(ids(requiredSteps(DEFAULT_POLICY, facts(100_000_000)))).toEqual(['manager', 'director', 'vp']);
    expect(ids(requiredSteps(DEFAULT_POLICY, facts(100, 0, 'C', 61)))).toEqual(['finance']);
  });

  it('explains why each step applies', () => {
    const [manager] = requiredSteps(DEFAULT_POLICY, facts(6_000_000, 12));
    expect(manager!.because).toEqual(['amount ≥ 50000.00', 'discount > 10%']);
  });

  it('keeps an approval valid only while the terms stay within what was approved', () => {
    const approved = { amount: 100, discountPct: 10, paymentTermsDays: 30 };
    expect(termsCovered(approved, { amount: 90, discountPct: 10, paymentTermsDays: 30 })).toBe(true);
    expect(termsCovered(approved, { amount: 100, discountPct: 11, paymentTermsDays: 30 })).toBe(false);
    expect(termsCovered(approved, { amount: 100, discountPct: 10, paymentTermsDays: 45 })).toBe(false);
  });
});

function approval(mode: 'any' | 'all', assignees: string[]): Approval {
  const [step] = buildSteps([{ ...DEFAULT_POLICY.steps[0]!, mode, because: ['x'] }], [assignees]);
  return {
    id: 'a1',
    subject: { type: 'deal', id: 'd1', title: 'Deal' },
    requesterId: 'rep',
    ownerId: 'rep',
    regionId: 'r1',
    reason: 'r',
    status: 'PENDING',
    policyVersion: 0,
    terms: { amount: 1, currency: 'CNY', discountPct: 0, paymentTermsDays: 0 },
    customerTier: 'C',
    steps: [{ ...step!, status: 'PENDING' }],
    currentStep: 0,
    createdAt: 't',
    updatedAt: 't',
    version: 1,
  };
}

const decision = (actorId: string, d: 'approve' | 'reject', onBehalfOf?: string) => ({ decision: d, actorId, at: 't', ...(onBehalfOf ? { onBehalfOf } : {}) });

describe('decisions', () => {
  it('refuses the requester, outsiders, closed steps and second decisions', () => {
    const a = approval('any', ['m1']);
    expect(() => decidingFor(a, 'rep', undefined)).toThrow(/own request/);
    expect(() => decidingFor(a, 'x', undefined)).toThrow(/not assigned/);
    expect(decidingFor(a, 'm1', undefined)).toBe('m1');
    expect(decidingFor(a, 'd1', 'm1')).toBe('m1');
    const closed = applyDecision(a, decision('m1', 'approve'), 't').approval;
    expect(() => decidingFor(closed, 'm1', undefined)).toThrow(/already decided/);
  });

  it('closes `any` on the first answer and `all` on the last approval or the first rejection', () => {
    expect(applyDecision(approval('any', ['m1', 'm2']), decision('m1', 'approve'), 't')).toMatchObject({ closed: true, approval: { steps: [{ status: 'APPROVED' }] } });
    const half = applyDecision(approval('all', ['m1', 'm2']), decision('m1', 'approve'), 't');
    expect(half).toMatchObject({ closed: false, approval: { steps: [{ status: 'PENDING' }], version: 2 } });
    expect(() => decidingFor(half.approval, 'm1', undefined)).toThrow(/already decided/);
    expect(applyDecision(half.approval, decision('d2', 'approve', 'm2'), 't')).toMatchObject({ closed: true, approval: { steps: [{ status: 'APPROVED' }] } });
    expect(applyDecision(half.approval, decision('m2', 'reject'), 't')).toMatchObject({ closed: true, approval: { steps: [{ status: 'REJECTED' }] } });
  });

  it('moves on after an approval, finishes on a rejection or after the last step', () => {
    const a = approval('any', ['m1']);
    expect(nextMove({ ...a, currentStep: -1, steps: [{ ...a.steps[0]!, status: 'WAITING' }] })).toEqual({ kind: 'step', index: 0 });
    expect(nextMove(a)).toEqual({ kind: 'step', index: 0 });
    expect(nextMove(applyDecision(a, decision('m1', 'approve'), 't').approval)).toEqual({ kind: 'finish', status: 'APPROVED' });
    expect(nextMove(applyDecision(a, decision('m1', 'reject'), 't').approval)).toEqual({ kind: 'finish', status: 'REJECTED' });
    expect(nextMove({ ...a, status: 'RECALLED' })).toEqual({ kind: 'closed' });
  });

  it('escalates to managers (never to the requester or owner) until the limit, then expires', () => {
    const a = approval('any', ['m1', 'm2']);
    const step = a.steps[0]!;
    expect(escalationTargets(step, new Map([['m1', 'dir'], ['m2', 'dir']]), a)).toEqual(['dir']);
    expect(escalationTargets(step, new Map([['m1', 'rep']]), a)).toBeNull();
    expect(escalationTargets({ ...step, escalations: [{ at: 't', from: [], to: [] }] }, new Map([['m1', 'dir']]), a)).toBeNull();
    expect(withoutInterested(['rep', 'm1', 'm1'], a)).toEqual(['m1']);
  });
});

describe('customer risk in the approval policy', () => {
  it('a policy can ask for a step when the customer is high risk', () => {
    const policy = { steps: [{ ...DEFAULT_POLICY.steps[3]!, id: 'risk', when: [{ field: 'customerRisk' as const, op: 'in' as const, value: ['high' as const] }] }] };
    expect(ids(requiredSteps(policy, { ...facts(100), customerRisk: 'high' }))).toEqual(['risk']);
    expect(ids(requiredSteps(policy, facts(100)))).toEqual([]);
    expect(requiredSteps(policy, { ...facts(100), customerRisk: 'high' })[0]!.because).toEqual(['customer risk high']);
  });
});
