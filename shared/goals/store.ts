import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { targetKeys } from '#shared/core/keys';
import { fromItem, queryAll, type Item } from '#shared/core/query';
import type { TargetNode, TargetPointer } from './schemas.ts';

/** The stored node: its tree-partition key, its scope indexes and the entity. */
export function nodeItem(node: TargetNode): Item {
  return {
    ...targetKeys.node(node.fiscalYear, node.rootId, node.treePath),
    ...targetKeys.nodeIndexes(node),
    type: 'target',
    ...node,
  };
}

export function pointerItem(node: TargetNode): Item {
  const pointer: TargetPointer = {
    id: node.id,
    fiscalYear: node.fiscalYear,
    rootId: node.rootId,
    treePath: node.treePath,
    ownerId: node.ownerId,
    regionId: node.regionId,
    teamId: node.teamId,
  };
  return { ...targetKeys.pointer(node.id), type: 'target_pointer', ...pointer };
}

/** Where a node sits for the dashboard: the most specific of rep > team > region, or ALL. */
export const placeOf = (n: Pick<TargetNode, 'repId' | 'teamId' | 'regionId'>) => (n.repId ? `REP#${n.repId}` : n.teamId ? `TEAM#${n.teamId}` : n.regionId ? `REGION#${n.regionId}` : 'ALL');
/** The period a node covers: its month, its quarter or the whole year. */
export const periodOf = (n: Pick<TargetNode, 'quarter' | 'month'>) => n.month ?? n.quarter ?? 'YEAR';

/** The lookup item of a node by place × period (none for product-line nodes): a Put, last writer wins. */
export function lookupPut(tableName: string, node: TargetNode) {
  if (node.productLineId) return [];
  const { id, fiscalYear, dimension, key, amount, currency, tiers, ownerId, regionId, teamId, repId, quarter, month } = node;
  return [
    {
      Put: {
        TableName: tableName,
        Item: { ...targetKeys.lookup(fiscalYear, placeOf(node), periodOf(node)), type: 'target_lookup', id, fiscalYear, dimension, key, amount, currency, tiers, ownerId, regionId, teamId, repId, quarter, month },
      },
    },
  ];
}

/** Ids from the root to the node, inclusive. */
export const pathIds = (treePath: string) => treePath.split('/');

/**
 * Nodes on the key range from the root to the end of a node's subtree, filtered to the node's path (matched by id:
 * key attributes cannot be filtered on) plus `extra`. One round trip while the range stays under 1 MB (a couple of
 * thousand nodes); further pages are read if it ever does not.
 */
async function queryLineage(db: Db, pointer: Pick<TargetPointer, 'fiscalYear' | 'rootId' | 'treePath'>, extra: { filter: string; values: Record<string, unknown> }): Promise<TargetNode[]> {
  const range = targetKeys.pathRange(pointer.rootId, pointer.treePath);
  const ids = pathIds(pointer.treePath);
  const values: Record<string, unknown> = { ':pk': targetKeys.treePartition(pointer.fiscalYear, pointer.rootId), ':from': range.from, ':to': range.to, ...extra.values };
  ids.forEach((id, i) => (values[`:s${i}`] = id));
  const items = await queryAll(db, {
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    FilterExpression: `id IN (${ids.map((_, i) => `:s${i}`).join(', ')}) OR ${extra.filter}`,
    ExpressionAttributeValues: values,
    ConsistentRead: true,
  });
  return items.map((item) => fromItem<TargetNode>(item));
}

const ancestors = (nodes: TargetNode[], treePath: string) =>
  pathIds(treePath)
    .slice(0, -1)
    .map((id) => nodes.find((n) => n.id === id))
    .filter((n): n is TargetNode => !!n);

/** The node, its ancestors (root first) and its direct children: one Query. */
export async function readNodeWithFamily(db: Db, pointer: TargetPointer): Promise<{ node?: TargetNode; path: TargetNode[]; children: TargetNode[] }> {
  const nodes = await queryLineage(db, pointer, { filter: 'parentId = :id', values: { ':id': pointer.id } });
  return { node: nodes.find((n) => n.id === pointer.id), path: ancestors(nodes, pointer.treePath), children: nodes.filter((n) => n.parentId === pointer.id) };
}

/** The node, its ancestors (root first) and its whole subtree (the node included): one Query. */
export async function readLineage(db: Db, pointer: Pick<TargetPointer, 'id' | 'fiscalYear' | 'rootId' | 'treePath'>): Promise<{ node?: TargetNode; path: TargetNode[]; subtree: TargetNode[] }> {
  const below = `${pointer.treePath}/`;
  const nodes = await queryLineage(db, pointer, { filter: 'begins_with(treePath, :below)', values: { ':below': below } });
  return { node: nodes.find((n) => n.id === pointer.id), path: ancestors(nodes, pointer.treePath), subtree: nodes.filter((n) => n.id === pointer.id || n.treePath.startsWith(below)) };
}

export async function readNode(db: Db, pointer: TargetPointer): Promise<TargetNode | undefined> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: targetKeys.node(pointer.fiscalYear, pointer.rootId, pointer.treePath), ConsistentRead: true }));
  return out.Item ? fromItem<TargetNode>(out.Item) : undefined;
}

