import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { targetKeys } from '#shared/core/keys';
import { fromItem, type Item } from '#shared/core/query';
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
 * The node, its ancestors and its children in one Query: the key range runs from the root to the end of the node's
 * subtree, and the filter keeps the path (the ids in the node's path) and the direct children (parentId). One round trip
 * while that range stays under 1 MB (a couple of thousand nodes); further pages are read if it ever does not.
 */
export async function readNodeWithFamily(db: Db, pointer: TargetPointer): Promise<{ node?: TargetNode; path: TargetNode[]; children: TargetNode[] }> {
  const range = targetKeys.pathRange(pointer.rootId, pointer.treePath);
  const ids = pathIds(pointer.treePath);
  const values: Record<string, unknown> = {
    ':pk': targetKeys.treePartition(pointer.fiscalYear, pointer.rootId),
    ':from': range.from,
    ':to': range.to,
    ':id': pointer.id,
  };
  ids.forEach((id, i) => (values[`:s${i}`] = id));
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        // Key attributes cannot be filtered on: the path is matched by id (the range holds only this tree).
        FilterExpression: `id IN (${ids.map((_, i) => `:s${i}`).join(', ')}) OR parentId = :id`,
        ExpressionAttributeValues: values,
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  const nodes = items.map((item) => fromItem<TargetNode>(item));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return {
    node: byId.get(pointer.id),
    path: ids.slice(0, -1).map((id) => byId.get(id)).filter((n): n is TargetNode => !!n),
    children: nodes.filter((n) => n.parentId === pointer.id),
  };
}

export async function readNode(db: Db, pointer: TargetPointer): Promise<TargetNode | undefined> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: targetKeys.node(pointer.fiscalYear, pointer.rootId, pointer.treePath), ConsistentRead: true }));
  return out.Item ? fromItem<TargetNode>(out.Item) : undefined;
}
