import { splitTiers, type Tiers } from './allocation.ts';
import { periodMonths } from './progress.ts';
import type { TargetNode } from './schemas.ts';

/**
 * Target revisions, pure: the revised node's new tiers, where effectiveFrom may fall, and how the new amount flows
 * down the subtree — every sibling group is re-split proportionally to its current amounts, except period children
 * (quarters, months) that end before effectiveFrom: those keep their amounts and the rest absorb the change.
 */

/** The new base is the new amount; the sprint and challenge increments scale with it (kept as they were from 0). */
export function scaleTiers(old: Tiers, newAmount: number): Tiers {
  const factor = old.base > 0 ? newAmount / old.base : 1;
  const sprint = newAmount + Math.round((old.sprint - old.base) * factor);
  return { base: newAmount, sprint, challenge: sprint + Math.round((old.challenge - old.sprint) * factor) };
}

/** The first day of a node's period: version 1 applies from it. */
export const periodStart = (node: Pick<TargetNode, 'fiscalYear' | 'quarter' | 'month'>) => `${periodMonths(node)[0]}-01`;

/** Tiers stay integer minor units within the API's bound (1e15). */
export const tiersInBounds = (t: Tiers) => [t.base, t.sprint, t.challenge].every((v) => Number.isSafeInteger(v) && v >= 0 && v <= 1e15);

const lastDay = (ym: string) => new Date(Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(5, 7)), 0)).toISOString().slice(0, 10);

/** effectiveFrom must be a real day within the node's period. */
export function effectiveFromProblem(node: Pick<TargetNode, 'fiscalYear' | 'quarter' | 'month'>, effectiveFrom: string): string | undefined {
  const day = new Date(`${effectiveFrom}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== effectiveFrom) return 'Not a calendar date';
  const months = periodMonths(node);
  const from = `${months[0]}-01`;
  const to = lastDay(months.at(-1)!);
  return effectiveFrom < from || effectiveFrom > to ? `Must fall within the target's period, ${from} to ${to}` : undefined;
}

/** A quarter or month child that ended before the month of effectiveFrom keeps its amount. */
export function isFrozen(child: Pick<TargetNode, 'dimension' | 'fiscalYear' | 'quarter' | 'month'>, effectiveFrom: string): boolean {
  if (child.dimension !== 'quarter' && child.dimension !== 'month') return false;
  return periodMonths(child).at(-1)! < effectiveFrom.slice(0, 7);
}

export interface CascadeGroup {
  parentId: string;
  dimension: string;
  /** True when a previous attempt already wrote this group (its children carry the revision's mark). */
  applied: boolean;
  children: { node: TargetNode; tiers: Tiers }[];
}

const minus = (a: Tiers, b: Tiers): Tiers => ({ base: a.base - b.base, sprint: a.sprint - b.sprint, challenge: a.challenge - b.challenge });
const ZERO: Tiers = { base: 0, sprint: 0, challenge: 0 };

/**
 * The re-allocation of a revised node's subtree, top down. `subtree` holds the node and its descendants as read;
 * groups already marked with `revisionId` are kept as they are (a retried cascade continues where it stopped).
 * Throws a RangeError naming the group when the new amount cannot be placed (every child period already ended,
 * or the ended ones alone exceed it).
 */
export function planCascade(subtree: TargetNode[], revised: { id: string; tiers: Tiers }, revisionId: string, effectiveFrom: string): CascadeGroup[] {
  const childrenOf = new Map<string, TargetNode[]>();
  for (const n of subtree) if (n.parentId) childrenOf.set(n.parentId, [...(childrenOf.get(n.parentId) ?? []), n]);
  const groups: CascadeGroup[] = [];
  const queue: { node: TargetNode; tiers: Tiers }[] = [{ node: subtree.find((n) => n.id === revised.id)!, tiers: revised.tiers }];
  while (queue.length > 0) {
    const { node: parent, tiers } = queue.shift()!;
    const byDimension = new Map<string, TargetNode[]>();
    for (const c of (childrenOf.get(parent.id) ?? []).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) byDimension.set(c.dimension, [...(byDimension.get(c.dimension) ?? []), c]);
    for (const [dimension, children] of byDimension) {
      const adjustable = children.filter((c) => !isFrozen(c, effectiveFrom));
      const frozen = children.filter((c) => isFrozen(c, effectiveFrom)).reduce((sum, c) => ({ base: sum.base + c.tiers.base, sprint: sum.sprint + c.tiers.sprint, challenge: sum.challenge + c.tiers.challenge }), ZERO);
      const rest = minus(tiers, frozen);
      const where = `${parent.dimension} ${parent.key} by ${dimension}`;
      if (adjustable.length === 0) {
        if (rest.base !== 0 || rest.sprint !== 0 || rest.challenge !== 0) throw new RangeError(`${where}: every ${dimension} ends before ${effectiveFrom}, so the change has nowhere to go`);
        continue;
      }
      if (rest.base < 0 || rest.sprint < rest.base || rest.challenge < rest.sprint) {
        throw new RangeError(`${where}: the ${dimension}s that ended before ${effectiveFrom} already hold more than the new amount leaves`);
      }
      const applied = adjustable.every((c) => c.appliedRevisionId === revisionId);
      const weights = adjustable.map((c) => c.tiers.base);
      const split = applied ? adjustable.map((c) => c.tiers) : splitTiers(rest, weights.every((w) => w === 0) ? weights.map(() => 1) : weights);
      const group = adjustable.map((node, i) => ({ node, tiers: split[i]! }));
      groups.push({ parentId: parent.id, dimension, applied, children: group });
      queue.push(...group);
    }
  }
  return groups;
}
