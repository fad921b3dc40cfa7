import type { Db } from '#shared/core/db';
import { AppError, isConditionFailure } from '#shared/core/errors';
import { commissionKeys, targetKeys, type Key } from '#shared/core/keys';
import { fromItem, type Item } from '#shared/core/query';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { clawbackCandidates, clawbackLines, type Candidate, type ClawbackOrder, type Origin } from './clawbacks.ts';
import { computeEarnings, paidFor, type TargetFigure } from './math.ts';
import { lookbackStart, parseCommissionPeriod, periodsOfMonth, type CommissionPeriod } from './period.ts';
import { batchGet, lostCustomers, ownerOrders, pick, planOf, statementItem, type AssignedPlan } from './store.ts';
import type { Statement } from './schemas.ts';

/**
 * Commission statements: computed live from the user's orders (status `draft`) until a review cycle finalises
 * them; a final statement is stored as computed then and returned as stored ever after.
 * Reads: the fixed keys (assignment, final statement, target lookup) in one BatchGet; the user's orders and lost
 * customers in parallel; only when something in the period is clawed back, one more BatchGet for the periods
 * those orders earned in.
 */

/** The fixed keys of a user's statement for a period, in the order statementFrom expects them. */
export function statementKeys(userId: string, period: CommissionPeriod): Key[] {
  return [commissionKeys.assignment(userId, period.id), commissionKeys.statement(userId, period.id), targetKeys.lookup(period.fiscalYear, `REP#${userId}`, period.lookup)];
}

export const noPlan = (userId: string, period: string) => new AppError(404, 'no_commission_plan', `${userId} has no commission plan for ${period}`);

const targetOf = (item: Item | undefined): TargetFigure | null =>
  item ? { amount: Number(item.amount), currency: String(item.currency), lookup: `FY${item.fiscalYear} ${String(item.SK)}` } : null;

/**
 * The statement of `userId` for `period` (YYYY-MM or YYYY-Qn) as of `now`: the stored one if final, else computed
 * live (`draft`). Throws a 404 AppError `no_commission_plan` when the user has no plan for the period.
 */
export async function computeStatement(db: Db, userId: string, period: string, now: Date): Promise<Statement> {
  const p = parseCommissionPeriod(period);
  const keys = statementKeys(userId, p);
  const found = await batchGet(db, keys);
  return statementFrom(db, userId, p, keys.map((k) => pick(found, k)), now);
}

/** The same from items already read (the API reads them with the caller's principal in one round trip). */
export async function statementFrom(db: Db, userId: string, period: CommissionPeriod, [assignment, stored, lookup]: (Item | undefined)[], now: Date): Promise<Statement> {
  if (stored) return fromItem<Statement>(stored);
  const plan = planOf(assignment);
  if (!plan) throw noPlan(userId, period.id);
  const today = now.toISOString().slice(0, 10);
  const from = lookbackStart(period);
  const [orders, lost] = await Promise.all([ownerOrders(db, userId, from, period.end), lostCustomers(db, userId, from, period.end)]);

  const earnings = computeEarnings({ terms: plan, target: targetOf(lookup), orders: within(orders, period), periodEnd: period.end });
  const candidates = clawbackCandidates(period, orders, lost, today);
  const origins = await originsOf(db, userId, period, candidates, orders, { plan, figures: earnings });
  const clawbacks = clawbackLines(period, candidates, (o) => origins.get(o.id), plan.currency);

  const clawedBack = clawbacks.reduce((sum, l) => sum + l.commission, 0);
  return {
    userId,
    period: period.id,
    status: 'draft',
    plan,
    target: targetOf(lookup),
    revenue: earnings.revenue,
    attainment: earnings.attainment,
    attainmentRule: earnings.attainmentRule,
    ...(earnings.slices ? { slices: earnings.slices } : {}),
    lines: [...earnings.lines, ...clawbacks],
    totals: { orders: earnings.orders, cap: earnings.cap, clawbacks: clawedBack, payable: earnings.orders + earnings.cap + clawedBack },
    computedAt: now.toISOString(),
  };
}

const within = (orders: ClawbackOrder[], period: { start: string; end: string }) => orders.filter((o) => o.date >= period.start && o.date <= period.end);

/**
 * What each candidate order paid in its own period: this statement's figures when it is this period; else the
 * final statement of its period if stored, or that period computed live (its plan from the user's month guard,
 * its target from the lookup) from the orders already read. One BatchGet covers every origin month at once: the
 * guard, and the statement and target lookup of both periods the month can belong to.
 */
async function originsOf(db: Db, userId: string, period: CommissionPeriod, candidates: Candidate[], orders: ClawbackOrder[], current: { plan: AssignedPlan; figures: Parameters<typeof paidFor>[0] }) {
  const origins = new Map<string, Origin>();
  const months = [...new Set(candidates.map((c) => c.order.date.slice(0, 7)).filter((m) => !period.months.includes(m)))];
  const wanted = months.flatMap((month) => [
    commissionKeys.monthGuard(userId, month),
    ...periodsOfMonth(month).flatMap((id) => {
      const p = parseCommissionPeriod(id);
      return [commissionKeys.statement(userId, id), targetKeys.lookup(p.fiscalYear, `REP#${userId}`, p.lookup)];
    }),
  ]);
  const found = wanted.length ? await batchGet(db, wanted) : new Map<string, Item>();
  const figuresByPeriod = new Map<string, { plan: AssignedPlan; figures: Parameters<typeof paidFor>[0] }>([[period.id, current]]);

  const figuresOf = (plan: AssignedPlan) => {
    if (figuresByPeriod.has(plan.period)) return figuresByPeriod.get(plan.period);
    const p = parseCommissionPeriod(plan.period);
    const stored = pick(found, commissionKeys.statement(userId, p.id));
    const totals = stored?.totals as Statement['totals'] | undefined;
    const result = {
      plan,
      figures: stored
        ? { lines: stored.lines as Statement['lines'], orders: totals!.orders, cap: totals!.cap }
        : computeEarnings({ terms: plan, target: targetOf(pick(found, targetKeys.lookup(p.fiscalYear, `REP#${userId}`, p.lookup))), orders: within(orders, p), periodEnd: p.end }),
    };
    figuresByPeriod.set(plan.period, result);
    return result;
  };

  for (const { order } of candidates) {
    const month = order.date.slice(0, 7);
    const plan = period.months.includes(month) ? current.plan : planOf(pick(found, commissionKeys.monthGuard(userId, month)));
    const origin = plan && figuresOf(plan);
    if (origin) origins.set(order.id, { period: plan.period, clawbackDays: plan.clawbackDays, paid: paidFor(origin.figures, order.id) });
  }
  return origins;
}

/**
 * Stores each user's statement for `period` as computed at `at`, with status `final` (a review cycle closing).
 * Idempotent: a statement already final is left as it is (`already`); users without a plan for the period are
 * skipped and counted in neither figure.
 */
export async function finaliseStatements(db: Db, input: { userIds: string[]; period: string; at: string; cycleId: string }): Promise<{ finalised: number; already: number }> {
  const p = parseCommissionPeriod(input.period);
  const userIds = [...new Set(input.userIds)];
  const found = await batchGet(db, userIds.flatMap((u) => statementKeys(u, p)));
  let finalised = 0;
  let already = 0;
  // A handful at a time: each computation is a few Queries, and the table is shared with live traffic.
  for (let i = 0; i < userIds.length; i += 4) {
    await Promise.all(
      userIds.slice(i, i + 4).map(async (userId) => {
        const items = statementKeys(userId, p).map((k) => pick(found, k));
        if (!items[0]) return;
        if (items[1]) return void already++;
        const draft = await statementFrom(db, userId, p, items, new Date(input.at));
        const final: Statement = { ...draft, status: 'final', finalisedAt: input.at, cycleId: input.cycleId };
        try {
          await db.doc.send(new PutCommand({ TableName: db.tableName, Item: statementItem(final), ConditionExpression: 'attribute_not_exists(PK)' }));
          finalised++;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          already++;
        }
      }),
    );
  }
  return { finalised, already };
}
