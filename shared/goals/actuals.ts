import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { keys } from '#shared/core/keys';
import type { Order } from '#shared/process/schemas';

/**
 * Revenue actuals. Every order adds to one item per roll-up scope × month, in the order's own transaction, so
 * progress for any target node reads one partition's months — a handful of items however many orders exist.
 * A rep implies their team and region, a team its region, so eight scopes cover every combination a target
 * tree can ask for: everything, region, team, rep, product line, and each of region/team/rep × product line.
 */
export interface ActualsFilter {
  regionId?: string;
  teamId?: string;
  repId?: string;
  productLineId?: string;
}

/** The one scope that holds exactly the orders matching a filter (the most specific of rep > team > region). */
export function scopeOf(filter: ActualsFilter): string {
  const place = filter.repId ? `REP#${filter.repId}` : filter.teamId ? `TEAM#${filter.teamId}` : filter.regionId ? `REGION#${filter.regionId}` : undefined;
  const line = filter.productLineId ? `PL#${filter.productLineId}` : undefined;
  return [place, line].filter(Boolean).join('#') || 'ALL';
}

/** Every scope one order counts in. */
export function scopesOfOrder(order: Pick<Order, 'regionId' | 'teamId' | 'ownerId' | 'productLineId'>): string[] {
  const places: ActualsFilter[] = [{}, { regionId: order.regionId }, ...(order.teamId ? [{ teamId: order.teamId }] : []), { repId: order.ownerId }];
  return places.flatMap((place) => [scopeOf(place), scopeOf({ ...place, productLineId: order.productLineId })]);
}

/** The Update items that add an order to its scopes' month (append them to the order's transaction). */
export function actualsWrites(db: Db, order: Order) {
  const month = order.date.slice(0, 7);
  return [...rollUps(db, order, month), ...topRepsWrites(db, order, month)];
}

/** Scopes whose top reps the dashboard shows (everyone, the order's region, its team). */
export const topRepScopes = (order: Pick<Order, 'regionId' | 'teamId'>) => ['ALL', `REGION#${order.regionId}`, ...(order.teamId ? [`TEAM#${order.teamId}`] : [])];

/** One flat attribute per rep and currency (`r|CNY|<repId>`): ADD needs no map to exist first. */
export const repAttribute = (currency: string, repId: string) => `r|${currency}|${repId}`;

function topRepsWrites(db: Db, order: Order, month: string) {
  return topRepScopes(order).map((scope) => ({
    Update: {
      TableName: db.tableName,
      Key: keys.topReps(scope, month),
      UpdateExpression: 'ADD #rep :amount SET #type = :type, #scope = :scope',
      ExpressionAttributeNames: { '#rep': repAttribute(order.currency, order.ownerId), '#type': 'type', '#scope': 'scope' },
      ExpressionAttributeValues: { ':amount': order.amount, ':type': 'top_reps', ':scope': scope },
    },
  }));
}

function rollUps(db: Db, order: Order, month: string) {
  return scopesOfOrder(order).map((scope) => ({
    Update: {
      TableName: db.tableName,
      Key: keys.actuals(scope, month),
      UpdateExpression: 'ADD #amount :amount, orders :one SET #type = :type, #scope = :scope',
      ExpressionAttributeNames: { '#amount': `amount_${order.currency}`, '#type': 'type', '#scope': 'scope' },
      ExpressionAttributeValues: { ':amount': order.amount, ':one': 1, ':type': 'actuals', ':scope': scope },
    },
  }));
}

export interface MonthActuals {
  month: string;
  /** Per currency, minor units (never converted). */
  amount: Record<string, number>;
  orders: number;
}

/** Actuals of one scope for months from…to (YYYY-MM, inclusive): one Query. */
export async function actualsByMonth(db: Db, filter: ActualsFilter, from: string, to: string): Promise<MonthActuals[]> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.actualsPartition(scopeOf(filter)), ':from': from, ':to': to },
    }),
  );
  return (out.Items ?? []).map((item) => ({
    month: String(item.SK),
    amount: Object.fromEntries(Object.entries(item).filter(([k]) => k.startsWith('amount_')).map(([k, v]) => [k.slice('amount_'.length), Number(v)])),
    orders: Number(item.orders ?? 0),
  }));
}

/** Sums months into one figure per currency. */
export function total(months: MonthActuals[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const m of months) for (const [currency, amount] of Object.entries(m.amount)) sum[currency] = (sum[currency] ?? 0) + amount;
  return sum;
}

/** One figure per key of a dimension under a filter (history allocation: last year's share by region, team…). */
export async function actualsByKey(
  db: Db,
  query: { dimension: 'regionId' | 'teamId' | 'repId' | 'productLineId'; keys: string[]; filter: ActualsFilter; from: string; to: string; currency: string },
): Promise<Record<string, number>> {
  const entries = await Promise.all(
    query.keys.map(async (key) => [key, total(await actualsByMonth(db, { ...query.filter, [query.dimension]: key }, query.from, query.to))[query.currency] ?? 0] as const),
  );
  return Object.fromEntries(entries);
}
