import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { effectiveFromProblem, isFrozen, planCascade, scaleTiers } from '#shared/goals/revision-rules';
import type { TargetNode } from '#shared/goals/schemas';

const node = (id: string, parentId: string | null, dimension: TargetNode['dimension'], key: string, base: number, extra: Partial<TargetNode> = {}): TargetNode => ({
  id,
  fiscalYear: 2026,
  rootId: 'root',
  parentId,
  treePath: id,
  depth: 0,
  dimension,
  key,
  amount: base,
  currency: 'CNY',
  tiers: { base, sprint: base + Math.floor(base / 10), challenge: base + Math.floor(base / 5) },
  ownerId: null,
  allocatedDimensions: [],
  version: 1,
  createdBy: 'vp',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe('scaleTiers', () => {
  it('sets base to the new amount and scales the increments', () => {
    expect(scaleTiers({ base: 1000, sprint: 1100, challenge: 1300 }, 2000)).toEqual({ base: 2000, sprint: 2200, challenge: 2600 });
    expect(scaleTiers({ base: 0, sprint: 50, challenge: 80 }, 100)).toEqual({ base: 100, sprint: 150, challenge: 180 });
  });
});

describe('effectiveFrom', () => {
  it('must fall within the node’s period', () => {
    expect(effectiveFromProblem({ fiscalYear: 2026 }, '2026-07-01')).toBeUndefined();
    expect(effectiveFromProblem({ fiscalYear: 2026, quarter: 'Q2' }, '2026-07-01')).toMatch(/2026-04-01 to 2026-06-30/);
    expect(effectiveFromProblem({ fiscalYear: 2026, month: '2026-02' }, '2026-02-28')).toBeUndefined();
    expect(effectiveFromProblem({ fiscalYear: 2026 }, '2027-01-01')).toBeDefined();
  });
  it('freezes only quarters and months that ended before its month', () => {
    expect(isFrozen(node('q', 'p', 'quarter', 'Q3', 1, { quarter: 'Q3' }), '2026-10-01')).toBe(true);
    expect(isFrozen(node('q', 'p', 'quarter', 'Q3', 1, { quarter: 'Q3' }), '2026-09-30')).toBe(false);
    expect(isFrozen(node('m', 'p', 'month', '2026-09', 1, { month: '2026-09' }), '2026-10-05')).toBe(true);
    expect(isFrozen(node('r', 'p', 'rep', 'u1', 1, { month: '2026-01' }), '2026-10-05')).toBe(false);
  });
});

describe('planCascade', () => {
  it('keeps every sibling group summing exactly to its new parent, tier by tier, for random trees and amounts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 50_000_000 }),
        (repAmounts, quarterAmounts, month, newAmount) => {
          const total = repAmounts.reduce((a, b) => a + b, 0);
          const root = node('t', null, 'team', 'team', total, { allocatedDimensions: ['rep'] });
          const reps = repAmounts.map((a, i) => node(`r${i}`, 't', 'rep', `u${i}`, a));
          const qTotal = quarterAmounts.reduce((a, b) => a + b, 0);
          // The first rep is also split by quarter (its amount is the quarters' sum).
          reps[0] = node('r0', 't', 'rep', 'u0', qTotal);
          const quarters = quarterAmounts.map((a, i) => node(`q${i}`, 'r0', 'quarter', `Q${i + 1}`, a, { quarter: `Q${i + 1}` }));
          root.amount = root.tiers.base = reps.reduce((s, r) => s + r.amount, 0);
          root.tiers = { base: root.amount, sprint: root.amount, challenge: root.amount };
          for (const n of [...reps, ...quarters]) n.tiers = { base: n.amount, sprint: n.amount, challenge: n.amount };
          const effectiveFrom = `2026-${String(month).padStart(2, '0')}-01`;
          const tiers = { base: newAmount, sprint: newAmount, challenge: newAmount };
          let groups;
          try {
            groups = planCascade([root, ...reps, ...quarters], { id: 't', tiers }, 'rev', effectiveFrom);
          } catch (error) {
            // Q4 never ends before a 2026 date: the only refusal is ended quarters holding more than the rep's new share.
            expect(error).toBeInstanceOf(RangeError);
            expect((error as Error).message).toMatch(/already hold more than the new amount leaves/);
            return;
          }
          const newTiersOf = new Map<string, number>([['t', newAmount]]);
          for (const g of groups) for (const c of g.children) newTiersOf.set(c.node.id, c.tiers.base);
          for (const g of groups) {
            const frozen = g.dimension === 'quarter' ? quarters.filter((q) => isFrozen(q, effectiveFrom)).reduce((s, q) => s + q.amount, 0) : 0;
            expect(g.children.reduce((s, c) => s + c.tiers.base, 0) + frozen).toBe(newTiersOf.get(g.parentId));
            for (const c of g.children) expect(c.tiers.base).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('continues a half-done cascade: groups already carrying the revision keep their amounts', () => {
    const root = node('t', null, 'team', 'team', 300);
    const reps = [node('a', 't', 'rep', 'a', 200, { appliedRevisionId: 'rev', tiers: { base: 200, sprint: 200, challenge: 200 } }), node('b', 't', 'rep', 'b', 100, { appliedRevisionId: 'rev', tiers: { base: 100, sprint: 100, challenge: 100 } })];
    const months = [node('m1', 'a', 'month', '2026-01', 100), node('m2', 'a', 'month', '2026-02', 50)];
    const groups = planCascade([root, ...reps, ...months], { id: 't', tiers: { base: 300, sprint: 300, challenge: 300 } }, 'rev', '2026-01-01');
    expect(groups.map((g) => [g.parentId, g.applied])).toEqual([
      ['t', true],
      ['a', false],
    ]);
    expect(groups[1]!.children.map((c) => c.tiers.base)).toEqual([133, 67]);
  });
});
