import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/core/principal';
import { assertCanCreatePartner, screen, weightedScore } from '#shared/partners/rules';
import type { Criteria } from '#shared/partners/schemas';

const all = (n: number): Criteria => ({ marketOverlap: n, capability: n, reputation: n, financialHealth: n, strategicFit: n });

describe('partner screening', () => {
  it('weights the criteria (capability most, strategic fit least) into a 0–10 score', () => {
    expect(weightedScore(all(7))).toBe(7);
    expect(weightedScore({ ...all(6), capability: 10 })).toBe(7);
    expect(weightedScore({ ...all(6), strategicFit: 10 })).toBe(6.6);
  });

  it('approves at 7 or more, watches from 5, rejects below, naming the rule', () => {
    expect(screen(all(7))).toEqual({ result: 'approved', rule: 'weighted score 7 ≥ 7', score: 7 });
    expect(screen({ ...all(6), capability: 10 }).result).toBe('approved');
    expect(screen(all(6.9))).toEqual({ result: 'watch', rule: 'weighted score 6.9 ≥ 5 and < 7', score: 6.9 });
    expect(screen(all(5)).result).toBe('watch');
    expect(screen(all(4.9))).toEqual({ result: 'rejected', rule: 'weighted score 4.9 < 5', score: 4.9 });
  });

  it('knocks out on any criterion at 2 or below, however strong the rest', () => {
    expect(screen({ ...all(10), reputation: 2 })).toEqual({ result: 'rejected', rule: 'knock-out: reputation', score: 8.4 });
    expect(screen({ ...all(9), financialHealth: 0, marketOverlap: 1 }).rule).toBe('knock-out: marketOverlap, financialHealth');
    expect(screen({ ...all(9), reputation: 2.1 }).result).toBe('approved');
  });

  it('lets managers and above screen partners, not reps or finance', () => {
    const who = (role: Principal['roles'][number]): Principal => ({ userId: 'u', name: 'U', roles: [role] });
    for (const role of ['manager', 'director', 'vp', 'admin'] as const) expect(() => assertCanCreatePartner(who(role))).not.toThrow();
    for (const role of ['rep', 'finance'] as const) expect(() => assertCanCreatePartner(who(role))).toThrow(/Managers and above/);
  });
});
