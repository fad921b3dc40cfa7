import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { turnRed } from '#test/support/churn';
import { systemClock } from '#shared/core/clock';
import { newId } from '#shared/core/ids';
import { evaluateHealth } from '#shared/churn/evaluate';
import { planItem } from '#shared/reviews/store';
import type { testApi } from '#test/support/api';
import { eventually } from '#test/support/approvals';

export type Api = Awaited<ReturnType<typeof testApi>>;

/** Who owns the record a cell touches, relative to the subject rep (rep-east-enterprise-1). */
export const OWNERSHIPS = ['own', 'sameTeam', 'otherTeam', 'otherRegion'] as const;
export type Ownership = (typeof OWNERSHIPS)[number];

export const OWNER: Record<Ownership, string> = {
  own: 'rep-east-enterprise-1',
  sameTeam: 'rep-east-enterprise-2',
  otherTeam: 'rep-east-commercial-1',
  otherRegion: 'rep-south-enterprise-1',
};
export const TEAM_OF: Record<Ownership, string> = { own: 'east-enterprise', sameTeam: 'east-enterprise', otherTeam: 'east-commercial', otherRegion: 'south-enterprise' };
export const REGION_OF: Record<Ownership, string> = { own: 'east', sameTeam: 'east', otherTeam: 'east', otherRegion: 'south' };
export const MANAGER_OF: Record<Ownership, string> = {
  own: 'manager-east-enterprise',
  sameTeam: 'manager-east-enterprise',
  otherTeam: 'manager-east-commercial',
  otherRegion: 'manager-south-enterprise',
};

/** The caller of each role: the subject rep and the people above them. */
export const ROLES = ['rep', 'manager', 'director', 'vp', 'finance', 'admin'] as const;
export type RoleName = (typeof ROLES)[number];
export const CALLER: Record<RoleName, string> = {
  rep: 'rep-east-enterprise-1',
  manager: 'manager-east-enterprise',
  director: 'director-east',
  vp: 'vp',
  finance: 'finance',
  admin: 'admin',
};

export const DAY = 86_400_000;
const month = (back: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
};
/** The last month that has ended (review cycles run only for those). */
export const LAST_MONTH = month(1);
export const TODAY = new Date().toISOString().slice(0, 10);

type PerOwner<T = string> = Record<Ownership, T>;

export interface Fixtures {
  customer: PerOwner;
  deal: PerOwner;
  order: PerOwner;
  ticket: PerOwner;
  alert: PerOwner;
  approval: PerOwner;
  target: PerOwner;
  collab: PerOwner;
  scorecard: PerOwner;
  plan: PerOwner;
  enrolment: PerOwner;
  notification: PerOwner;
  import: PerOwner;
  duplicate: PerOwner<{ id: string; keepId: string }>;
  cycle: PerOwner;
  /** An upload the east-enterprise manager asked for (none when the stack has no upload store). */
  upload?: string;
  course: string;
  partner: string;
  commissionPlan: string;
  companyTarget: string;
}

export function ok<T = any>(res: { status: number; body: T }, what: string, status = [200, 201, 202]): T {
  if (!status.includes(res.status)) throw new Error(`fixture ${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const byOwner = async <T>(make: (o: Ownership) => Promise<T>): Promise<PerOwner<T>> => {
  const out = await Promise.all(OWNERSHIPS.map(make));
  return Object.fromEntries(OWNERSHIPS.map((o, i) => [o, out[i]])) as PerOwner<T>;
};

let serial = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${(serial++).toString(36)}`;

/** A create that touches the customer retries when another write on that customer lands at the same moment. */
async function retrying(send: () => Promise<{ status: number; body: any }>) {
  for (let attempt = 1; ; attempt += 1) {
    const res = await send();
    if (res.status !== 409 || res.body?.error?.code !== 'write_conflict' || attempt === 5) return res;
  }
}

/** Record builders shared by the fixtures and by the cells that need a record of their own (a success changes it). */
export function builders(api: Api) {
  const firstCustomer = async (owner: string) => {
    const res = ok(await api.call('GET', '/customers?limit=5', { as: owner }), 'customers');
    return res.items[0].id as string;
  };
  const customer = async (owner: string, extra: Record<string, unknown> = {}) =>
    ok(await api.call('POST', '/customers?allowDuplicate=true', { as: owner, body: { name: unique('Matrix Co'), industry: 'Retail', ...extra } }), 'customer').id as string;
  const deal = async (owner: string, amount = 50_000) =>
    ok(
      await api.call('POST', '/deals', { as: owner, body: { customerId: await firstCustomer(owner), title: unique('Matrix deal'), amount, productLineId: 'crm-suite', expectedCloseDate: '2026-12-31', discountPct: 0, paymentTermsDays: 30 } }),
      'deal',
    ).id as string;
  const order = async (owner: string, customerId?: string) =>
    ok(await retrying(async () => api.call('POST', `/customers/${customerId ?? (await firstCustomer(owner))}/orders`, { as: owner, body: { amount: 120_000, date: TODAY, productLineId: 'crm-suite' } })), 'order').id as string;
  /** A pending approval: a large discounted deal needs at least the manager's step. */
  const approval = async (owner: string) => {
    const dealId = await deal(owner, 30_000_000);
    const res = ok(await api.call('POST', `/deals/${dealId}/approvals`, { as: owner, body: { reason: 'Strategic logo' } }), 'approval');
    return res.id as string;
  };
  /** A flagged duplicate pair: the same name twice, the second created with allowDuplicate. */
  const duplicate = async (owner: string) => {
    const name = unique('Twin Trading');
    const contacts = [{ name: 'Buyer', phone: `+86 21 ${Date.now() % 1e8} ${serial++}` }];
    const keepId = ok(await api.call('POST', '/customers', { as: owner, body: { name, contacts } }), 'twin 1').id as string;
    const otherId = ok(await api.call('POST', '/customers?allowDuplicate=true', { as: owner, body: { name, contacts } }), 'twin 2').id as string;
    const pairs = ok(await api.call('GET', '/data-quality/duplicates?limit=100', { as: 'admin' }), 'pairs').items as any[];
    const pair = pairs.find((p) => JSON.stringify(p).includes(otherId));
    if (!pair) throw new Error(`fixture duplicate: no pair for ${otherId}`);
    return { id: pair.id as string, keepId };
  };
  /** An approval whose first step is open: it is in the team manager's inbox. */
  const approvalReady = async (owner: string) => {
    const id = await approval(owner);
    const manager = `manager-${owner.replace(/^rep-/, '').replace(/-\d+$/, '')}`;
    await eventually(async () => {
      const res = await api.call('GET', '/approvals?inbox=mine&limit=100', { as: manager });
      return (res.body?.items as any[] | undefined)?.some((e) => e.approvalId === id || e.id === id);
    }, `approval ${id} in ${manager}'s inbox`, 30_000);
    return id;
  };
  const ticket = async (owner: string) =>
    ok(await retrying(async () => api.call('POST', `/customers/${await firstCustomer(owner)}/tickets`, { as: owner, body: { type: 'service', severity: 'low', subject: 'Login issue' } })), 'ticket').id as string;
  const course = async () => ok(await api.call('POST', '/courses', { as: 'admin', body: { title: unique('Matrix course'), category: 'sales_skills', requiredForRoles: [], hours: 1 } }), 'course').id as string;
  return { firstCustomer, customer, deal, order, approval, approvalReady, duplicate, ticket, course };
}


/** Runs a named fixture stage; the stage times are printed so a slow one is easy to find. */
async function stage<T>(timings: Record<string, number>, name: string, work: () => Promise<T>): Promise<T> {
  const began = Date.now();
  const out = await work();
  timings[name] = Date.now() - began;
  return out;
}

/** Every record a path parameter can name, one per ownership, built through the API (a few signals through the services). */
export async function buildFixtures(api: Api): Promise<Fixtures> {
  const b = builders(api);
  const t: Record<string, number> = {};
  const customer = await byOwner((o) => b.firstCustomer(OWNER[o]));

  const records = stage(t, 'deals, orders, tickets', () => Promise.all([byOwner((o) => b.deal(OWNER[o])), byOwner((o) => b.order(OWNER[o])), byOwner((o) => b.ticket(OWNER[o]))]));
  const approval = stage(t, 'approvals', () => byOwner((o) => b.approval(OWNER[o])));

  // Churn alerts: a second customer of each owner turned red and evaluated (the daily run would do the same).
  const alert = stage(t, 'churn alerts', () =>
    byOwner(async (o) => {
      const list = ok(await api.call('GET', '/customers?limit=5', { as: OWNER[o] }), 'customers').items as { id: string }[];
      const id = list[1]!.id;
      await turnRed(api.db, id);
      const evaluated = await evaluateHealth({ db: api.db, clock: systemClock, engine: api.engine }, id);
      if (!evaluated?.alertId) throw new Error(`fixture alert: ${JSON.stringify(evaluated)}`);
      return evaluated.alertId;
    }),
  );

  // Targets: company → region → team → rep, so every rep has a node.
  const targets = stage(t, 'targets', async () => {
    const companyTarget = ok(await api.call('POST', '/targets', { as: 'vp', body: { fiscalYear: 2026, amount: 12_000_000_000, tiers: { base: 12_000_000_000, sprint: 13_000_000_000, challenge: 15_000_000_000 } } }), 'company target').id as string;
    const regions = ok(await api.call('POST', `/targets/${companyTarget}/allocations`, { as: 'vp', body: { dimension: 'region', method: 'weights', weights: { east: 60, south: 40 } } }), 'regions');
    const repNode = new Map<string, string>();
    await Promise.all(
      ((regions.children ?? regions.items ?? regions) as any[]).map(async (region) => {
        const teams = ok(await api.call('POST', `/targets/${region.id}/allocations`, { as: 'vp', body: { dimension: 'team', method: 'even' } }), 'teams');
        await Promise.all(
          ((teams.children ?? teams.items ?? teams) as any[]).map(async (team) => {
            const reps = ok(await api.call('POST', `/targets/${team.id}/allocations`, { as: 'vp', body: { dimension: 'rep', method: 'even' } }), 'reps');
            for (const rep of (reps.children ?? reps.items ?? reps) as any[]) repNode.set(rep.key, rep.id);
          }),
        );
      }),
    );
    const target = await byOwner(async (o) => {
      const id = repNode.get(OWNER[o]);
      if (!id) throw new Error(`fixture target: no node for ${OWNER[o]} among ${[...repNode.keys()]}`);
      return id;
    });
    return { companyTarget, target };
  });

  const collab = stage(t, 'collab requests', () =>
    byOwner(async (o) =>
      ok(await api.call('POST', '/collab-requests', { as: OWNER[o], body: { toDepartment: 'legal', subject: 'Contract review', detail: 'Redlines', dueAt: new Date(Date.now() + 2 * DAY).toISOString() } }), 'collab').id as string,
    ),
  );

  // Review cycles for last month, one per team in play (one scorecard per rep); improvement plans exist only after a
  // cycle closes with a low rating, so they are written as the close writes them.
  const reviews = stage(t, 'review cycles, scorecards, plans', async () => {
    const cycles = new Map<string, string>();
    await Promise.all(
      [...new Set(Object.values(TEAM_OF))].map(async (teamId) => cycles.set(teamId, ok(await api.call('POST', '/review-cycles', { as: 'admin', body: { period: LAST_MONTH, teamId } }), 'cycle').id as string)),
    );
    const cycle = await byOwner(async (o) => cycles.get(TEAM_OF[o])!);
    const scorecard = await byOwner(async (o) =>
      eventually(async () => {
        const cards = (await api.call('GET', `/scorecards?userId=${OWNER[o]}&limit=100`, { as: 'admin' })).body?.items as any[] | undefined;
        return cards?.find((c) => c.cycleId === cycle[o] && c.status === 'scored')?.id as string | undefined;
      }, `scorecard of ${OWNER[o]}`, 60_000),
    );
    const plan = await byOwner(async (o) => {
      const at = new Date().toISOString();
      const p = { id: newId(), cycleId: cycle[o], period: LAST_MONTH, userId: OWNER[o], ownerId: MANAGER_OF[o], rating: 1, actions: ['Weekly pipeline review'], dueAt: new Date(Date.now() + 60 * DAY).toISOString(), checkpoints: [], status: 'open' as const, createdAt: at, updatedAt: at };
      await api.db.doc.send(new PutCommand({ TableName: api.db.tableName, Item: planItem(p) }));
      return p.id;
    });
    return { cycle, scorecard, plan };
  });

  const training = stage(t, 'course, enrolments', async () => {
    const course = await b.course();
    const enrolment = await byOwner(async (o) => ok(await api.call('POST', `/courses/${course}/enrolments`, { as: OWNER[o], body: { userId: OWNER[o] } }), 'enrolment').id as string);
    return { course, enrolment };
  });

  // A badge for each owner leaves a notification in their feed.
  const notification = stage(t, 'notifications', () =>
    byOwner(async (o) => {
      ok(await api.call('POST', '/recognitions', { as: 'admin', body: { userId: OWNER[o], badge: 'team_player', reason: 'Helped onboard' } }), 'recognition');
      const items = ok(await api.call('GET', '/notifications?limit=1', { as: OWNER[o] }), 'notifications').items as any[];
      return items[0].id as string;
    }),
  );

  // Imports are started by managers: each owner's manager imports one customer for them.
  const importJob = stage(t, 'imports', () =>
    byOwner(async (o) =>
      ok(await api.call('POST', '/imports/customers', { as: MANAGER_OF[o], rawBody: `name,ownerId\n${unique('Imported Co')},${OWNER[o]}\n`, headers: { 'content-type': 'text/csv' } }), 'import').id as string,
    ),
  );

  const duplicate = stage(t, 'duplicates', () => byOwner((o) => b.duplicate(OWNER[o])));
  const partner = stage(t, 'partner', async () =>
    ok(await api.call('POST', '/partners', { as: 'manager-east-enterprise', body: { name: 'Matrix Channel', type: 'channel', criteria: { marketOverlap: 8, capability: 8, reputation: 8, financialHealth: 8, strategicFit: 8 } } }), 'partner').id as string,
  );
  // A commission plan with every owner on it (their statements exist), and an incentive for each owner.
  const commissionPlan = stage(t, 'commission plan, incentives', async () => {
    const id = ok(
      await api.call('POST', '/commission-plans', { as: 'finance', body: { name: 'Matrix plan', period: LAST_MONTH, baseRate: 0.02, bands: [{ fromAttainment: 0, toAttainment: null, rate: 0.03 }], mode: 'tiered', clawbackDays: 90 } }),
      'commission plan',
    ).id as string;
    await byOwner(async (o) => ok(await api.call('POST', `/commission-plans/${id}/assignments`, { as: 'finance', body: { userId: OWNER[o] } }), 'assignment'));
    await byOwner(async (o) => ok(await api.call('POST', '/incentives', { as: 'admin', body: { userId: OWNER[o], metric: 'orders', goal: 3, reward: 'Team lunch', period: '2026-Q4' } }), 'incentive'));
    return id;
  });

  const [[deal, order, ticket], approvals, alerts, { companyTarget, target }, collabs, { cycle, scorecard, plan }, { course, enrolment }, notifications, imports, duplicates, partnerId, planId] =
    await Promise.all([records, approval, alert, targets, collab, reviews, training, notification, importJob, duplicate, partner, commissionPlan]);
  const uploadRes = await api.call('POST', '/imports/uploads', { as: 'manager-east-enterprise', body: { kind: 'customers' } });
  console.log('fixture stages (ms)', JSON.stringify(t));
  return {
    customer, deal, order, ticket, alert: alerts, approval: approvals, target, collab: collabs, scorecard, plan, enrolment, notification: notifications, import: imports, duplicate: duplicates, cycle, course,
    partner: partnerId, commissionPlan: planId, companyTarget, upload: uploadRes.status === 201 ? uploadRes.body.id : undefined,
  };
}
