import type { Db } from '#shared/core/db';
import type { PolicyStep } from '#shared/approvals/policy';
import { resolveApprovers, usersById } from '#shared/approvals/resolve';
import { withoutInterested } from '#shared/approvals/rules';
import type { GoalPolicy } from './policy.ts';
import type { TargetNode } from './schemas.ts';

type RequiredStep = PolicyStep & { because: string[] };

const step = (id: string, name: string, approvers: PolicyStep['approvers'], because: string[], policy: GoalPolicy): RequiredStep => ({
  id,
  name,
  when: [],
  approvers,
  mode: 'any',
  slaSeconds: policy.revisionSlaSeconds,
  maxEscalations: 1,
  because,
});

/**
 * Who approves a revision: the owner of the parent target (or, when that is the requester or the target's own owner,
 * the nearest owner further up), then the vp when the change exceeds the policy's threshold. With no owner above,
 * the vp decides; when the vp asks, the admins do. Nobody approves their own request or their own target.
 */
export async function revisionApprovers(db: Db, input: { node: TargetNode; path: TargetNode[]; requesterId: string; newAmount: number; policy: GoalPolicy }) {
  const { node, path, requesterId, policy } = input;
  const interested = { requesterId, ownerId: node.ownerId ?? requesterId };
  const above = [...path].reverse().filter((n) => n.ownerId && n.ownerId !== requesterId && n.ownerId !== node.ownerId);
  const [users, vps, admins] = await Promise.all([
    usersById(db, above.map((n) => n.ownerId!)),
    resolveApprovers(db, { type: 'role', role: 'vp' }, { regionId: '' }, undefined),
    resolveApprovers(db, { type: 'role', role: 'admin' }, { regionId: '' }, undefined),
  ]);
  const parent = above.find((n) => users.get(n.ownerId!) && users.get(n.ownerId!)!.active !== false);
  const top = withoutInterested(vps, interested).length > 0 ? { role: 'vp' as const, ids: vps } : { role: 'admin' as const, ids: admins };
  const changePct = node.amount > 0 ? (Math.abs(input.newAmount - node.amount) / node.amount) * 100 : Infinity;
  const overThreshold = changePct > policy.revisionVpThresholdPct;

  const required: RequiredStep[] = [];
  const chain: string[][] = [];
  if (parent) {
    required.push(step('target-parent-owner', 'Owner of the parent target', { type: 'users', userIds: [parent.ownerId!] }, [`${parent.dimension} ${parent.key} is owned by ${parent.ownerId}`], policy));
    chain.push([parent.ownerId!]);
  }
  if (!parent || overThreshold) {
    const because = parent ? [`The change is ${Math.round(changePct * 10) / 10}% of the target, over the ${policy.revisionVpThresholdPct}% threshold`] : ['No owner above this target can decide'];
    required.push(step(`target-${top.role}`, top.role === 'vp' ? 'VP of sales' : 'Administrator', { type: 'role', role: top.role }, because, policy));
    chain.push(withoutInterested(top.ids, interested));
  }
  return { required, chain };
}
