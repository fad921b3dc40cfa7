import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { indexPartition, keys, targetKeys } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { auditPut } from '#shared/core/audit';
import { conflict, forbidden, invalid, notFound } from '#shared/core/errors';
import { dataScope, hasRole, type Principal } from '#shared/core/principal';
import { fromItem, queryIndex, type Item } from '#shared/core/query';
import type { Page } from '#shared/core/pagination';
import type { Session } from '#shared/core/session';
import { putIfAbsent, transact } from '#shared/core/write';
import { monthsOf, QUARTERS, splitByAmounts, splitTiers, type Tiers } from './allocation.ts';
import { actualsByKey, actualsByMonth, type ActualsFilter } from './actuals.ts';
import { canAllocate, canSeeTarget, dimensionProblem, scopeOf, summary, view, type Candidate } from './rules.ts';
import { lookupPut, nodeItem, pointerItem, readNode, readNodeWithFamily } from './store.ts';
import type { Allocate, CreateTarget, Dimension, TargetNode, TargetPointer } from './schemas.ts';

export interface TargetDeps {
  db: Db;
  clock: Clock;
}

/** Children per allocation: each costs a node, a pointer, a lookup and an audit entry in one 100-item transaction. */
export const MAX_CHILDREN = 24;

export function createTargetService({ db, clock }: TargetDeps) {
  async function queryPartition(partition: string): Promise<Item[]> {
    const out = await db.doc.send(new QueryCommand({ TableName: db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': partition } }));
    return out.Items ?? [];
  }

  /** Valid keys for a split of `node` along `dimension`, in a stable order (reference data: one Query or none). */
  async function candidates(node: TargetNode, dimension: Dimension): Promise<Candidate[]> {
    const byId = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    switch (dimension) {
      case 'quarter':
        return QUARTERS.map((q) => ({ key: q, place: { quarter: q } }));
      case 'month':
        return monthsOf(node.fiscalYear, node.quarter).map((m) => ({ key: m, place: { month: m } }));
      case 'productLine': {
        const page = await queryIndex<{ id: string }>(db, { index: 'GSI4', partition: indexPartition.all('PRODUCT_LINES'), limit: 100 });
        return page.items.map((p) => ({ key: p.id, place: { productLineId: p.id } })).sort(byId);
      }
      case 'region': {
        const [regions, directors] = await Promise.all([
          queryIndex<{ id: string }>(db, { index: 'GSI4', partition: indexPartition.all('REGIONS'), limit: 100 }),
          queryPartition(keys.rolePartition('director')),
        ]);
        const directorOf = (regionId: string) => directors.find((d) => d.regionId === regionId && d.active !== false)?.userId as string | undefined;
        return regions.items.map((r) => ({ key: r.id, place: { regionId: r.id, ownerId: directorOf(r.id) ?? null } })).sort(byId);
      }
      case 'team': {
        const page = node.regionId
          ? await queryIndex<{ id: string; regionId: string; managerId?: string; department?: string }>(db, { index: 'GSI3', partition: indexPartition.region(node.regionId), sortPrefix: 'TEAM#', limit: 100 })
          : await queryIndex<{ id: string; regionId: string; managerId?: string; department?: string }>(db, { index: 'GSI4', partition: indexPartition.all('TEAMS'), limit: 100 });
        // Only sales teams carry targets (finance, legal… are there for cross-department requests).
        return page.items.filter((t) => (t.department ?? 'sales') === 'sales').map((t) => ({ key: t.id, place: { teamId: t.id, regionId: t.regionId, ownerId: t.managerId ?? null } })).sort(byId);
      }
      case 'rep': {
        const page = await queryIndex<{ id: string; roles?: string[]; active?: boolean }>(db, { index: 'GSI2', partition: indexPartition.team(node.teamId!), sortPrefix: 'MEMBER#', limit: 100 });
        return page.items
          .filter((u) => u.roles?.includes('rep') && u.active !== false)
          .map((u) => ({ key: u.id, place: { repId: u.id, ownerId: u.id } }))
          .sort(byId);
      }
    }
  }

  /**
   * Last year's actuals per key within the node (its region / team / rep / product line, and its quarter or month
   * moved back a year), from the actuals aggregates: one Query per key, or one for quarters and months.
   */
  async function lastYearShares(node: TargetNode, dimension: Dimension, keysWanted: string[]): Promise<Record<string, number>> {
    const lastYear = node.fiscalYear - 1;
    const months = (node.month ? [node.month] : monthsOf(node.fiscalYear, node.quarter)).map((m) => `${lastYear}${m.slice(4)}`);
    const filter: ActualsFilter = { regionId: node.regionId, teamId: node.teamId, repId: node.repId, productLineId: node.productLineId };
    const span = { from: months[0]!, to: months[months.length - 1]! };
    if (dimension === 'quarter' || dimension === 'month') {
      const byMonth = await actualsByMonth(db, filter, span.from, span.to);
      const shares: Record<string, number> = {};
      for (const m of byMonth) {
        const key = dimension === 'month' ? `${node.fiscalYear}${m.month.slice(4)}` : QUARTERS[Math.floor((Number(m.month.slice(5, 7)) - 1) / 3)]!;
        shares[key] = (shares[key] ?? 0) + (m.amount[node.currency] ?? 0);
      }
      return shares;
    }
    const field = ({ region: 'regionId', team: 'teamId', rep: 'repId', productLine: 'productLineId' } as const)[dimension];
    return actualsByKey(db, { dimension: field, keys: keysWanted, filter, ...span, currency: node.currency });
  }

  async function pointerFor(session: Session, id: string): Promise<{ principal: Principal; pointer: TargetPointer }> {
    const { principal, items } = await session.load([targetKeys.pointer(id)]);
    const pointer = items[0] && fromItem<TargetPointer>(items[0]);
    if (!pointer || !canSeeTarget(principal, pointer)) throw notFound(`Target ${id}`);
    return { principal, pointer };
  }

  return {
    /** A company target for a fiscal year (vp / admin); one per year. */
    async create(session: Session, input: CreateTarget) {
      const { principal } = await session.load();
      if (!hasRole(principal, 'vp', 'admin')) throw forbidden('Only a vp or admin sets the company target');
      const id = newId();
      const now = clock.now().toISOString();
      const node: TargetNode = {
        id,
        fiscalYear: input.fiscalYear,
        rootId: id,
        parentId: null,
        treePath: id,
        depth: 0,
        dimension: 'company',
        key: 'company',
        amount: input.amount,
        currency: input.currency,
        tiers: input.tiers,
        ownerId: null,
        allocatedDimensions: [],
        version: 1,
        createdBy: principal.userId,
        createdAt: now,
        updatedAt: now,
      };
      await transact(
        db,
        [
          putIfAbsent(db, { ...targetKeys.companyYear(input.fiscalYear), type: 'target_year', fiscalYear: input.fiscalYear, targetId: id }),
          putIfAbsent(db, nodeItem(node)),
          putIfAbsent(db, pointerItem(node)),
          ...lookupPut(db.tableName, node),
          auditPut(db, { entityType: 'target', entityId: id, action: 'create', actorId: principal.userId, at: now, after: view(node) as never, scope: scopeOf(node) }),
        ],
        (index) => (index === 0 ? conflict('target_exists', `A company target for fiscal year ${input.fiscalYear} already exists`) : conflict('write_conflict', 'Try again')),
      );
      return view(node);
    },

    /** The node with its children and its path to the root: the pointer with the session (1), one Query (2). */
    async get(session: Session, id: string) {
      const { principal, pointer } = await pointerFor(session, id);
      const { node, path, children } = await readNodeWithFamily(db, pointer);
      if (!node) throw notFound(`Target ${id}`);
      return {
        ...view(node),
        children: children.filter((c) => canSeeTarget(principal, c)).sort((a, b) => (a.dimension + a.key < b.dimension + b.key ? -1 : 1)).map(view),
        // Targets above yours that you may not open show where they sit, not their amounts.
        path: path.map((n) => (canSeeTarget(principal, n) ? summary(n) : { id: n.id, dimension: n.dimension, key: n.key })),
        // After a child's revision its siblings no longer sum to this target: what is left (or over) per dimension.
        unallocated: Object.fromEntries(node.allocatedDimensions.map((d) => [d, node.amount - children.filter((c) => c.dimension === d).reduce((sum, c) => sum + c.amount, 0)])),
      };
    },

    /** Nodes within the caller's scope from the scope's index partition; fiscal year, dimension and key lead the sort key. */
    async list(session: Session, query: { fiscalYear: number; dimension?: string; key?: string; limit: number; cursor?: string }): Promise<Page<ReturnType<typeof view>>> {
      if (query.key && !query.dimension) throw invalid('Filter by key needs a dimension', { key: 'Send dimension with key' });
      const { principal } = await session.load();
      const scope = dataScope(principal);
      const sortPrefix = targetKeys.sortPrefix(query.fiscalYear, query.dimension, query.key);
      const page = { sortPrefix, limit: query.limit, cursor: query.cursor };
      const result =
        scope.kind === 'all'
          ? await queryIndex<TargetNode>(db, { index: 'GSI4', partition: targetKeys.allPartition, ...page })
          : scope.kind === 'region'
            ? await queryIndex<TargetNode>(db, { index: 'GSI3', partition: indexPartition.region(scope.regionId), ...page })
            : scope.kind === 'team'
              ? await queryIndex<TargetNode>(db, { index: 'GSI2', partition: indexPartition.team(scope.teamId), ...page })
              : await queryIndex<TargetNode>(db, { index: 'GSI1', partition: indexPartition.owner(scope.userId), ...page });
      return { items: result.items.map(view), nextCursor: result.nextCursor };
    },

    /** Creates the children of a node along one dimension; they sum exactly to it, tier by tier. */
    async allocate(session: Session, id: string, input: Allocate) {
      const { principal, pointer } = await pointerFor(session, id);
      if (!canAllocate(principal, pointer)) throw forbidden('You may allocate only targets within your own region (director) or team (manager)');
      const node = await readNode(db, pointer);
      if (!node) throw notFound(`Target ${id}`);
      const problem = dimensionProblem(node, input.dimension);
      if (problem) throw invalid(problem, { dimension: problem });
      if (node.allocatedDimensions.includes(input.dimension)) throw conflict('already_allocated', `This target is already allocated by ${input.dimension}`);
      if (node.lockedByApprovalId) throw conflict('target_locked', `A revision of this target awaits approval ${node.lockedByApprovalId}`);

      const valid = await candidates(node, input.dimension);
      const explicit = input.amounts ?? input.weights;
      const field = input.amounts ? 'amounts' : 'weights';
      let chosen: Candidate[];
      if (explicit) {
        const known = new Map(valid.map((c) => [c.key, c]));
        const unknown = Object.keys(explicit).filter((k) => !known.has(k));
        if (unknown.length > 0) {
          throw invalid(`Not a ${input.dimension} of this target: ${unknown.join(', ')}`, Object.fromEntries(unknown.map((k) => [`${field}.${k}`, `Not a ${input.dimension} of this target`])));
        }
        chosen = valid.filter((c) => c.key in explicit);
      } else {
        chosen = valid;
      }
      if (chosen.length === 0) throw invalid(`There is no ${input.dimension} to allocate to`, { dimension: `No ${input.dimension} within this target` });
      if (chosen.length > MAX_CHILDREN) throw invalid(`At most ${MAX_CHILDREN} children per allocation`, { [field]: `At most ${MAX_CHILDREN} keys` });

      const parentTiers: Tiers = node.tiers;
      let split: Tiers[];
      if (input.amounts) {
        const amounts = chosen.map((c) => input.amounts![c.key]!);
        const sum = amounts.reduce((a, b) => a + b, 0);
        if (sum !== node.amount) throw invalid(`The amounts sum to ${sum}; they must sum exactly to the target ${node.amount}`, { amounts: `Sum ${sum} ≠ ${node.amount}` });
        split = splitByAmounts(parentTiers, amounts);
      } else if (input.method === 'history') {
        const shares = await lastYearShares(node, input.dimension, chosen.map((c) => c.key));
        const weights = chosen.map((c) => shares[c.key] ?? 0);
        if (weights.every((w) => w === 0)) {
          throw invalid(`No ${node.currency} actuals in fiscal year ${node.fiscalYear - 1} for any ${input.dimension} of this target; use even or weights`, { method: 'No actuals last year to allocate by' });
        }
        split = splitTiers(parentTiers, weights);
      } else {
        const weights = input.weights ? chosen.map((c) => input.weights![c.key]!) : chosen.map(() => 1);
        // Weights count to six decimals: smaller ones are zero.
        if (weights.every((w) => Math.round(w * 1e6) === 0)) throw invalid('The weights round to zero (they count to six decimals)', { weights: 'At least one weight of 0.000001 or more' });
        split = splitTiers(parentTiers, weights);
      }
      const amounts = split.map((t) => t.base);
      // The base tier is the amount: the same split (checked, so a change to splitTiers cannot break the invariant).
      if (amounts.reduce((a, b) => a + b, 0) !== node.amount) throw new Error('allocation does not sum to the parent');

      const now = clock.now().toISOString();
      const method = input.amounts ? 'amounts' : input.method!;
      const children: TargetNode[] = chosen.map((c, i) => {
        const childId = newId();
        return {
          id: childId,
          fiscalYear: node.fiscalYear,
          rootId: node.rootId,
          parentId: node.id,
          treePath: `${node.treePath}/${childId}`,
          depth: node.depth + 1,
          dimension: input.dimension,
          key: c.key,
          amount: split[i]!.base,
          currency: node.currency,
          tiers: split[i]!,
          ownerId: c.place.ownerId !== undefined ? c.place.ownerId : node.ownerId,
          ...(node.regionId || c.place.regionId ? { regionId: c.place.regionId ?? node.regionId } : {}),
          ...(node.teamId || c.place.teamId ? { teamId: c.place.teamId ?? node.teamId } : {}),
          ...(node.repId || c.place.repId ? { repId: c.place.repId ?? node.repId } : {}),
          ...(node.productLineId || c.place.productLineId ? { productLineId: c.place.productLineId ?? node.productLineId } : {}),
          ...(node.quarter || c.place.quarter ? { quarter: c.place.quarter ?? node.quarter } : {}),
          ...(node.month || c.place.month ? { month: c.place.month ?? node.month } : {}),
          allocatedDimensions: [],
          version: 1,
          createdBy: principal.userId,
          createdAt: now,
          updatedAt: now,
        };
      });
      const next: TargetNode = {
        ...node,
        allocatedDimensions: [...node.allocatedDimensions, input.dimension],
        allocationMethods: { ...(node.allocationMethods ?? {}), [input.dimension]: method },
        version: node.version + 1,
        updatedAt: now,
      };
      const nodeKey = targetKeys.node(node.fiscalYear, node.rootId, node.treePath);
      await transact(
        db,
        [
          {
            Update: {
              TableName: db.tableName,
              Key: nodeKey,
              UpdateExpression: 'SET allocatedDimensions = :dims, allocationMethods = :methods, version = :next, updatedAt = :now',
              ConditionExpression: 'version = :v AND NOT contains(allocatedDimensions, :dim)',
              ExpressionAttributeValues: { ':dims': next.allocatedDimensions, ':methods': next.allocationMethods, ':next': next.version, ':now': now, ':v': node.version, ':dim': input.dimension },
            },
          },
          auditPut(db, {
            entityType: 'target',
            entityId: node.id,
            action: 'allocate',
            actorId: principal.userId,
            at: now,
            before: { allocatedDimensions: node.allocatedDimensions },
            after: { allocatedDimensions: next.allocatedDimensions, allocation: { dimension: input.dimension, method, children: children.map((c) => ({ id: c.id, key: c.key, amount: c.amount, tiers: c.tiers })) } },
            scope: scopeOf(node),
          }),
          ...children.flatMap((child) => [
            putIfAbsent(db, nodeItem(child)),
            putIfAbsent(db, pointerItem(child)),
            ...lookupPut(db.tableName, child),
            auditPut(db, { entityType: 'target', entityId: child.id, action: 'create', actorId: principal.userId, at: now, after: view(child) as never, scope: scopeOf(child) }),
          ]),
        ],
        (index) =>
          index === 0 ? conflict('already_allocated', `This target is already allocated by ${input.dimension}, or it changed meanwhile; read it again`) : conflict('write_conflict', 'Try again'),
      );
      return { target: view(next), dimension: input.dimension, method, children: children.map(view) };
    },
  };
}
