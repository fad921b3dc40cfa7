import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testApi } from '#test/support/api';
import { approvalHelpers, eventually } from '#test/support/approvals';
import { operationsOf, valid, type Operation, type Schema } from '#test/support/openapi-arbitraries';
import { idPools, poolFor, seedRecords } from './fuzz-setup.ts';

/**
 * Property-level authorization (issue 8 item 2): server-owned fields sent by a client are refused with a 400 naming
 * the field and nothing is written. The write list comes from /openapi.json, so a new write route is covered too;
 * the main records are then read back to show their server-owned values did not move.
 */
const SERVER_OWNED: Record<string, unknown> = {
  id: 'hijacked-id',
  ownerId: 'rep-south-enterprise-1',
  status: 'approved',
  version: 99,
  approvedBy: 'vp',
  tier: 'A',
  score: 100,
  scores: { total: 100 },
  createdAt: '2000-01-01T00:00:00.000Z',
  createdBy: 'admin',
  updatedAt: '2000-01-01T00:00:00.000Z',
  updatedBy: 'admin',
  teamId: 'south-enterprise',
  regionId: 'south',
  mergedInto: 'hijacked-id',
  stage: 'won',
  probability: 100,
  lockedByApprovalId: null,
  approval: { status: 'approved' },
  requesterId: 'vp',
  decidedAt: '2000-01-01T00:00:00.000Z',
  decisions: [],
  finalRating: 5,
  assessorIds: ['admin'],
  grade: { computedTier: 'A' },
  stats: { orders: 999 },
  roles: ['admin'],
  breached: false,
  slaHours: 9999,
  resolvedAt: '2000-01-01T00:00:00.000Z',
  awardedBy: 'vp',
  recordedBy: 'admin',
  authorId: 'vp',
  PK: 'USER#admin',
  SK: 'PROFILE',
};

let api: Awaited<ReturnType<typeof testApi>>;
let writes: Operation[];
let pools: Map<string, string[]>;
const REP = 'rep-east-enterprise-1';
const MANAGER = 'manager-east-enterprise';

const declared = (s: Schema): Set<string> => new Set([...Object.keys(s.properties ?? {}), ...(s.oneOf ?? s.anyOf ?? []).flatMap((b) => [...declared(b)])]);
/** A path value the schema documents (`example`), else one generated from it. */
const exampleOf = (schema: Schema & { example?: string }) => schema.example ?? (fc.sample(valid(schema), { numRuns: 1, seed: 8 })[0] as string);
const ok = (res: { status: number; body: any }, status = 200) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};
const refusedNaming = (res: { status: number; body: any }, field: string, label: string) => {
  expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(400);
  expect(Object.keys(res.body.error.fields ?? {}), label).toContain(field);
};

beforeAll(async () => {
  api = await testApi({ demo: true });
  await seedRecords(api);
  const doc = (await api.call('GET', '/openapi.json')).body;
  const operations = operationsOf(doc);
  writes = operations.filter((op) => ['POST', 'PUT', 'PATCH'].includes(op.method) && op.body?.type === 'json' && !op.public);
  pools = await idPools(api, operations);
}, 300_000);

describe('every write in /openapi.json refuses server-owned fields it does not declare', () => {
  it('400 naming the field, for each write × each server-owned field', async () => {
    let cells = 0;
    const declaredByDesign: string[] = [];
    for (const op of writes) {
      const schema = op.body!.schema;
      const own = declared(schema);
      const [base] = fc.sample(valid(schema), { numRuns: 1, seed: 8 }) as Record<string, unknown>[];
      const pathValue = (name: string) => poolFor(pools, op.path, name)[0] ?? exampleOf(op.params.find((p) => p.name === name)!.schema);
      const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pathValue(name)));
      for (const [field, value] of Object.entries(SERVER_OWNED)) {
        if (own.has(field)) {
          declaredByDesign.push(`${op.method} ${op.path} ${field}`);
          continue;
        }
        for (const as of ['admin', REP]) {
          const res = await api.call(op.method, path, { as, body: { ...base, [field]: value }, headers: { 'if-match': '"1"' } });
          refusedNaming(res, field, `${op.method} ${op.path} with ${field} as ${as}`);
          cells += 1;
        }
      }
    }
    console.log(`property authz: ${writes.length} write operations, ${cells} refused (operation × field × caller); declared inputs checked by role below: ${declaredByDesign.length}`);
    expect(writes.length).toBeGreaterThan(40);
  }, 300_000);
});

describe('the main records keep their server-owned values', () => {
  it('customer create and patch: refused fields and another team as owner change nothing', async () => {
    const before = ok(await api.call('GET', '/customers?limit=100', { as: REP })).items.length;
    for (const field of ['status', 'version', 'createdAt', 'id', 'mergedInto', 'grade', 'stats', 'createdBy']) {
      refusedNaming(await api.call('POST', '/customers', { as: REP, body: { name: 'Property Co', [field]: SERVER_OWNED[field] } }), field, `create ${field}`);
    }
    const foreignOwner = await api.call('POST', '/customers', { as: REP, body: { name: 'Property Co', ownerId: 'rep-south-enterprise-1' } });
    expect(foreignOwner.status).toBeGreaterThanOrEqual(400);
    expect(ok(await api.call('GET', '/customers?limit=100', { as: REP })).items.length).toBe(before);
    expect((await api.call('GET', '/customers/hijacked-id', { as: 'admin' })).status).toBe(404);

    const created = await api.call('POST', '/customers', { as: REP, body: { name: 'Property Co', taxId: 'PROP-1' } });
    const customer = ok(created, 201);
    expect(customer).toMatchObject({ ownerId: REP, version: 1, status: 'active' });
    const etag = created.headers.get('etag')!;
    for (const field of ['status', 'version', 'createdAt', 'updatedAt', 'id', 'mergedInto', 'regionId', 'teamId', 'stats']) {
      refusedNaming(await api.call('PATCH', `/customers/${customer.id}`, { as: REP, body: { name: 'Renamed', [field]: SERVER_OWNED[field] }, headers: { 'if-match': etag } }), field, `patch ${field}`);
    }
    const reassign = await api.call('PATCH', `/customers/${customer.id}`, { as: REP, body: { ownerId: 'rep-south-enterprise-1' }, headers: { 'if-match': etag } });
    expect(reassign.status).toBeGreaterThanOrEqual(400);
    const after = ok(await api.call('GET', `/customers/${customer.id}`, { as: REP }));
    for (const field of ['name', 'ownerId', 'version', 'status', 'tier', 'updatedAt', 'createdAt']) expect(after[field], field).toEqual(customer[field]);
  });

  it('deal create and patch: stage, status, probability, approval, version and a foreign owner are not taken', async () => {
    const customerId = ok(await api.call('GET', '/customers?limit=1', { as: REP })).items[0].id;
    const body = { customerId, title: 'Property deal', amount: 100_000, productLineId: 'crm-suite', expectedCloseDate: '2026-12-31' };
    const count = async () => ok(await api.call('GET', '/deals?limit=100', { as: REP })).items.length;
    const before = await count();
    for (const field of ['stage', 'status', 'probability', 'version', 'lockedByApprovalId', 'approval', 'createdBy', 'id', 'teamId', 'regionId']) {
      refusedNaming(await api.call('POST', '/deals', { as: REP, body: { ...body, [field]: SERVER_OWNED[field] } }), field, `create ${field}`);
    }
    expect((await api.call('POST', '/deals', { as: REP, body: { ...body, ownerId: 'rep-south-enterprise-1' } })).status).toBeGreaterThanOrEqual(400);
    expect(await count()).toBe(before);

    const created = await api.call('POST', '/deals', { as: REP, body });
    const deal = ok(created, 201);
    expect(deal).toMatchObject({ ownerId: REP, version: 1 });
    const etag = created.headers.get('etag')!;
    for (const field of ['stage', 'status', 'probability', 'version', 'approval', 'createdAt', 'updatedAt', 'id', 'customerId']) {
      refusedNaming(await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { title: 'Moved?', [field]: SERVER_OWNED[field] ?? 'other' }, headers: { 'if-match': etag } }), field, `patch ${field}`);
    }
    expect((await api.call('PATCH', `/deals/${deal.id}`, { as: REP, body: { ownerId: 'rep-south-enterprise-1' }, headers: { 'if-match': etag } })).status).toBeGreaterThanOrEqual(400);
    const after = ok(await api.call('GET', `/deals/${deal.id}`, { as: REP }));
    for (const field of ['title', 'ownerId', 'version', 'stage', 'probability', 'customerId', 'updatedAt']) expect(after[field], field).toEqual(deal[field]);
  });

  it('target create: ids, versions and tree positions are the server’s; nothing is created', async () => {
    const body = { fiscalYear: 2031, amount: 1_000_000, tiers: { base: 1_000_000, sprint: 1_100_000, challenge: 1_200_000 } };
    for (const field of ['id', 'version', 'status', 'createdBy', 'createdAt', 'ownerId']) {
      refusedNaming(await api.call('POST', '/targets', { as: 'admin', body: { ...body, [field]: SERVER_OWNED[field] } }), field, `target ${field}`);
    }
    for (const [field, value] of Object.entries({ rootId: 'x', parentId: 'x', depth: 3, dimension: 'rep', key: REP })) {
      refusedNaming(await api.call('POST', '/targets', { as: 'admin', body: { ...body, [field]: value } }), field, `target ${field}`);
    }
    expect(ok(await api.call('GET', '/targets?fiscalYear=2031', { as: 'admin' })).items).toEqual([]);
    const created = ok(await api.call('POST', '/targets', { as: 'admin', body }), 201);
    expect(created).toMatchObject({ fiscalYear: 2031, amount: 1_000_000, version: 1 });
  });

  it('ticket create and patch, collab request: status, SLA and authorship are the server’s', async () => {
    const customerId = ok(await api.call('GET', '/customers?limit=1', { as: REP })).items[0].id;
    const ticket = { type: 'service', severity: 'high', subject: 'Property ticket' };
    for (const field of ['status', 'breached', 'slaHours', 'resolvedAt', 'createdBy', 'id', 'ownerId']) {
      refusedNaming(await api.call('POST', `/customers/${customerId}/tickets`, { as: REP, body: { ...ticket, [field]: SERVER_OWNED[field] } }), field, `ticket ${field}`);
    }
    expect(ok(await api.call('GET', `/customers/${customerId}/tickets?limit=100`, { as: REP })).items.filter((t: any) => t.subject === 'Property ticket')).toEqual([]);
    const created = ok(await api.call('POST', `/customers/${customerId}/tickets`, { as: REP, body: ticket }), 201);
    for (const field of ['severity', 'slaHours', 'breached', 'createdBy', 'version']) {
      refusedNaming(await api.call('PATCH', `/tickets/${created.id}`, { as: REP, body: { status: 'in_progress', [field]: SERVER_OWNED[field] ?? 'low' }, headers: { 'if-match': `"${created.version ?? 1}"` } }), field, `ticket patch ${field}`);
    }
    const after = ok(await api.call('GET', `/tickets/${created.id}`, { as: REP }));
    for (const field of ['status', 'severity', 'slaHours', 'createdAt']) expect(after[field], field).toEqual(created[field]);

    const request = { toDepartment: 'finance', subject: 'Property collab', detail: 'Need a quote', dueAt: '2099-01-01T00:00:00.000Z' };
    for (const field of ['status', 'createdBy', 'id', 'assigneeId', 'resolvedAt', 'feedback', 'version']) {
      refusedNaming(await api.call('POST', '/collab-requests', { as: REP, body: { ...request, [field]: SERVER_OWNED[field] ?? 'vp' } }), field, `collab ${field}`);
    }
    expect(ok(await api.call('GET', '/collab-requests?mine=true&limit=100', { as: REP })).items.filter((r: any) => r.subject === 'Property collab')).toEqual([]);
    const collab = ok(await api.call('POST', '/collab-requests', { as: REP, body: request }), 201);
    expect(collab.status).not.toBe('approved');
    expect(collab.createdBy ?? REP).toBe(REP);
  });

  it('approval decision: the decider, status and time come from the server, not the body', async () => {
    const helpers = approvalHelpers(api);
    const deal = await helpers.createDeal(REP, { amount: 5_000_000, discountPct: 30 });
    const approval = await helpers.request(REP, deal.id);
    await helpers.inInbox(MANAGER, approval.id);
    const before = ok(await api.call('GET', `/approvals/${approval.id}`, { as: MANAGER }));
    for (const field of ['approvedBy', 'status', 'decidedAt', 'version', 'onBehalfOf', 'by', 'stepId', 'decisions']) {
      refusedNaming(await api.call('POST', `/approvals/${approval.id}/decisions`, { as: MANAGER, body: { decision: 'approve', [field]: SERVER_OWNED[field] ?? 'vp' } }), field, `decision ${field}`);
    }
    const after = ok(await api.call('GET', `/approvals/${approval.id}`, { as: MANAGER }));
    expect(after).toEqual(before);
  });

  it('scorecard assessment: rating, status and assessors are the server’s', async () => {
    ok(await api.call('POST', '/review-cycles', { as: 'admin', body: { period: '2026-10', teamId: 'east-enterprise' } }), 202);
    const first = await eventually(async () => ok(await api.call('GET', '/scorecards?assessor=me', { as: MANAGER })).items[0], 'a scorecard to assess', 60_000);
    // The workflow stores its wait on the card, then asks the manager: read the card again after that request, when it is settled.
    await eventually(async () => ok(await api.call('GET', '/notifications?limit=100', { as: MANAGER })).items.some((n: any) => n.kind === 'review.assessment_requested' && n.title.includes(first.name)), 'the assessment request', 60_000);
    const card = ok(await api.call('GET', '/scorecards?assessor=me&limit=100', { as: MANAGER })).items.find((c: any) => c.id === first.id);
    const body = { comment: 'Good month', ratingAdjustment: 0, goalsNextPeriod: ['Two logos'] };
    for (const field of ['finalRating', 'status', 'assessorIds', 'score', 'scores', 'userId', 'version', 'rating']) {
      refusedNaming(await api.call('POST', `/scorecards/${card.id}/assessment`, { as: MANAGER, body: { ...body, [field]: SERVER_OWNED[field] ?? 5 } }), field, `assessment ${field}`);
    }
    const after = ok(await api.call('GET', `/scorecards?assessor=me`, { as: MANAGER })).items.find((c: any) => c.id === card.id);
    for (const field of ['status', 'finalRating', 'version', 'assessorIds', 'userId', 'assessment', 'acknowledgement', 'cycleId', 'period']) expect(after?.[field], field).toEqual(card[field]);
  }, 90_000);
});
