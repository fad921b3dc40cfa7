import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { testApi } from '#test/support/api';
import { Session } from '#shared/core/session';
import { createStaleDealService } from '#shared/process/stale-deals';

/**
 * GET /reports/stale-deals as CSV holds every matching deal in scope (the server reads page after page), while
 * JSON keeps its pages. More deals than one page (130 > 100) are opened on 2026-04-01 and left alone until
 * 2026-04-15, on a pinned clock.
 */
const DAY = 86_400_000;
const BASE = Date.parse('2026-04-01T09:00:00.000Z');
const started = Date.now();
let shift = 0;
const clock = { now: () => new Date(BASE + shift + (Date.now() - started)) };

const REP = 'rep-east-enterprise-1';
const MATE = 'rep-east-enterprise-2';
const MANAGER = 'manager-east-enterprise';
const DEALS = 130;
const CSV = { accept: 'text/csv' };

let api: Awaited<ReturnType<typeof testApi>>;
const opened: string[] = [];

/** Every page of the JSON report, following nextCursor. */
async function allPages(path: string, as: string) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: any = await api.call('GET', `${path}&limit=100${cursor ? `&cursor=${cursor}` : ''}`, { as });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(100);
    ids.push(...res.body.items.map((d: any) => d.dealId));
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor);
  return { ids, pages };
}

async function csv(path: string, as: string) {
  const res = await api.call('GET', path, { as, headers: CSV });
  expect(res.status, String(res.body)).toBe(200);
  return { rows: parse(res.body as string, { columns: true, bom: true }) as Record<string, string>[], truncated: res.headers.get('x-truncated') };
}

beforeAll(async () => {
  api = await testApi({ demo: true, clock });
  const customerId = (await api.call('GET', '/customers?tier=C', { as: REP })).body.items[0].id as string;
  for (let batch = 0; batch < DEALS; batch += 10) {
    const made = await Promise.all(
      Array.from({ length: Math.min(10, DEALS - batch) }, (_, i) =>
        api.call('POST', '/deals', { as: REP, body: { customerId, title: `Quiet ${batch + i}`, productLineId: 'crm-suite', amount: 10_000 + batch + i, expectedCloseDate: '2026-12-31' } }),
      ),
    );
    for (const res of made) expect(res.status, JSON.stringify(res.body)).toBe(201);
    opened.push(...made.map((res) => res.body.id as string));
  }
  shift = 14 * DAY; // 2026-04-15: every deal above has sat in its stage for 14 days
}, 180_000);

describe('GET /reports/stale-deals: CSV holds every deal, JSON pages', () => {
  it('the CSV has all 130 deals in scope, in the order the JSON pages give them, with no truncation mark', async () => {
    const json = await allPages('/reports/stale-deals?days=7', REP);
    expect(json.pages).toBe(2);
    expect([...json.ids].sort()).toEqual([...opened].sort());
    const { rows, truncated } = await csv('/reports/stale-deals?days=7', REP);
    expect(rows.map((r) => r.dealId)).toEqual(json.ids);
    expect(rows.every((r) => r.ownerId === REP && r.daysInStage === '14')).toBe(true);
    expect(truncated).toBeNull();
    // limit and cursor page the JSON only: the CSV ignores them and still holds everything.
    expect((await csv('/reports/stale-deals?days=7&limit=5', REP)).rows).toHaveLength(DEALS);
  });

  it('scope still holds: the manager’s CSV has the team’s deals, a teammate’s has none of them', async () => {
    expect((await csv('/reports/stale-deals?days=7', MANAGER)).rows.map((r) => r.dealId).sort()).toEqual([...opened].sort());
    expect((await csv('/reports/stale-deals?days=7', MATE)).rows).toEqual([]);
    expect((await csv('/reports/stale-deals?days=15', REP)).rows).toEqual([]);
    expect((await api.call('GET', '/reports/stale-deals?days=7&regionId=south', { as: MANAGER, headers: CSV })).status).toBe(403);
  });

  it('a cursor made for another cut-off (days) is a 400 naming cursor, not a 500', async () => {
    const first = await api.call('GET', '/reports/stale-deals?days=7&limit=100', { as: REP });
    const other = await api.call('GET', `/reports/stale-deals?days=20&limit=100&cursor=${first.body.nextCursor}`, { as: REP });
    expect([other.status, Object.keys(other.body.error.fields)]).toEqual([400, ['cursor']]);
  });
});

describe('the export’s row cap', () => {
  const session = () => new Session(api.db, { userId: REP, groups: ['rep'] });
  const service = () => createStaleDealService({ db: api.db, clock });

  it('stops at the cap and says it was truncated; reading page after page, the rows are the first ones in order', async () => {
    const full = await service().allStaleDeals(session(), { days: 7 }, { pageSize: 17 });
    expect([full.items.length, full.truncated]).toEqual([DEALS, false]);
    const cut = await service().allStaleDeals(session(), { days: 7 }, { cap: 50, pageSize: 17 });
    expect([cut.items.length, cut.truncated]).toEqual([50, true]);
    expect(cut.items.map((d) => d.dealId)).toEqual(full.items.slice(0, 50).map((d) => d.dealId));
    // Exactly as many deals as the cap is a whole export; one fewer is not.
    expect((await service().allStaleDeals(session(), { days: 7 }, { cap: DEALS, pageSize: 40 })).truncated).toBe(false);
    expect((await service().allStaleDeals(session(), { days: 7 }, { cap: DEALS - 1, pageSize: 40 })).truncated).toBe(true);
  });
});
