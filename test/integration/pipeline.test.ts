import { beforeAll, describe, expect, it } from 'vitest';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { testApi } from '#test/support/api';
import { systemClock } from '#shared/core/clock';
import { Session } from '#shared/core/session';
import { createDealService } from '#shared/process/service';

let api: Awaited<ReturnType<typeof testApi>>;
const REP = 'rep-south-commercial-1';

beforeAll(async () => {
  api = await testApi({ demo: true });
});

const stages = (body: any) => body.stages.map((s: any) => s.id);
const put = (body: unknown, ifMatch?: string, as = 'admin') => api.call('PUT', '/pipeline', { as, body, headers: ifMatch ? { 'if-match': ifMatch } : {} });

async function openDeal() {
  const customers = await api.call('GET', '/customers?tier=C', { as: REP });
  const res = await api.call('POST', '/deals', { as: REP, body: { customerId: customers.body.items[0].id, title: 'Pipeline deal', productLineId: 'services', amount: 100_000, expectedCloseDate: '2026-10-01' } });
  expect(res.status).toBe(201);
  return res.body;
}

describe('the pipeline', () => {
  it('ships the default stages with their probabilities and entry criteria (version 0)', async () => {
    const res = await api.call('GET', '/pipeline', { as: REP });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"0"');
    expect(res.body.stages.map((s: any) => [s.id, s.probability, s.kind])).toEqual([
      ['lead', 10, 'open'],
      ['qualified', 20, 'open'],
      ['needs_analysis', 40, 'open'],
      ['proposal', 60, 'open'],
      ['negotiation', 80, 'open'],
      ['won', 100, 'won'],
      ['lost', 0, 'lost'],
    ]);
    expect(res.body.stages[3].requires).toEqual([{ type: 'field', field: 'amount' }, { type: 'field', field: 'expectedCloseDate' }]);
    expect(res.body.stages[5].requires).toContainEqual({ type: 'approval' });
  });

  it('only an admin edits it, with If-Match; invalid pipelines are refused naming the problem', async () => {
    const current = (await api.call('GET', '/pipeline', { as: 'admin' })).body;
    const body = { stages: current.stages.map(({ kind: _kind, ...s }: any) => s) };
    expect((await put(body, '"0"', 'vp')).status).toBe(403);
    expect((await put(body)).status).toBe(412);
    const cases: [string, unknown, string][] = [
      ['no won stage', { stages: body.stages.filter((s: any) => s.id !== 'won') }, 'stages'],
      ['duplicate id', { stages: [body.stages[0], ...body.stages] }, 'stages.1.id'],
      ['probability over 100', { stages: body.stages.map((s: any, i: number) => (i === 1 ? { ...s, probability: 150 } : s)) }, 'stages.1.probability'],
      ['won not 100', { stages: body.stages.map((s: any) => (s.id === 'won' ? { ...s, probability: 90 } : s)) }, 'stages.5.probability'],
      ['open stage after won', { stages: [...body.stages.slice(0, 5), body.stages[6], body.stages[5], { id: 'late', name: 'Late', probability: 50 }] }, 'stages'],
      ['bad stage id', { stages: [{ id: 'Lead Stage', name: 'x', probability: 1 }, ...body.stages.slice(1)] }, 'stages.0.id'],
      ['unknown criterion', { stages: [{ ...body.stages[0], requires: [{ type: 'field', field: 'colour' }] }, ...body.stages.slice(1)] }, 'stages.0.requires.0.field'],
      ['approval on the first stage', { stages: [{ ...body.stages[0], requires: [{ type: 'approval' }] }, ...body.stages.slice(1)] }, 'stages.0.requires'],
      ['unknown field', { stages: body.stages, colour: 'blue' }, 'colour'],
    ];
    for (const [label, input, field] of cases) {
      const res = await put(input, '"0"');
      expect(res.status, label).toBe(400);
      expect(Object.keys(res.body.error.fields ?? {}), label).toContain(field);
    }
    expect((await api.call('GET', '/pipeline', { as: 'admin' })).body.version).toBe(0);
  });

  it('a stage with open deals cannot be removed; an added stage is used by moves; a stale If-Match is a 409', async () => {
    const deal = await openDeal();
    await api.call('POST', `/deals/${deal.id}/stage`, { as: REP, body: { stage: 'needs_analysis' } });
    const current = (await api.call('GET', '/pipeline', { as: 'admin' })).body;
    const base = current.stages.map(({ kind: _kind, ...s }: any) => s);
    const withoutNeeds = base.filter((s: any) => s.id !== 'needs_analysis');
    const inUse = await put({ stages: withoutNeeds }, '"0"');
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.code).toBe('stage_in_use');
    expect(inUse.body.error.message).toContain('needs_analysis');

    // Add "discovery" after lead and drop "qualified" (nobody is in it).
    const edited = [base[0], { id: 'discovery', name: 'Discovery', probability: 15, requires: [] }, ...base.slice(2)];
    const saved = await put({ stages: edited }, '"0"');
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).toBe('"1"');
    expect(stages(saved.body)).toEqual(['lead', 'discovery', 'needs_analysis', 'proposal', 'negotiation', 'won', 'lost']);
    expect(saved.body.updatedBy).toBe('admin');
    expect((await put({ stages: edited }, '"0"')).status).toBe(409);

    const back = await api.call('POST', `/deals/${deal.id}/stage`, { as: REP, body: { stage: 'discovery' } });
    expect(back.status).toBe(200);
    expect(back.body.probability).toBe(15);
    const removed = await api.call('POST', `/deals/${deal.id}/stage`, { as: REP, body: { stage: 'qualified' } });
    expect(removed.status).toBe(400);
    expect(removed.body.error.fields.stage).toContain('discovery');

    // needs_analysis is empty now: it may go.
    const smaller = await put({ stages: edited.filter((s: any) => s.id !== 'needs_analysis') }, '"1"');
    expect(smaller.status).toBe(200);
    const trail = await api.call('GET', '/audit?entityType=pipeline&entityId=current', { as: REP });
    expect(trail.body.items).toHaveLength(2);
    expect(trail.body.items[0].actorId).toBe('admin');
  });

  it('a deal cannot slip into a stage removed between its read and its write', async () => {
    const deal = await openDeal();
    const current = (await api.call('GET', '/pipeline', { as: 'admin' })).body;
    const without = current.stages.filter((s: any) => s.id !== 'negotiation').map(({ kind: _kind, ...s }: any) => s);
    let removed = false;
    const db = {
      tableName: api.db.tableName,
      doc: {
        send: async (command: any) => {
          if (!removed && command instanceof TransactWriteCommand) {
            removed = true;
            expect((await put({ stages: without }, `"${current.version}"`)).status).toBe(200);
          }
          return api.db.doc.send(command);
        },
      } as never,
    };
    const service = createDealService({ db, clock: systemClock });
    await expect(service.moveStage(new Session(db, { userId: REP, groups: ['rep'] }), deal.id, { stage: 'negotiation' })).rejects.toMatchObject({ status: 409, code: 'pipeline_changed' });
    expect((await api.call('GET', `/deals/${deal.id}`, { as: REP })).body.stage).toBe('lead');
  });
});
