import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { testApi } from '#test/support/api';
import { eventually } from '#test/support/approvals';
import { evaluateHealth } from '#shared/churn/evaluate';
import { systemClock } from '#shared/core/clock';
import { keys } from '#shared/core/keys';
import { actualsByMonth } from '#shared/goals/actuals';
import { computeStatement, finaliseStatements } from '#shared/commissions/statements';
import { daysBetween } from '#shared/commissions/period';

/**
 * Two reps of one team with the same target (1,000,000 for last month) and the same orders last month
 * (400,000 + 420,000 + 300,000 = 1,120,000 → 112%): one on a tiered plan, one on a marginal plan, same bands.
 * Both are on a plan this month, where last month's refunds and lost customers come back as clawbacks.
 */
let api: Awaited<ReturnType<typeof testApi>>;
const TIERED = 'rep-east-enterprise-1';
const MARGINAL = 'rep-east-enterprise-2';
const MANAGER = 'manager-east-enterprise';
const DAY = 86_400_000;

const now = new Date();
const ymd = (d: Date) => d.toISOString().slice(0, 10);
const today = ymd(now);
const THIS = today.slice(0, 7);
const PREV = ymd(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))).slice(0, 7);
const prevFirst = `${PREV}-01`;
const prevMid = `${PREV}-15`;
const prevLast = ymd(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)));
/** Long enough for last month's last day, too short for its first: one refund is clawed back, the other is not. */
const clawbackDays = daysBetween(prevLast, today);

const bands = [
  { fromAttainment: 0, toAttainment: 0.8, rate: 0.04 },
  { fromAttainment: 0.8, toAttainment: 1, rate: 0.05 },
  { fromAttainment: 1, toAttainment: 1.2, rate: 0.06 },
  { fromAttainment: 1.2, rate: 0.08 },
];
const plan = (over: Record<string, unknown>) => ({ name: 'Enterprise', period: PREV, baseRate: 0.03, bands, mode: 'tiered', accelerator: 1.5, clawbackDays, ...over });
const statement = (userId: string, period: string, as = userId) => api.call('GET', `/users/${userId}/commission?period=${period}`, { as });
const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);
const orderLines = (s: any) => s.lines.filter((l: any) => l.kind === 'order');
const clawbacks = (s: any) => s.lines.filter((l: any) => l.kind === 'clawback');

const plans: Record<string, any> = {};
const booked: Record<string, any[]> = {};

async function createPlan(body: unknown) {
  const res = await api.call('POST', '/commission-plans', { as: 'finance', body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}
async function assign(planId: string, userId: string) {
  const res = await api.call('POST', `/commission-plans/${planId}/assignments`, { as: 'finance', body: { userId } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}
/** The reps' target tree for last month's year, split evenly down to the rep's quarters, then last month = 1,000,000. */
async function buildTargets() {
  const fiscalYear = Number(PREV.slice(0, 4));
  const allocate = async (as: string, id: string, dimension: string, amounts?: Record<string, number>) => {
    const res = await api.call('POST', `/targets/${id}/allocations`, { as, body: amounts ? { dimension, amounts } : { dimension, method: 'even' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.children as any[];
  };
  const root = await api.call('POST', '/targets', { as: 'vp', body: { fiscalYear, amount: 144_000_000, tiers: { base: 144_000_000, sprint: 144_000_000, challenge: 144_000_000 } } });
  expect(root.status).toBe(201);
  const east = (await allocate('vp', root.body.id, 'region')).find((c) => c.key === 'east');
  const team = (await allocate('director-east', east.id, 'team')).find((c) => c.key === 'east-enterprise');
  for (const rep of await allocate(MANAGER, team.id, 'rep')) {
    if (![TIERED, MARGINAL].includes(rep.key)) continue;
    const quarter = (await allocate(MANAGER, rep.id, 'quarter'))[Math.floor((Number(PREV.slice(5)) - 1) / 3)];
    // last month gets exactly 1,000,000; the quarter's other two months share the rest
    const others = [1, 2, 3].map((i) => `${PREV.slice(0, 4)}-${String(Math.floor((Number(PREV.slice(5)) - 1) / 3) * 3 + i).padStart(2, '0')}`).filter((m) => m !== PREV);
    const rest = quarter.amount - 1_000_000;
    const amounts = { [PREV]: 1_000_000, [others[0]!]: Math.floor(rest / 2), [others[1]!]: rest - Math.floor(rest / 2) };
    const month = (await allocate(MANAGER, quarter.id, 'month', amounts)).find((c) => c.month === PREV);
    expect(month.amount).toBe(1_000_000);
  }
}
/** 400,000 on the 1st, 420,000 on the 15th, 300,000 on the last day of last month, each for another customer. */
async function bookOrders(rep: string) {
  const customers = (await api.call('GET', '/customers?tier=C&limit=100', { as: rep })).body.items.concat((await api.call('GET', '/customers?tier=B&limit=100', { as: rep })).body.items);
  booked[rep] = [];
  for (const [i, [amount, date]] of ([[400_000, prevFirst], [420_000, prevMid], [300_000, prevLast]] as const).entries()) {
    const customer = customers[i % customers.length];
    const res = await api.call('POST', `/customers/${customer.id}/orders`, { as: rep, body: { amount, date, productLineId: 'crm-suite' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    booked[rep].push(res.body);
  }
}

beforeAll(async () => {
  api = await testApi({ demo: true });
  await buildTargets();
  await bookOrders(TIERED);
  await bookOrders(MARGINAL);
  plans.tiered = await createPlan(plan({}));
  plans.marginal = await createPlan(plan({ mode: 'marginal', clawbackDays: 90 }));
  plans.now = await createPlan(plan({ name: 'This month', period: THIS, clawbackDays: 30 }));
  await assign(plans.tiered.id, TIERED);
  await assign(plans.marginal.id, MARGINAL);
  await assign(plans.now.id, TIERED);
  await assign(plans.now.id, MARGINAL);
}, 120_000);

describe('plans', () => {
  it('admin, finance or vp create them; bands must be contiguous from 0 and ascend; 400 names the field', async () => {
    expect((await api.call('POST', '/commission-plans', { as: TIERED, body: plan({}) })).status).toBe(403);
    expect((await api.call('POST', '/commission-plans', { as: MANAGER, body: plan({}) })).status).toBe(403);
    const cases: [Record<string, unknown>, string][] = [
      [{ bands: [bands[0], { fromAttainment: 0.9, rate: 0.05 }] }, 'bands.1.fromAttainment'],
      [{ bands: [{ fromAttainment: 0, toAttainment: 1, rate: 0.05 }] }, 'bands.0.toAttainment'],
      [{ mode: 'progressive' }, 'mode'],
      [{ period: '2026-Q5' }, 'period'],
      [{ cap: 10.5 }, 'cap'],
      [{ bands: [{ fromAttainment: 0, rate: 0.05, extra: 1 }] }, 'bands.0.extra'],
    ];
    for (const [change, field] of cases) {
      const res = await api.call('POST', '/commission-plans', { as: 'finance', body: plan(change) });
      expect(res.status, JSON.stringify(change)).toBe(400);
      expect(Object.keys(res.body.error.fields), JSON.stringify(change)).toContain(field);
    }
  });

  it('one plan per user per period (and per month): 409; only plan managers assign; the plan lists whom you may see', async () => {
    const again = await api.call('POST', `/commission-plans/${plans.tiered.id}/assignments`, { as: 'finance', body: { userId: TIERED } });
    expect(again.status).toBe(409);
    expect((await api.call('POST', `/commission-plans/${plans.marginal.id}/assignments`, { as: 'vp', body: { userId: TIERED } })).body.error.code).toBe('plan_overlap');
    const quarter = await createPlan(plan({ period: `${PREV.slice(0, 4)}-Q${Math.floor((Number(PREV.slice(5)) - 1) / 3) + 1}` }));
    expect((await api.call('POST', `/commission-plans/${quarter.id}/assignments`, { as: 'admin', body: { userId: TIERED } })).status).toBe(409);
    expect((await api.call('POST', `/commission-plans/${quarter.id}/assignments`, { as: MANAGER, body: { userId: 'rep-east-enterprise-3' } })).status).toBe(403);
    expect((await api.call('POST', `/commission-plans/${quarter.id}/assignments`, { as: 'finance', body: { userId: 'nobody' } })).body.error.fields).toHaveProperty('userId');
    const seen = await api.call('GET', `/commission-plans/${plans.now.id}`, { as: TIERED });
    expect(seen.body.assignees.map((a: any) => a.userId)).toEqual([TIERED]);
    expect((await api.call('GET', `/commission-plans/${plans.now.id}`, { as: MANAGER })).body.assignees.map((a: any) => a.userId).sort()).toEqual([TIERED, MARGINAL]);
    const listed = await api.call('GET', `/commission-plans?period=${PREV}`, { as: TIERED });
    expect(listed.body.items.map((p: any) => p.id).sort()).toEqual([plans.tiered.id, plans.marginal.id].sort());
  });
});

describe('statements on the same figures', () => {
  it('tiered: 112% → band 100–120% at 6% × 1.5 = 9% on every order (a BatchGet, then two Queries side by side)', async () => {
    const res = await statement(TIERED, PREV);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(trips(res)).toBeLessThanOrEqual(3); // one BatchGet, then the orders and the lost customers side by side
    expect(res.body).toMatchObject({ status: 'draft', revenue: 1_120_000, attainment: 1.12, target: { amount: 1_000_000 } });
    expect(orderLines(res.body).map((l: any) => [l.date, l.amount, l.commission])).toEqual([
      [prevFirst, 400_000, 36_000],
      [prevMid, 420_000, 37_800],
      [prevLast, 300_000, 27_000],
    ]);
    expect(orderLines(res.body)[0].rule).toContain('tiered: attainment 112% → band 100–120% rate 6% × accelerator 1.5 = 9%');
    expect(res.body.totals).toEqual({ orders: 100_800, cap: 0, clawbacks: 0, payable: 100_800 });
  });

  it('marginal: slices 32,000 + 10,000 + 10,800 = 52,800, shared pro rata over the orders', async () => {
    const res = await statement(MARGINAL, PREV, MANAGER);
    expect(res.status).toBe(200);
    expect(res.body.slices.filter((s: any) => s.amount > 0).map((s: any) => s.commission)).toEqual([32_000, 10_000, 10_800]);
    expect(orderLines(res.body).map((l: any) => l.commission)).toEqual([18_857, 19_800, 14_143]);
    expect(res.body.totals.payable).toBe(52_800);
  });

  it('the rep, their manager and director, finance, vp and admin read it; another rep or team gets 404', async () => {
    for (const as of [TIERED, MANAGER, 'director-east', 'finance', 'vp', 'admin']) expect((await statement(TIERED, PREV, as)).status, as).toBe(200);
    for (const as of ['rep-east-enterprise-3', 'rep-south-enterprise-1', 'manager-east-commercial', 'director-south']) expect((await statement(TIERED, PREV, as)).status, as).toBe(404);
    expect((await statement('rep-east-enterprise-3', PREV, MANAGER)).body.error.code).toBe('no_commission_plan');
    const bad = await api.call('GET', `/users/${TIERED}/commission?period=last-month`, { as: TIERED });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty('period');
  });
});

describe('refunds and lost customers claw back in the next statement', () => {
  const [x, , y] = [0, 1, 2];
  const refund = (rep: string, i: number, as = 'finance') => api.call('POST', `/customers/${booked[rep]![i].customerId}/orders/${booked[rep]![i].id}/refund`, { as, body: { reason: 'Returned' } });

  it('finance refunds once; the order leaves the actuals in the same write', async () => {
    expect((await refund(TIERED, y, TIERED)).status).toBe(403);
    const res = await refund(TIERED, y);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.refund).toMatchObject({ date: today, reason: 'Returned', by: 'finance' });
    expect((await refund(TIERED, y)).status).toBe(409);
    expect((await refund(TIERED, x, 'admin')).status).toBe(200); // outside clawbackDays: refunded, never clawed back
    expect((await api.call('POST', `/customers/${booked[TIERED]![x].customerId}/orders/no-such-order/refund`, { as: 'finance', body: { reason: 'x' } })).status).toBe(404);
    expect((await api.call('POST', `/customers/${booked[TIERED]![x].customerId}/orders/${booked[TIERED]![x].id}/refund`, { as: 'finance', body: {} })).body.error.fields).toHaveProperty('reason');
    expect(await actualsByMonth(api.db, { repId: TIERED }, PREV, PREV)).toEqual([{ month: PREV, amount: { CNY: 420_000 }, orders: 1 }]);
    const top = await api.db.doc.send(new GetCommand({ TableName: api.db.tableName, Key: keys.topReps('TEAM#east-enterprise', PREV) }));
    expect(top.Item![`r|CNY|${TIERED}`]).toBe(420_000);
  });

  it('a customer lost through the churn flow', async () => {
    const customerId = booked[MARGINAL]![x].customerId;
    // The warning signs written straight onto the customer, as test/workflows/churn-recovery.test.ts does.
    const iso = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();
    const month = (back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
    const monthlyOrders = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [month(i + 3), 1]));
    await api.db.doc.send(
      new UpdateCommand({
        TableName: api.db.tableName,
        Key: keys.customer(customerId),
        UpdateExpression: 'SET stats = :s, care = :c, version = version + :one',
        ExpressionAttributeValues: {
          ':s': { spend12m: 900_000, spendPrior12m: 1_200_000, orders12m: 9, currency: 'CNY', otherCurrencyOrders: 0, windowMonth: month(0), spendByMonth: {}, orderCount: 12, firstOrderDate: iso(460).slice(0, 10), lastOrderDate: iso(100).slice(0, 10), avgIntervalDays: 30, monthlyOrders },
          ':c': { openTickets: 2, complaintDates: [iso(20).slice(0, 10), iso(10).slice(0, 10)] },
          ':one': 1,
        },
      }),
    );
    const { alertId } = (await evaluateHealth({ db: api.db, clock: systemClock, engine: api.engine }, customerId))!;
    expect(alertId).toBeDefined();
    const alertOf = async () => (await api.call('GET', `/churn/alerts/${alertId}`, { as: MARGINAL })).body;
    await eventually(async () => (await alertOf()).stage === 'awaiting_outcome', 'the recovery plan');
    expect((await api.call('POST', `/churn/alerts/${alertId}/outcome`, { as: MARGINAL, body: { outcome: 'lost', reason: 'Moved to a competitor' } })).status).toBe(200);
    await eventually(async () => (await alertOf()).status === 'closed', 'the alert closing');
  });

  it('this month: one clawback line per order for what it was paid; the refund outside clawbackDays has none', async () => {
    const tiered = (await statement(TIERED, THIS)).body;
    expect(clawbacks(tiered)).toEqual([
      expect.objectContaining({ orderId: booked[TIERED]![y].id, date: today, commission: -27_000, originPeriod: PREV, event: expect.objectContaining({ type: 'refund' }) }),
    ]);
    expect(clawbacks(tiered)[0].rule).toContain(`within the ${clawbackDays} clawback days`);
    expect(tiered.totals).toMatchObject({ orders: 0, clawbacks: -27_000, payable: -27_000 });
    const marginal = (await statement(MARGINAL, THIS)).body;
    expect(clawbacks(marginal)).toEqual([expect.objectContaining({ orderId: booked[MARGINAL]![x].id, commission: -18_857, event: expect.objectContaining({ type: 'churn', reason: 'Moved to a competitor' }) })]);
    // last month's statements are not reopened
    expect(clawbacks((await statement(TIERED, PREV)).body)).toEqual([]);
    expect((await statement(TIERED, PREV)).body.totals.payable).toBe(100_800);
  });
});

describe('finalising (the performance review)', () => {
  it('stores each statement once, as computed; users without a plan are skipped', async () => {
    const at = new Date().toISOString();
    const input = { userIds: [TIERED, MARGINAL, 'rep-east-enterprise-3'], period: PREV, at, cycleId: 'cycle-1' };
    expect(await finaliseStatements(api.db, input)).toEqual({ finalised: 2, already: 0 });
    expect(await finaliseStatements(api.db, { ...input, at: new Date().toISOString(), cycleId: 'cycle-2' })).toEqual({ finalised: 0, already: 2 });
    const res = await statement(TIERED, PREV);
    expect(trips(res)).toBe(1);
    expect(res.body).toMatchObject({ status: 'final', finalisedAt: at, cycleId: 'cycle-1', totals: { payable: 100_800 } });
    expect(await computeStatement(api.db, MARGINAL, PREV, new Date())).toMatchObject({ status: 'final', totals: { payable: 52_800 } });
    // this month's draft now takes what was paid from the final statement: the same clawback
    const draft = await computeStatement(api.db, TIERED, THIS, new Date());
    expect(draft.status).toBe('draft');
    expect(clawbacks(draft).map((l: any) => l.commission)).toEqual([-27_000]);
  });
});
