import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { commissionKeys, keys } from '#shared/core/keys';
import { fromItem, queryAll, type Item } from '#shared/core/query';
import type { CounterDelta, CounterItem } from './funnel.ts';
import type { Deal, Order, Pipeline, StageMove } from './schemas.ts';

/** DynamoDB for the process area: item shapes, the conditional writes deals rely on, and the few reads. */

export const dealItem = (deal: Deal) => ({ ...keys.deal(deal.id), ...keys.dealIndexes(deal), type: 'deal', ...deal });
export const moveItem = (move: StageMove) => ({ ...keys.dealStageMove(move.dealId, move.id), type: 'deal_stage_move', ...move });
/** The owner's order index (GSI1) lets a commission statement read a rep's orders by date in one Query. */
export const orderItem = (order: Order) => ({ ...keys.order(order.customerId, order.date, order.id), ...commissionKeys.orderOwnerIndex(order), type: 'order', ...order });

/** Attributes the approvals engine owns on a deal item; deals read them and never write them. */
const APPROVAL_OWNED = new Set(['lockedByApprovalId', 'approval']);

/**
 * An Update that writes exactly the attributes that changed (so the approvals engine's attributes survive), only
 * while the deal is at the version that was read and no approval holds it; `extra` adds a condition.
 */
export function updateDeal(db: Db, before: Deal, after: Deal, extra?: { condition: string; names: Record<string, string>; values: Record<string, unknown> }) {
  const was: Item = dealItem(before);
  const is: Item = dealItem(after);
  const names: Record<string, string> = { '#version': 'version', '#lock': 'lockedByApprovalId', ...extra?.names };
  const values: Record<string, unknown> = { ':readVersion': before.version, ...extra?.values };
  const sets: string[] = [];
  const removes: string[] = [];
  let n = 0;
  for (const attribute of new Set([...Object.keys(was), ...Object.keys(is)])) {
    if (attribute === 'PK' || attribute === 'SK' || APPROVAL_OWNED.has(attribute)) continue;
    if (JSON.stringify(was[attribute]) === JSON.stringify(is[attribute])) continue;
    const name = `#f${n}`;
    names[name] = attribute;
    if (is[attribute] === undefined || is[attribute] === null) removes.push(name);
    else {
      values[`:f${n}`] = is[attribute];
      sets.push(`${name} = :f${n}`);
    }
    n++;
  }
  return {
    Update: {
      TableName: db.tableName,
      Key: keys.deal(before.id),
      UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].join(' ').trim(),
      ConditionExpression: `#version = :readVersion AND attribute_not_exists(#lock)${extra ? ` AND ${extra.condition}` : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** One ADD per counter item (created on first use). */
export function counterUpdate(db: Db, delta: CounterDelta) {
  const scope = keys.funnelScope(delta.scope.kind, delta.scope.id);
  const adds = Object.entries(delta.add);
  return {
    Update: {
      TableName: db.tableName,
      Key: keys.funnelCounter(scope, delta.month, delta.stage),
      UpdateExpression: `SET #type = :type, #scope = :scope, #month = :month, #stage = :stage ADD ${adds.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
      ExpressionAttributeNames: { '#type': 'type', '#scope': 'scope', '#month': 'month', '#stage': 'stage', ...Object.fromEntries(adds.map(([name], i) => [`#c${i}`, name])) },
      ExpressionAttributeValues: {
        ':type': 'funnel_counter',
        ':scope': scope,
        ':month': delta.month,
        ':stage': delta.stage,
        ...Object.fromEntries(adds.map(([, value], i) => [`:c${i}`, value])),
      },
    },
  };
}

/** Open deals in a stage: +1 on entering (refused once the stage was removed from the pipeline), −1 on leaving. */
export function occupancyUpdate(db: Db, stage: string, delta: 1 | -1) {
  return {
    Update: {
      TableName: db.tableName,
      Key: keys.stageOccupancy(stage),
      UpdateExpression: 'SET #type = :type, #stage = :stage ADD #open :delta',
      ...(delta > 0 ? { ConditionExpression: 'attribute_not_exists(#removed)' } : {}),
      ExpressionAttributeNames: { '#type': 'type', '#stage': 'stage', '#open': 'openDeals', ...(delta > 0 ? { '#removed': 'removed' } : {}) },
      ExpressionAttributeValues: { ':type': 'stage_occupancy', ':stage': stage, ':delta': delta },
    },
  };
}

/** A pipeline edit removes a stage only while no open deal sits in it, and marks it so no deal enters it later. */
export const markStageRemoved = (db: Db, stage: string) => ({
  Update: {
    TableName: db.tableName,
    Key: keys.stageOccupancy(stage),
    UpdateExpression: 'SET #type = :type, #stage = :stage, #removed = :true',
    ConditionExpression: 'attribute_not_exists(#open) OR #open = :zero',
    ExpressionAttributeNames: { '#type': 'type', '#stage': 'stage', '#removed': 'removed', '#open': 'openDeals' },
    ExpressionAttributeValues: { ':type': 'stage_occupancy', ':stage': stage, ':true': true, ':zero': 0 },
  },
});

export const unmarkStageRemoved = (db: Db, stage: string) => ({
  Update: { TableName: db.tableName, Key: keys.stageOccupancy(stage), UpdateExpression: 'REMOVE #removed', ExpressionAttributeNames: { '#removed': 'removed' } },
});

export const putPipeline = (db: Db, next: Pipeline, readVersion: number) => ({
  Put: {
    TableName: db.tableName,
    Item: { ...keys.pipeline(), type: 'pipeline', ...next },
    ConditionExpression: readVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
    ...(readVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': readVersion } }),
  },
});

/** Guards a decision taken on the customer's tier (approval facts): the transaction fails if the tier changed. */
export const customerTierCheck = (db: Db, customerId: string, tier: string) => ({
  ConditionCheck: {
    TableName: db.tableName,
    Key: keys.customer(customerId),
    ConditionExpression: '#tier = :tier',
    ExpressionAttributeNames: { '#tier': 'tier' },
    ExpressionAttributeValues: { ':tier': tier },
  },
});



/** The deal and its stage moves: one Query on the deal's partition (PROFILE sorts before STAGE#…, moves by ULID). */
export async function readDealCollection(db: Db, id: string): Promise<{ deal?: Deal; moves: StageMove[] }> {
  const items = await queryAll(db, { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.deal(id).PK } });
  const deal = items.find((item) => item.type === 'deal');
  return { deal: deal && fromItem<Deal>(deal), moves: items.filter((item) => item.type === 'deal_stage_move').map((item) => fromItem<StageMove>(item)) };
}

export async function readDealConsistently(db: Db, id: string): Promise<Deal | undefined> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.deal(id), ConsistentRead: true }));
  return out.Item && fromItem<Deal>(out.Item);
}

export async function readCustomerTier(db: Db, customerId: string): Promise<string | undefined> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.customer(customerId), ConsistentRead: true }));
  return out.Item?.tier as string | undefined;
}

/** The counters of one scope for the months from…to: one Query on one partition. */
export async function readCounters(db: Db, scope: string, from: string, to: string): Promise<CounterItem[]> {
  const range = keys.funnelMonthRange(from, to);
  const items = await queryAll(db, {
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': keys.funnelPartition(scope), ':from': range.from, ':to': range.to },
  });
  return items as CounterItem[];
}
