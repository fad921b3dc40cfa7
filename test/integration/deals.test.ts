import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { testApi } from '#test/support/api';
import { systemClock } from '#shared/core/clock';
import { Session } from '#shared/core/session';
import { createDealService } from '#shared/process/service';
import type { Db } from '#shared/core/db';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

const REP = 'rep-east-enterprise-1';
const TEAMMATE = 'rep-east-enterprise-2';
const OTHER_TEAM_REP = 'rep-east-commercial-1';
const OTHER_REGION_REP = 'rep-south-enterprise-1';
const MANAGER = 'manager-east-enterprise';

/** Each demo rep has five customers: tiers A, B, C, C, D. */
const customers = new Map<string, Record<string, string[]>>();
async function customerOf(rep: string, tier: 'A' | 'B' | 'C' | 'D', n = 0): Promise<string> {
  if (!customers.has(rep)) {
    const res = await api.call('GET', '/customers?limit=10', { as: rep });
    const byTier: Record<string, string[]> = {};
    for (const c of res.body.items) (byTier[c.tier] ??= []).push(c.id);
    customers.set(rep, byTier);
  }
  return customers.get(rep)![tier]![n]!;
}

const trips = (res: { headers: Headers }) => Number(/desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '')?.[1]);

async function newDeal(as: string, extra: Record<string, unknown> = {}, tier: 'A' | 'B' | 'C' | 'D' = 'C') {
  const res = await api.call('POST', '/deals', { as, body: { customerId: await customerOf(as, tier), title: 'Deal', productLineId: 'crm-suite', ...extra } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const move = (as: string, id: string, stage: string, reason?: string) => api.call('POST', `/deals/${id}/stage`, { as, body: { stage, ...(reason ? { reason } : {}) } });

async function moveAll(as: string, id: string, stages: string[]) {
  for (const stage of stages) {
    const res = await move(as, id, stage);
    expect(res.status, `${stage}: ${JSON.stringify(res.body)}`).toBe(200);
  }
}

/** Writes on the deal item directly, as the approvals engine does. */
const setOnDeal = (id: string, expression: string, values?: Record<string, unknown>) =>
  api.db.doc.send(new UpdateCommand({ TableName: api.db.tableName, Key: { PK: `DEAL#${id}`, SK: 'PROFILE' }, UpdateExpression: expression, ExpressionAttributeValues: values }));

beforeAll(async () => {
  api = await testApi({ demo: true });
});

describe('deals: create and read', () => {
  it('a rep opens a deal they own, in their team and region, at the first stage, with its first history entry', async () => {
    const customerId = await customerOf(REP, 'C');
    const res = await api.call('POST', '/deals', {
      as: REP,
      body: { customerId, title: 'CRM rollout', amount: 1_250_000, productLineId: 'crm-suite', expectedCloseDate: '2026-09-30', discountPct: 5 },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      customerId,
      customerTier: 'C',
      title: 'CRM rollout',
      amount: 1_250_000,
      currency: 'CNY',
      discountPct: 5,
      paymentTermsDays: 30,
      ownerId: REP,
      teamId: 'east-enterprise',
      regionId: 'east',
      stage: 'lead',
      probability: 10,
      status: 'open',
      forecastCategory: 'pipeline',
      createdBy: REP,
      version: 1,
    });
    expect(res.headers.get('etag')).toBe('"1"');
    const read = await api.call('GET', `/deals/${res.body.id}`, { as: REP });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.body.history).toEqual([{ from: null, to: 'lead', at: res.body.createdAt, by: REP, amount: 1_250_000, currency: 'CNY', secondsInStage: null }]);
  });

  it('is visible to the owner’s manager, director and org-wide roles, and 404 to everyone else', async () => {
    const deal = await newDeal(REP);
    for (const insider of [REP, MANAGER, 'director-east', 'vp', 'finance', 'admin']) {
      expect((await api.call('GET', `/deals/${deal.id}`, { as: insider })).status, insider).toBe(200);
    }
    for (const outsider of [TEAMMATE, OTHER_TEAM_REP, OTHER_REGION_REP, 'manager-east-commercial', 'director-south']) {
      const res = await api.call('GET', `/deals/${deal.id}`, { as: outsider });
      expect(res.status, outsider).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('rejects bad input and server-owned fields, naming each field, and writes nothing', async () => {
    const customerId = await customerOf(REP, 'C');
    const base = { customerId, title: 'Bad', productLineId: 'crm-suite' };
    const cases: [string, Record<string, unknown>, string][] = [
      ['amount 0', { amount: 0 }, 'amount'],
      ['fractional amount', { amount: 10.5 }, 'amount'],
      ['unknown currency', { currency: 'XYZ' }, 'currency'],
      ['lower-case currency', { currency: 'cny' }, 'currency'],
      ['impossible date', { expectedCloseDate: '2026-02-30' }, 'expectedCloseDate'],
      ['discount over 100', { discountPct: 101 }, 'discountPct'],
      ['payment terms over 3650', { paymentTermsDays: 4000 }, 'paymentTermsDays'],
      ['title too long', { title: 'x'.repeat(300) }, 'title'],
      ['server-owned stage', { stage: 'won' }, 'stage'],
      ['server-owned status', { status: 'won' }, 'status'],
      ['server-owned teamId', { teamId: 'east-commercial' }, 'teamId'],
      ['server-owned regionId', { regionId: 'south' }, 'regionId'],
      ['server-owned version', { version: 7 }, 'version'],
      ['server-owned lock', { lockedByApprovalId: 'x' }, 'lockedByApprovalId'],
      ['server-owned approval', { approval: { status: 'APPROVED' } }, 'approval'],
      ['server-owned forecast', { forecastCategory: 'commit' }, 'forecastCategory'],
    ];
    const before = (await api.call('GET', '/deals?limit=100', { as: REP })).body.items.length;
    for (const [label, extra, field] of cases) {
      const res = await api.call('POST', '/deals', { as: REP, body: { ...base, ...extra } });
      expect(res.status, label).toBe(400);
      expect(Object.keys(res.body.error.fields ?? {}), label).toContain(field);
    }
    const missing = await api.call('POST', '/deals', { as: REP, body: { title: 'No customer', productLineId: 'crm-suite' } });
    expect(Object.keys(missing.body.error.fields)).toContain('customerId');
    const noLine = await api.call('POST', '/deals', { as: REP, body: { ...base, productLineId: 'no-such-line' } });
    expect(noLine.status).toBe(400);
    expect(noLine.body.error.fields.productLineId).toBeDefined();
    const othersCustomer = await api.call('POST', '/deals', { as: REP, body: { ...base, customerId: await customerOf(TEAMMATE, 'C') } });
    expect(othersCustomer.status).toBe(400);
    expect(othersCustomer.body.error.fields.customerId).toBeDefined();
    expect((await api.call('GET', '/deals?limit=100', { as: REP })).body.items.length).toBe(before);
  });

  it('finance cannot open deals; a rep cannot give one away; a manager opens one for a teammate but not outside the team', async () => {
    const customerId = await customerOf(REP, 'C');
    expect((await api.call('POST', '/deals', { as: 'finance', body: { customerId, title: 'F', productLineId: 'crm-suite' } })).status).toBe(403);
    expect((await api.call('POST', '/deals', { as: REP, body: { customerId, title: 'Gift', productLineId: 'crm-suite', ownerId: TEAMMATE } })).status).toBe(403);
    const forTeammate = await api.call('POST', '/deals', { as: MANAGER, body: { customerId, title: 'Team deal', productLineId: 'analytics', ownerId: TEAMMATE } });
    expect(forTeammate.status).toBe(201);
    expect(forTeammate.body).toMatchObject({ ownerId: TEAMMATE, teamId: 'east-enterprise', regionId: 'east', createdBy: MANAGER });
    const outside = await api.call('POST', '/deals', { as: MANAGER, body: { customerId, title: 'Elsewhere', productLineId: 'crm-suite', ownerId: OTHER_TEAM_REP } });
    expect(outside.status).toBe(403);
  });

  it('refuses a deal on an archived customer (409)', async () => {
    const customer = await api.call('POST', '/customers', { as: REP, body: { name: 'Soon archived' } });
    await api.call('POST', `/customers/${customer.body.id}/archive`, { as: REP });
    const res = await api.call('POST', '/deals', { as: REP, body: { customerId: customer.body.id, title: 'Late', productLineId: 'crm-suite' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('customer_archived');
  });

  it('Idempotency-Key: a repeat replays the first deal; another body under the key is a 422', async () => {
    const body = { customerId: await customerOf(TEAMMATE, 'C'), title: 'Idempotent deal', productLineId: 'crm-suite', amount: 990_000 };
    const first = await api.call('POST', '/deals', { as: TEAMMATE, body, headers: { 'idempotency-key': 'deal-idem-0001' } });
    const second = await api.call('POST', '/deals', { as: TEAMMATE, body, headers: { 'idempotency-key': 'deal-idem-0001' } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const parallel = await Promise.all(
      Array.from({ length: 6 }, () => api.call('POST', '/deals', { as: TEAMMATE, body: { ...body, title: 'Parallel deal' }, headers: { 'idempotency-key': 'deal-idem-0002' } })),
    );
    expect(parallel.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(parallel.map((r) => r.body.id)).size).toBe(1);
    const mine = (await api.call('GET', '/deals?limit=100', { as: TEAMMATE })).body.items;
    expect(mine.filter((d: any) => d.title === 'Idempotent deal')).toHaveLength(1);
    expect(mine.filter((d: any) => d.title === 'Parallel deal')).toHaveLength(1);
    const reused = await api.call('POST', '/deals', { as: TEAMMATE, body: { ...body, amount: 1 }, headers: { 'idempotency-key': 'deal-idem-0001' } });
    expect(reused.status).toBe(422);
  });
});

describe('deals: the scoped list', () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    ids = {
      rep: (await newDeal(REP, { title: 'List rep' })).id,
      teammate: (await newDeal(TEAMMATE, { title: 'List teammate' })).id,
      otherTeam: (await newDeal(OTHER_TEAM_REP, { title: 'List other team' })).id,
      otherRegion: (await newDeal(OTHER_REGION_REP, { title: 'List other region' })).id,
    };
    await moveAll(REP, ids.rep!, ['qualified']);
  });

  async function listAll(as: string, query = '') {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await api.call('GET', `/deals?limit=3${query}${cursor ? `&cursor=${cursor}` : ''}`, { as });
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  it('a rep sees their own, a manager the team, a director the region, the vp everything (across pages)', async () => {
    const own = await listAll(REP);
    expect(new Set(own.map((d) => d.ownerId))).toEqual(new Set([REP]));
    expect(own.map((d) => d.id)).toContain(ids.rep);
    const team = await listAll(MANAGER);
    expect(new Set(team.map((d) => d.teamId))).toEqual(new Set(['east-enterprise']));
    expect(team.map((d) => d.id)).toEqual(expect.arrayContaining([ids.rep, ids.teammate]));
    const region = await listAll('director-east');
    expect(new Set(region.map((d) => d.regionId))).toEqual(new Set(['east']));
    expect(region.map((d) => d.id)).toEqual(expect.arrayContaining([ids.rep, ids.teammate, ids.otherTeam]));
    expect(region.map((d) => d.id)).not.toContain(ids.otherRegion);
    const all = await listAll('vp');
    expect(all.map((d) => d.id)).toEqual(expect.arrayContaining(Object.values(ids)));
    expect((await listAll(OTHER_REGION_REP)).map((d) => d.id)).not.toContain(ids.rep);
  });

  it('filters by stage (a key prefix) and by owner only within scope', async () => {
    const qualified = await listAll(MANAGER, '&stage=qualified');
    expect(qualified.map((d) => d.id)).toContain(ids.rep);
    expect(qualified.every((d) => d.stage === 'qualified')).toBe(true);
    expect((await listAll(MANAGER, '&stage=lead')).map((d) => d.id)).not.toContain(ids.rep);
    expect((await listAll(MANAGER, `&ownerId=${TEAMMATE}`)).every((d) => d.ownerId === TEAMMATE)).toBe(true);
    expect(await listAll(MANAGER, `&ownerId=${OTHER_REGION_REP}`)).toEqual([]);
    expect(await listAll(REP, `&ownerId=${TEAMMATE}`)).toEqual([]);
    const bad = await api.call('GET', '/deals?stage=Not-A-Stage', { as: REP });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.stage).toBeDefined();
  });
});

describe('deals: PATCH with If-Match', () => {
  it('needs If-Match (412), refuses a stale one (409), answers the new version and ETag', async () => {
    const deal = await newDeal(REP, { amount: 500_000 });
    const missing = await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { title: 'Renamed' } });
    expect(missing.status).toBe(412);
    const ok = await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { title: 'Renamed', amount: 600_000, currency: 'USD', forecastCategory: 'best_case' }, headers: { 'if-match': '"1"' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ title: 'Renamed', amount: 600_000, currency: 'USD', forecastCategory: 'best_case', version: 2 });
    expect(ok.headers.get('etag')).toBe('"2"');
    const stale = await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { title: 'Again' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('version_conflict');
    expect((await api.call('GET', `/deals/${deal.id}`, { as: REP })).body).toMatchObject({ title: 'Renamed', version: 2 });
  });

  it('rejects server-owned fields and “closed” as a chosen forecast category', async () => {
    const deal = await newDeal(REP);
    for (const [field, value] of [['stage', 'won'], ['status', 'won'], ['teamId', 'x'], ['version', 3], ['lockedByApprovalId', 'a'], ['approval', {}], ['forecastCategory', 'closed']] as const) {
      const res = await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { [field]: value }, headers: { 'if-match': '"1"' } });
      expect(res.status, field).toBe(400);
      expect(Object.keys(res.body.error.fields), field).toContain(field);
    }
  });

  it('a manager reassigns within the team (team and region follow the owner); a rep cannot', async () => {
    // A customer of its own, so moving it to another rep leaves the other tests' customers alone.
    const own = await api.call('POST', '/customers', { as: REP, body: { name: 'Reassignable Co' } });
    const created = await api.call('POST', '/deals', { as: REP, body: { customerId: own.body.id, title: 'Deal', productLineId: 'crm-suite' } });
    const deal = created.body;
    expect((await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { ownerId: TEAMMATE }, headers: { 'if-match': '"1"' } })).status).toBe(403);
    expect((await api.call('PATCH', `/deals/${deal.id}`, { as: MANAGER, body: { ownerId: OTHER_TEAM_REP }, headers: { 'if-match': '"1"' } })).status).toBe(403);
    // The new owner must be able to see the deal's customer: move the customer first, then the deal.
    const outOfReach = await api.call('PATCH', `/deals/${deal.id}`, { as: 'director-east', body: { ownerId: OTHER_TEAM_REP }, headers: { 'if-match': '"1"' } });
    expect(outOfReach.status).toBe(409);
    expect(outOfReach.body.error.code).toBe('customer_out_of_reach');
    const customer = (await api.call('GET', `/deals/${deal.id}`, { as: REP })).body.customerId;
    const customerNow = await api.call('GET', `/customers/${customer}`, { as: 'director-east' });
    expect((await api.call('PATCH', `/customers/${customer}`, { as: 'director-east', body: { ownerId: OTHER_TEAM_REP }, headers: { 'if-match': customerNow.headers.get('etag')! } })).status).toBe(200);
    const moved = await api.call('PATCH', `/deals/${deal.id}`, { as: 'director-east', body: { ownerId: OTHER_TEAM_REP }, headers: { 'if-match': '"1"' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ ownerId: OTHER_TEAM_REP, teamId: 'east-commercial', regionId: 'east' });
    expect((await api.call('GET', `/deals/${deal.id}`, { as: REP })).status).toBe(404);
    expect((await api.call('GET', `/deals/${deal.id}`, { as: OTHER_TEAM_REP })).status).toBe(200);
    expect((await api.call('GET', '/deals?limit=100', { as: 'manager-east-commercial' })).body.items.map((d: any) => d.id)).toContain(deal.id);
  });

  it('is audited: who changed which field, visible to those who see the deal', async () => {
    const deal = await newDeal(REP, { amount: 100_000 });
    await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { amount: 120_000 }, headers: { 'if-match': '"1"' } });
    await move(REP, deal.id, 'qualified');
    const trail = await api.call('GET', `/audit?entityType=deal&entityId=${deal.id}`, { as: MANAGER });
    expect(trail.status).toBe(200);
    expect(trail.body.items.map((e: any) => e.action)).toEqual(['stage', 'update', 'create']);
    expect(trail.body.items[1]).toMatchObject({ actorId: REP, changes: [{ field: 'amount', before: 100_000, after: 120_000 }] });
    expect(trail.body.items[0].changes).toEqual(expect.arrayContaining([{ field: 'stage', before: 'lead', after: 'qualified' }]));
    expect((await api.call('GET', `/audit?entityType=deal&entityId=${deal.id}`, { as: OTHER_REGION_REP })).status).toBe(404);
  });
});

describe('deals: stage moves', () => {
  it('moves forward and backward, keeps every move in the history with who, when, the amount then and time in stage', async () => {
    const deal = await newDeal(REP, { amount: 700_000 });
    await moveAll(REP, deal.id, ['qualified', 'needs_analysis']);
    const blocked = await move(REP, deal.id, 'proposal');
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('stage_requirements');
    expect(blocked.body.error.fields).toEqual({ expectedCloseDate: 'Required to enter proposal' });
    const patched = await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { expectedCloseDate: '2026-12-15', amount: 800_000 }, headers: { 'if-match': '"3"' } });
    expect(patched.status).toBe(200);
    const proposal = await move(MANAGER, deal.id, 'proposal');
    expect(proposal.status).toBe(200);
    expect(proposal.body).toMatchObject({ stage: 'proposal', probability: 60, status: 'open', version: 5 });
    expect(proposal.headers.get('etag')).toBe('"5"');
    const back = await move(REP, deal.id, 'qualified', 'Customer reopened scope');
    expect(back.status).toBe(200);
    expect(back.body.probability).toBe(20);
    const read = await api.call('GET', `/deals/${deal.id}`, { as: REP });
    const history = read.body.history;
    expect(history.map((m: any) => [m.from, m.to, m.by, m.amount])).toEqual([
      [null, 'lead', REP, 700_000],
      ['lead', 'qualified', REP, 700_000],
      ['qualified', 'needs_analysis', REP, 700_000],
      ['needs_analysis', 'proposal', MANAGER, 800_000],
      ['proposal', 'qualified', REP, 800_000],
    ]);
    expect(history[4].reason).toBe('Customer reopened scope');
    for (const m of history.slice(1)) expect(m.secondsInStage).toBeGreaterThanOrEqual(0);
    expect([...history.map((m: any) => m.at)].sort()).toEqual(history.map((m: any) => m.at));
  });

  it('skipping stages forward still needs what the skipped stages need; unknown and same stages are refused', async () => {
    const deal = await newDeal(REP, { amount: 300_000 });
    const skip = await move(REP, deal.id, 'negotiation');
    expect(skip.status).toBe(409);
    expect(Object.keys(skip.body.error.fields)).toEqual(['expectedCloseDate']);
    const unknown = await move(REP, deal.id, 'closing');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields.stage).toBeDefined();
    const same = await move(REP, deal.id, 'lead');
    expect(same.status).toBe(409);
    expect(same.body.error.code).toBe('same_stage');
    expect((await move(TEAMMATE, deal.id, 'qualified')).status).toBe(404);
    expect((await move('finance', deal.id, 'qualified')).status).toBe(403);
    const stale = await api.call('POST', `/deals/${deal.id}/stage`, { as: REP, body: { stage: 'qualified' }, headers: { 'if-match': '"9"' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('version_conflict');
  });

  it('lost needs one of the listed reasons; a lost deal is final and omitted from the forecast', async () => {
    const deal = await newDeal(REP, { amount: 200_000 });
    const none = await move(REP, deal.id, 'lost');
    expect(none.status).toBe(400);
    expect(Object.keys(none.body.error.fields)).toEqual(['reason']);
    const odd = await move(REP, deal.id, 'lost', 'too expensive');
    expect(odd.status).toBe(400);
    expect(odd.body.error.fields.reason).toContain('competitor');
    const lost = await move(REP, deal.id, 'lost', 'competitor');
    expect(lost.status).toBe(200);
    expect(lost.body).toMatchObject({ stage: 'lost', status: 'lost', lostReason: 'competitor', forecastCategory: 'omitted', probability: 0 });
    expect(lost.body.closedAt).toBeDefined();
    const again = await move(REP, deal.id, 'qualified');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('deal_closed');
    const edit = await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { title: 'x' }, headers: { 'if-match': `"${lost.body.version}"` } });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('deal_closed');
  });

  it('a deal locked by an approval refuses edits and moves with deal_locked naming the approval', async () => {
    const deal = await newDeal(REP, { amount: 200_000 });
    await setOnDeal(deal.id, 'SET lockedByApprovalId = :a', { ':a': 'appr-pending-42' });
    const read = await api.call('GET', `/deals/${deal.id}`, { as: REP });
    expect(read.body.lockedByApprovalId).toBe('appr-pending-42');
    const patch = await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { amount: 1 }, headers: { 'if-match': '"1"' } });
    expect(patch.status).toBe(409);
    expect(patch.body.error.code).toBe('deal_locked');
    expect(patch.body.error.message).toContain('appr-pending-42');
    const moved = await move(REP, deal.id, 'qualified');
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('deal_locked');
    expect(moved.body.error.message).toContain('appr-pending-42');
    expect((await api.call('GET', `/deals/${deal.id}`, { as: REP })).body).toMatchObject({ amount: 200_000, stage: 'lead', version: 1 });
    await setOnDeal(deal.id, 'REMOVE lockedByApprovalId');
    expect((await move(REP, deal.id, 'qualified')).status).toBe(200);
  });

  /** A Db whose next transaction first lets `meanwhile` run, as if the approvals engine wrote between our read and our write. */
  function interleaved(meanwhile: () => Promise<unknown>): Db {
    let done = false;
    return {
      tableName: api.db.tableName,
      doc: {
        send: async (command: any) => {
          if (!done && command instanceof TransactWriteCommand) {
            done = true;
            await meanwhile();
          }
          return api.db.doc.send(command);
        },
      } as never,
    };
  }

  it('the write itself is conditional: a lock taken between read and write still answers deal_locked, and approval attributes written meanwhile survive an edit', async () => {
    const deal = await newDeal(REP, { amount: 200_000 });
    const identity = { userId: REP, groups: ['rep' as const] };
    const lockingDb = interleaved(() => setOnDeal(deal.id, 'SET lockedByApprovalId = :a', { ':a': 'appr-race-1' }));
    const service = createDealService({ db: lockingDb, clock: systemClock });
    await expect(service.patch(new Session(lockingDb, identity), deal.id, { title: 'Racing' }, 1)).rejects.toMatchObject({ status: 409, code: 'deal_locked' });
    await expect(createDealService({ db: api.db, clock: systemClock }).moveStage(new Session(api.db, identity), deal.id, { stage: 'qualified' })).rejects.toMatchObject({ code: 'deal_locked' });

    const other = await newDeal(REP, { amount: 200_000 });
    const approval = { approvalId: 'appr-done-1', status: 'REJECTED', terms: { amount: 200_000, discountPct: 0, paymentTermsDays: 30 }, decidedAt: '2026-01-01T00:00:00.000Z' };
    const approvingDb = interleaved(() => setOnDeal(other.id, 'SET approval = :a', { ':a': approval }));
    const edited = await createDealService({ db: approvingDb, clock: systemClock }).patch(new Session(approvingDb, identity), other.id, { title: 'Edited' }, 1);
    expect(edited.title).toBe('Edited');
    const stored = await api.db.doc.send(new GetCommand({ TableName: api.db.tableName, Key: { PK: `DEAL#${other.id}`, SK: 'PROFILE' } }));
    expect(stored.Item).toMatchObject({ title: 'Edited', version: 2, approval });
  });
});

describe('deals: won needs an approval when the policy requires one, and books an order', () => {
  it('a 300,000.00 deal cannot be won without an approved approval covering its terms; once approved it is won and the order appears', async () => {
    const customerId = await customerOf(REP, 'C');
    const deal = await newDeal(REP, { amount: 30_000_000, expectedCloseDate: '2026-11-30', productLineId: 'analytics' });
    await moveAll(REP, deal.id, ['qualified', 'needs_analysis', 'proposal', 'negotiation']);
    const refused = await move(REP, deal.id, 'won');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('approval_required');
    expect(refused.body.error.message).toContain('Sales manager');
    expect(refused.body.error.message).toContain('Region director');
    expect(refused.body.error.message).not.toContain('VP Sales');

    const terms = { amount: 30_000_000, discountPct: 0, paymentTermsDays: 30 };
    await setOnDeal(deal.id, 'SET approval = :a', { ':a': { approvalId: 'appr-1', status: 'REJECTED', terms, decidedAt: '2026-01-01T00:00:00.000Z' } });
    const rejected = await move(REP, deal.id, 'won');
    expect(rejected.status).toBe(409);
    expect(rejected.body.error.message).toContain('REJECTED');
    await setOnDeal(deal.id, 'SET approval = :a', { ':a': { approvalId: 'appr-2', status: 'APPROVED', terms: { ...terms, amount: 29_000_000 }, decidedAt: '2026-01-02T00:00:00.000Z' } });
    const notCovered = await move(REP, deal.id, 'won');
    expect(notCovered.status).toBe(409);
    expect(notCovered.body.error.message).toContain('no longer covers');
    await setOnDeal(deal.id, 'SET approval = :a', { ':a': { approvalId: 'appr-3', status: 'APPROVED', terms, decidedAt: '2026-01-03T00:00:00.000Z' } });

    const won = await move(REP, deal.id, 'won');
    expect(won.status).toBe(200);
    expect(won.body).toMatchObject({ stage: 'won', status: 'won', probability: 100, forecastCategory: 'closed' });
    const today = won.body.closedAt.slice(0, 10);
    const orders = await api.call('GET', `/customers/${customerId}/orders`, { as: MANAGER });
    expect(orders.status).toBe(200);
    expect(orders.body.items).toEqual([
      {
        id: won.body.orderId,
        customerId,
        dealId: deal.id,
        amount: 30_000_000,
        currency: 'CNY',
        productLineId: 'analytics',
        regionId: 'east',
        teamId: 'east-enterprise',
        ownerId: REP,
        date: today,
        source: 'deal',
        createdAt: won.body.closedAt,
      },
    ]);
    expect((await move(REP, deal.id, 'lost', 'price')).body.error.code).toBe('deal_closed');
    expect((await api.call('GET', `/customers/${customerId}/orders`, { as: OTHER_TEAM_REP })).status).toBe(404);
  });

  it('a small deal with a tier-C customer needs no approval; a tier-A customer always does', async () => {
    const small = await newDeal(TEAMMATE, { amount: 100_000 });
    const won = await move(TEAMMATE, small.id, 'won');
    expect(won.status).toBe(200);
    const customerA = await customerOf(TEAMMATE, 'A');
    const tierA = await newDeal(TEAMMATE, { amount: 100_000 }, 'A');
    const refused = await move(TEAMMATE, tierA.id, 'won');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('customer tier in A');
    expect((await api.call('GET', `/customers/${customerA}/orders`, { as: TEAMMATE })).body.items).toEqual([]);
  });

  it('decides on the customer’s current tier even when it changed after the deal was opened', async () => {
    const customerId = await customerOf(OTHER_TEAM_REP, 'C');
    const deal = await newDeal(OTHER_TEAM_REP, { amount: 100_000 });
    expect(deal.customerTier).toBe('C');
    const customer = await api.call('GET', `/customers/${customerId}`, { as: 'admin' });
    const promoted = await api.call('PATCH', `/customers/${customerId}`, { as: 'admin', body: { tier: 'A' }, headers: { 'if-match': `"${customer.body.version}"` } });
    expect(promoted.status).toBe(200);
    const refused = await move(OTHER_TEAM_REP, deal.id, 'won');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('approval_required');
    expect((await api.call('GET', `/deals/${deal.id}`, { as: OTHER_TEAM_REP })).body.stage).toBe('lead');
  });
});

describe('deals: cost per request', () => {
  it('every deal route stays within two DynamoDB round trips, auth included (won: three)', async () => {
    const customerId = await customerOf(REP, 'D');
    const created = await api.call('POST', '/deals', { as: REP, body: { customerId, title: 'Timed', productLineId: 'crm-suite', amount: 100_000 }, headers: { 'idempotency-key': 'timed-deal-001' } });
    const read = await api.call('GET', `/deals/${created.body.id}`, { as: REP });
    const list = await api.call('GET', '/deals?stage=lead', { as: MANAGER });
    const patched = await api.call('PATCH', `/deals/${created.body.id}`, { as: REP, body: { title: 'Timed 2' }, headers: { 'if-match': '"1"' } });
    const moved = await move(REP, created.body.id, 'qualified');
    const won = await move(REP, created.body.id, 'won');
    const orders = await api.call('GET', `/customers/${customerId}/orders`, { as: REP });
    const pipeline = await api.call('GET', '/pipeline', { as: REP });
    const responses = { created, read, list, patched, moved, won, orders, pipeline };
    for (const [name, res] of Object.entries(responses)) expect(res.status, name).toBeLessThan(300);
    expect(Object.fromEntries(Object.entries(responses).map(([name, res]) => [name, trips(res)]))).toEqual({
      created: 2,
      read: 2,
      list: 2,
      patched: 2,
      moved: 2,
      // Winning also reads the deal's customer (its id is on the deal) so the order updates its stats and grade
      // in the same transaction: BatchGet, customer GetItem, TransactWriteItems.
      won: 3,
      orders: 2,
      pipeline: 1,
    });
  });
});
