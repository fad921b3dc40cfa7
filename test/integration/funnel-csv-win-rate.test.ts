import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { testApi } from '#test/support/api';

let api: Awaited<ReturnType<typeof testApi>>;
const REP = 'rep-east-enterprise-1';
const DAY = 86_400_000;
const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);
const RANGE = `from=${monthOf(Date.now() - 31 * DAY)}&to=${monthOf(Date.now() + DAY)}&teamId=east-enterprise`;

async function dealThrough(stages: string[]) {
  const customerId = (await api.call('GET', '/customers?tier=C', { as: REP })).body.items[0].id;
  const created = await api.call('POST', '/deals', { as: REP, body: { customerId, title: 'Win rate', productLineId: 'crm-suite', amount: 100_000, expectedCloseDate: '2026-12-31' } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  for (const stage of stages) {
    const res = await api.call('POST', `/deals/${created.body.id}/stage`, { as: REP, body: { stage, ...(stage === 'lost' ? { reason: 'price' } : {}) } });
    expect(res.status, `${stage}: ${JSON.stringify(res.body)}`).toBe(200);
  }
}

beforeAll(async () => {
  api = await testApi({ demo: true });
  await dealThrough(['qualified', 'won']);
  await dealThrough(['qualified', 'lost']);
  await dealThrough(['lost']);
}, 180_000);

describe('GET /reports/funnel as CSV carries every figure of the JSON', () => {
  it('the win rate is on the won row (1 won, 2 lost → 1/3), empty on the others', async () => {
    const json = await api.call('GET', `/reports/funnel?${RANGE}`, { as: 'vp' });
    expect(json.body).toMatchObject({ won: 1, lost: 2, winRate: 1 / 3 });
    const csv = await api.call('GET', `/reports/funnel?${RANGE}`, { as: 'vp', headers: { accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows: Record<string, string>[] = parse(String(csv.body), { columns: true, bom: true });
    expect(rows.map((r) => [r.stage, r.entered, r.winRate])).toEqual(
      json.body.stages.map((s: any) => [s.stage, String(s.entered), s.stage === 'won' ? String(1 / 3) : '']),
    );
  });
});
