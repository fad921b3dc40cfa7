import { access, type Access } from './authz-access.ts';
import { builders, DAY, LAST_MONTH, OWNER, TEAM_OF, TODAY, type Api, type Fixtures, type Ownership, type RoleName } from './authz-fixtures.ts';

export interface Ctx {
  api: Api;
  fx: Fixtures;
  b: ReturnType<typeof builders>;
  /** null for operations that name no record. */
  o: Ownership | null;
  role: RoleName;
  caller: string;
}

/**
 * One operation of /openapi.json. `path` fills the path parameters with the record of the cell's ownership (given, the
 * operation varies by ownership); `fresh` gives allowed cells a record of their own when a success changes the
 * record (archive, a decision, a refund); `conflictOk` counts a 409 on an allowed cell as past the authorization check
 * (the state, e.g. "already assessed", refused, not the caller).
 */
export interface Expectation {
  access: Access;
  path?: (c: Ctx) => string;
  query?: (c: Ctx) => string;
  body?: (c: Ctx) => unknown;
  /** The ETag to send as If-Match, read just before the call (by admin) from this path. */
  ifMatchFrom?: (c: Ctx) => string;
  fresh?: (c: Ctx) => Promise<string>;
  conflictOk?: boolean;
  csv?: (c: Ctx) => string;
  /** Operations that take no record still vary by ownership when the body or query names one (customerId, userId). */
  byOwner?: boolean;
  /** A body reference out of scope answers 400 naming the field ("does not exist", as for an unknown id): a refusal. */
  refusalField?: string;
  /** A list filtered by a person or record: out of scope answers 200 with no items, which is the refusal. */
  emptyIsRefusal?: boolean;
}

const o = (c: Ctx) => c.o ?? 'own';
const owner = (c: Ctx) => OWNER[o(c)];
let serial = 0;
const uniq = (p: string) => `${p}-${Date.now().toString(36)}-${(serial++).toString(36)}`;
const soon = () => new Date(Date.now() + 2 * DAY).toISOString();

/** An admin-only PUT of a versioned document: If-Match from its GET. */
const adminPut = (path: string): Expectation => ({ access: access.adminOnly, ifMatchFrom: () => path });

/** The body of a policy PUT: the policy in force, sent back unchanged. */
async function policyBody(api: Api, path: string) {
  const res = await api.call('GET', path, { as: 'admin' });
  const { version: _v, updatedAt: _u, updatedBy: _b, ...rest } = res.body;
  return rest.policy ?? rest;
}

export function expectations(): Record<string, Expectation> {
  const customer = (c: Ctx) => c.fx.customer[o(c)];
  const dealPath = (c: Ctx) => `/deals/${c.fx.deal[o(c)]}`;
  const userPath = (c: Ctx) => `/users/${owner(c)}`;
  const targetPath = (c: Ctx) => `/targets/${c.fx.target[o(c)]}`;
  const collabPath = (c: Ctx) => `/collab-requests/${c.fx.collab[o(c)]}`;
  const policy = (path: string): Expectation => ({ ...adminPut(path), body: (c) => policyBody(c.api, path) });

  return {
    'GET /health': { access: access.public },
    'POST /dev/token': { access: access.public, body: () => ({ userId: 'rep-east-enterprise-1' }) },
    'GET /me': { access: access.signedIn },
    'GET /users': { access: access.signedIn },
    'POST /users': { access: access.adminOnly, body: () => ({ id: uniq('mx-user'), name: 'Matrix User', email: `${uniq('mx')}@pentad.example`, roles: ['rep'], teamId: 'east-enterprise' }) },
    'GET /users/{id}': { access: access.scopedRead, path: userPath },
    'PATCH /users/{id}': { access: access.adminOnly, path: userPath, body: () => ({ email: `${uniq('mx')}@pentad.example` }), ifMatchFrom: userPath },
    'GET /teams': { access: access.signedIn },
    'POST /teams': { access: access.adminOnly, body: () => ({ id: uniq('mx-team'), name: 'Matrix Team', regionId: 'east' }) },
    'PATCH /teams/{id}': { access: access.adminOnly, path: (c) => `/teams/${TEAM_OF[o(c)]}`, body: () => ({ name: `Team ${uniq('n')}` }), ifMatchFrom: (c) => `/teams/${TEAM_OF[o(c)]}` },
    'GET /teams/{id}': { access: access.teamRead, path: (c) => `/teams/${TEAM_OF[o(c)]}` },
    'GET /regions': { access: access.signedIn },
    'POST /regions': { access: access.adminOnly, body: () => ({ id: uniq('mx-region'), name: 'Matrix Region' }) },
    'GET /product-lines': { access: access.signedIn },
    'POST /product-lines': { access: access.adminOnly, body: () => ({ id: uniq('mx-pl'), name: 'Matrix Line' }) },

    'POST /customers': { access: access.scopedWrite, byOwner: true, query: () => '?allowDuplicate=true', body: (c) => ({ name: uniq('Matrix Buyer'), ownerId: owner(c) }) },
    'GET /customers': { access: access.signedIn },
    'GET /customers/{id}': { access: access.scopedRead, path: (c) => `/customers/${customer(c)}` },
    'PATCH /customers/{id}': { access: access.scopedWrite, path: (c) => `/customers/${customer(c)}`, body: () => ({ industry: `Retail ${uniq('i')}` }), ifMatchFrom: (c) => `/customers/${customer(c)}` },
    'POST /customers/{id}/archive': { access: access.scopedWrite, path: (c) => `/customers/${customer(c)}/archive`, fresh: async (c) => `/customers/${await c.b.customer(owner(c))}/archive` },
    'GET /audit': { access: access.scopedRead, byOwner: true, query: (c) => `?entityType=customer&entityId=${customer(c)}` },

    'POST /deals': { access: access.scopedWrite, byOwner: true, refusalField: 'customerId', body: (c) => ({ customerId: customer(c), title: uniq('Matrix deal'), amount: 10_000, productLineId: 'crm-suite', expectedCloseDate: '2026-12-31' }) },
    'GET /deals': { access: access.signedIn },
    'GET /deals/{id}': { access: access.scopedRead, path: dealPath },
    'PATCH /deals/{id}': { access: access.scopedWrite, path: dealPath, body: () => ({ title: uniq('Renamed deal') }), ifMatchFrom: dealPath },
    'POST /deals/{id}/stage': {
      access: access.scopedWrite,
      path: (c) => `${dealPath(c)}/stage`,
      body: async (c) => ({ stage: (await c.api.call('GET', '/pipeline', { as: 'admin' })).body.stages[1].id }),
      fresh: async (c) => `/deals/${await c.b.deal(owner(c))}/stage`,
    },
    'GET /pipeline': { access: access.signedIn },
    'PUT /pipeline': {
      ...adminPut('/pipeline'),
      body: async (c) => ({ stages: ((await c.api.call('GET', '/pipeline', { as: 'admin' })).body.stages as any[]).map(({ id, name, probability, requires }) => ({ id, name, probability, requires })) }),
    },
    'GET /customers/{id}/orders': { access: access.scopedRead, path: (c) => `/customers/${customer(c)}/orders` },
    'POST /customers/{id}/orders': { access: access.scopedWrite, path: (c) => `/customers/${customer(c)}/orders`, body: () => ({ amount: 10_000, date: TODAY, productLineId: 'analytics' }) },
    'GET /reports/funnel': { access: access.signedIn },
    'GET /reports/stage-times': { access: access.signedIn },

    'GET /approval-policy': { access: access.signedIn },
    'PUT /approval-policy': policy('/approval-policy'),
    'POST /approval-policy/preview': { access: access.scopedRead, byOwner: true, body: (c) => ({ dealId: c.fx.deal[o(c)] }) },
    'POST /deals/{id}/approvals': { access: access.scopedWrite, conflictOk: true, path: (c) => `${dealPath(c)}/approvals`, body: () => ({ reason: 'Strategic logo' }), fresh: async (c) => `/deals/${await c.b.deal(owner(c), 30_000_000)}/approvals` },
    'GET /approvals': { access: access.signedIn, query: () => '?inbox=mine' },
    'GET /approvals/{id}': { access: access.scopedRead, path: (c) => `/approvals/${c.fx.approval[o(c)]}` },
    'POST /approvals/{id}/decisions': {
      access: access.firstApprover,
      path: (c) => `/approvals/${c.fx.approval[o(c)]}/decisions`,
      body: () => ({ decision: 'approve', comment: 'OK' }),
      fresh: async (c) => `/approvals/${await c.b.approvalReady(owner(c))}/decisions`,
    },
    'POST /approvals/{id}/recall': { access: access.self, path: (c) => `/approvals/${c.fx.approval[o(c)]}/recall`, fresh: async (c) => `/approvals/${await c.b.approvalReady(owner(c))}/recall` },
    'PUT /users/{id}/delegation': { access: access.selfOrAdmin, path: (c) => `${userPath(c)}/delegation`, body: () => ({ delegateId: null }) },
    'GET /reports/approval-times': { access: access.notRep },
    'GET /notifications': { access: access.signedIn },
    'POST /notifications/{id}/read': { access: access.self, path: (c) => `/notifications/${c.fx.notification[o(c)]}/read` },

    'PUT /customers/{id}/risk': { access: access.scopedWrite, path: (c) => `/customers/${customer(c)}/risk`, body: () => ({ industryRisk: 'low', financialRisk: 'low', supplyChainRisk: 'medium' }) },
    'GET /customers/{id}/health': { access: access.scopedRead, path: (c) => `/customers/${customer(c)}/health` },
    'GET /churn-policy': { access: access.signedIn },
    'PUT /churn-policy': policy('/churn-policy'),
    'GET /churn/alerts': { access: access.signedIn },
    'GET /churn/alerts/{id}': { access: access.scopedRead, path: (c) => `/churn/alerts/${c.fx.alert[o(c)]}` },
    'POST /churn/alerts/{id}/actions': { access: access.scopedWrite, path: (c) => `/churn/alerts/${c.fx.alert[o(c)]}/actions`, body: () => ({ type: 'call', note: 'Called the buyer' }) },
    'POST /churn/alerts/{id}/outcome': { access: access.scopedWrite, path: (c) => `/churn/alerts/${c.fx.alert[o(c)]}/outcome`, body: () => ({ outcome: 'still_at_risk', reason: 'Budget freeze' }), conflictOk: true },
    'GET /reports/churn': { access: access.notRep },
    'GET /jobs': { access: access.notRep },
    'POST /jobs/{name}/run': { access: access.adminOnly, byOwner: false, path: () => '/jobs/daily-goal-pace/run' },

    'GET /customers/{id}/grade': { access: access.scopedRead, path: (c) => `/customers/${customer(c)}/grade` },
    'PUT /customers/{id}/tier': { access: access.adminOnly, path: (c) => `/customers/${customer(c)}/tier`, body: () => ({ tier: 'B', reason: 'Key account' }) },
    'DELETE /customers/{id}/tier': { access: access.adminOnly, path: (c) => `/customers/${customer(c)}/tier` },
    'GET /grading-policy': { access: access.signedIn },
    'PUT /grading-policy': policy('/grading-policy'),
    'GET /care-policy': { access: access.signedIn },
    'PUT /care-policy': policy('/care-policy'),
    'POST /customers/{id}/interactions': { access: access.scopedWrite, path: (c) => `/customers/${customer(c)}/interactions`, body: () => ({ type: 'call', at: new Date().toISOString(), note: 'Check-in' }) },
    'GET /customers/{id}/interactions': { access: access.scopedRead, path: (c) => `/customers/${customer(c)}/interactions` },
    'GET /follow-ups': { access: access.signedIn },
    'GET /care/reminders': { access: access.signedIn },
    'POST /customers/{id}/tickets': { access: access.scopedWrite, path: (c) => `/customers/${customer(c)}/tickets`, body: () => ({ type: 'question', severity: 'low', subject: 'Invoice copy' }) },
    'GET /customers/{id}/tickets': { access: access.scopedRead, path: (c) => `/customers/${customer(c)}/tickets` },
    'GET /tickets/{id}': { access: access.scopedRead, path: (c) => `/tickets/${c.fx.ticket[o(c)]}` },
    'PATCH /tickets/{id}': {
      access: access.scopedWrite,
      path: (c) => `/tickets/${c.fx.ticket[o(c)]}`,
      body: () => ({ status: 'in_progress' }),
      ifMatchFrom: (c) => `/tickets/${c.fx.ticket[o(c)]}`,
      fresh: async (c) => `/tickets/${await c.b.ticket(owner(c))}`,
    },
    'POST /customers/{id}/surveys': { access: access.scopedWrite, path: (c) => `/customers/${customer(c)}/surveys`, body: () => ({ type: 'nps', score: 9 }) },
    'GET /reports/nps': { access: access.scopedRead, byOwner: true, query: (c) => `?customerId=${customer(c)}` },

    'POST /partners': { access: access.roles('manager', 'director', 'vp', 'admin'), body: () => ({ name: uniq('Partner'), type: 'reseller', criteria: { marketOverlap: 5, capability: 5, reputation: 5, financialHealth: 5, strategicFit: 5 } }) },
    'GET /partners': { access: access.signedIn },
    'GET /partners/{id}': { access: access.signedIn, byOwner: false, path: (c) => `/partners/${c.fx.partner}` },

    'POST /targets': { access: access.roles('vp', 'admin'), body: () => ({ fiscalYear: 2030 + (serial++ % 60), amount: 1_000_000, tiers: { base: 1_000_000, sprint: 1_100_000, challenge: 1_200_000 } }), conflictOk: true },
    'GET /targets': { access: access.signedIn, query: () => '?fiscalYear=2026' },
    'GET /targets/{id}': { access: access.scopedRead, path: targetPath },
    'POST /targets/{id}/allocations': { access: access.scopedRoles('manager', 'director', 'vp', 'admin'), path: (c) => `${targetPath(c)}/allocations`, body: () => ({ dimension: 'quarter', method: 'even' }), conflictOk: true },
    'GET /targets/{id}/progress': { access: access.scopedRead, path: (c) => `${targetPath(c)}/progress` },
    'POST /targets/{id}/revisions': {
      access: access.selfOrAbove,
      path: (c) => `${targetPath(c)}/revisions`,
      body: () => ({ newAmount: 900_000_000, reason: 'market_demand', evidence: 'Two large accounts slipped to next year', effectiveFrom: TODAY }),
      conflictOk: true,
    },
    'GET /targets/{id}/revisions': { access: access.scopedRead, path: (c) => `${targetPath(c)}/revisions` },
    'GET /targets/{id}/versions': { access: access.scopedRead, path: (c) => `${targetPath(c)}/versions` },
    'GET /forecasts/{period}/{scope}': { access: access.scopedRead, path: (c) => `/forecasts/2026-Q4/rep:${owner(c)}` },
    'PUT /forecasts/{period}/{scope}': {
      access: access.selfOrAbove,
      path: (c) => `/forecasts/2026-Q4/rep:${owner(c)}`,
      body: () => ({ amount: 5_000_000, note: 'Two deals moved to commit' }),
      ifMatchFrom: (c) => `/forecasts/2026-Q4/rep:${owner(c)}`,
    },
    'GET /dashboard': { access: access.signedIn, query: () => '?period=2026-Q4&scope=me' },
    'GET /goal-policy': { access: access.signedIn },
    'PUT /goal-policy': policy('/goal-policy'),

    'POST /courses': { access: access.roles('manager', 'director', 'vp', 'admin'), body: () => ({ title: uniq('Course'), category: 'sales_skills', requiredForRoles: [], hours: 1 }) },
    'GET /courses': { access: access.signedIn },
    'POST /courses/{id}/enrolments': {
      access: access.selfOrAbove,
      byOwner: true,
      path: (c) => `/courses/${c.fx.course}/enrolments`,
      body: (c) => ({ userId: owner(c) }),
      fresh: async (c) => `/courses/${await c.b.course()}/enrolments`,
    },
    'POST /enrolments/{id}/completion': { access: access.selfOrManager, path: (c) => `/enrolments/${c.fx.enrolment[o(c)]}/completion`, body: () => ({ score: 20 }), conflictOk: true },
    'GET /users/{id}/training': { access: access.scopedRead, path: (c) => `${userPath(c)}/training` },
    'GET /reports/training-compliance': { access: access.teamLeads, byOwner: true, query: (c) => `?teamId=${TEAM_OF[o(c)]}` },

    'POST /collab-requests': { access: access.roles('rep', 'manager', 'director', 'vp'), body: () => ({ toDepartment: 'legal', subject: 'NDA', detail: 'Mutual NDA please', dueAt: soon() }) },
    'GET /collab-requests': { access: access.signedIn, query: () => '?mine=true' },
    'GET /collab-requests/{id}': { access: access.requesterOrOrg, path: collabPath },
    'POST /collab-requests/{id}/status': { access: access.nobody, path: (c) => `${collabPath(c)}/status`, body: () => ({ status: 'accepted' }) },
    'GET /collab-requests/{id}/comments': { access: access.requesterOrOrg, path: (c) => `${collabPath(c)}/comments` },
    'POST /collab-requests/{id}/comments': { access: access.requesterOrOrg, path: (c) => `${collabPath(c)}/comments`, body: () => ({ text: 'Any news?' }) },
    'POST /collab-requests/{id}/feedback': { access: access.self, path: (c) => `${collabPath(c)}/feedback`, body: () => ({ rating: 4 }), conflictOk: true },
    'GET /reports/collab-resolution': { access: access.notRep },

    'POST /recognitions': { access: access.scopedRoles('manager', 'director', 'vp', 'admin'), byOwner: true, body: (c) => ({ userId: owner(c), badge: 'mentor', reason: 'Coached the new hires' }) },
    'GET /users/{id}/recognitions': { access: access.scopedRead, path: (c) => `${userPath(c)}/recognitions` },
    'GET /leaderboard': { access: access.teamRead, byOwner: true, query: (c) => `?period=2026-Q4&metric=won_amount&scope=team:${TEAM_OF[o(c)]}` },
    'POST /incentives': { access: access.scopedRoles('manager', 'director', 'vp', 'admin'), byOwner: true, body: (c) => ({ userId: owner(c), metric: 'orders', goal: 5, reward: 'Dinner', period: '2026-Q4' }) },
    'GET /incentives': { access: access.scopedRead, byOwner: true, emptyIsRefusal: true, query: (c) => `?userId=${owner(c)}` },

    'POST /commission-plans': {
      access: access.roles('admin', 'finance', 'vp'),
      body: () => ({ name: uniq('Plan'), period: '2026-Q4', baseRate: 0.02, bands: [{ fromAttainment: 0, toAttainment: null, rate: 0.03 }], mode: 'tiered', clawbackDays: 30 }),
    },
    'GET /commission-plans': { access: access.signedIn },
    'GET /commission-plans/{id}': { access: access.signedIn, byOwner: false, path: (c) => `/commission-plans/${c.fx.commissionPlan}` },
    'POST /commission-plans/{id}/assignments': { access: access.roles('admin', 'finance', 'vp'), byOwner: true, path: (c) => `/commission-plans/${c.fx.commissionPlan}/assignments`, body: (c) => ({ userId: owner(c) }), conflictOk: true },
    'GET /users/{id}/commission': { access: access.scopedRead, path: (c) => `${userPath(c)}/commission`, query: () => `?period=${LAST_MONTH}` },
    'POST /customers/{id}/orders/{orderId}/refund': {
      access: access.roles('finance', 'admin'),
      path: (c) => `/customers/${customer(c)}/orders/${c.fx.order[o(c)]}/refund`,
      body: () => ({ reason: 'Returned goods' }),
      fresh: async (c) => `/customers/${customer(c)}/orders/${await c.b.order(owner(c), customer(c))}/refund`,
    },

    'GET /review-policy': { access: access.signedIn },
    'PUT /review-policy': policy('/review-policy'),
    'POST /review-cycles': { access: access.adminOnly, body: () => ({ period: LAST_MONTH, teamId: 'south-commercial' }), conflictOk: true },
    'GET /review-cycles/{id}': { access: access.teamLeads, path: (c) => `/review-cycles/${c.fx.cycle[o(c)]}` },
    'GET /scorecards': { access: access.scopedRead, byOwner: true, emptyIsRefusal: true, query: (c) => `?userId=${owner(c)}` },
    'POST /scorecards/{id}/assessment': {
      access: access.firstApprover,
      path: (c) => `/scorecards/${c.fx.scorecard[o(c)]}/assessment`,
      body: () => ({ comment: 'Discussed in 1:1', ratingAdjustment: 0, goalsNextPeriod: ['Two new logos'] }),
      conflictOk: true,
    },
    'POST /scorecards/{id}/acknowledgement': { access: access.self, path: (c) => `/scorecards/${c.fx.scorecard[o(c)]}/acknowledgement`, body: () => ({ comment: 'Seen' }), conflictOk: true },
    'GET /improvement-plans': { access: access.scopedRead, byOwner: true, emptyIsRefusal: true, query: (c) => `?userId=${owner(c)}` },
    'POST /improvement-plans/{id}/checkpoints': { access: access.scopedRead, path: (c) => `/improvement-plans/${c.fx.plan[o(c)]}/checkpoints`, body: () => ({ note: 'Weekly review held', status: 'on_track' }) },
    'GET /reports/attainment': { access: access.signedIn, query: () => '?period=2026&dimension=rep' },
    'GET /reports/win-loss': { access: access.signedIn },
    'GET /reports/stale-deals': { access: access.signedIn, query: () => '?days=1' },
    'GET /reports/follow-up-compliance': { access: access.signedIn, query: () => `?period=${LAST_MONTH}` },

    'POST /imports/customers': { access: access.roles('manager', 'director', 'vp', 'admin'), csv: () => `name\n${uniq('Imported Buyer')}\n` },
    'POST /imports/orders': { access: access.roles('manager', 'director', 'vp', 'admin', 'finance'), csv: (c) => `externalOrderId,customerId,amount,date,productLineId\n${uniq('ext')},${c.fx.customer.own},1000,${TODAY},crm-suite\n` },
    // Uploads need an upload store; without one (testApi passes none) they answer 503 before any check.
    'POST /imports/uploads': { access: access.roles('manager', 'director', 'vp', 'admin'), body: () => ({ kind: 'customers' }) },
    'POST /imports/uploads/{id}/start': { access: access.roles('manager'), byOwner: false, conflictOk: true, path: (c) => `/imports/uploads/${c.fx.upload ?? '01UPLOADNOTCONFIGURED0000'}/start` },
    'GET /imports/{id}': { access: access.creatorOrOrg, path: (c) => `/imports/${c.fx.import[o(c)]}` },
    'GET /data-quality/duplicates': { access: access.signedIn },
    'POST /data-quality/duplicates/{id}/merge': {
      access: access.scopedRoles('manager', 'director', 'vp', 'admin'),
      path: (c) => `/data-quality/duplicates/${c.fx.duplicate[o(c)].id}/merge`,
      body: (c) => ({ keepId: c.fx.duplicate[o(c)].keepId }),
      fresh: async (c) => {
        const pair = await c.b.duplicate(owner(c));
        (c as Ctx & { freshBody?: unknown }).freshBody = { keepId: pair.keepId };
        return `/data-quality/duplicates/${pair.id}/merge`;
      },
    },
  };
}
