import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from '#test/support/api';

type Api = Awaited<ReturnType<typeof testApi>>;
let api: Api;

beforeAll(async () => {
  api = await testApi({ demo: true });
});

const tag = Math.random().toString(36).slice(2, 8);

const create = async (as: string, name: string, phone: string, query = '') => {
  const res = await api.call('POST', `/customers${query}`, { as, body: { name, contacts: [{ name: 'Contact', phone }] } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string; version: number };
};
const list = async (as: string, status = 'open') => {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const res: any = await api.call('GET', `/data-quality/duplicates?status=${status}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
};
const pairOf = (pairs: any[], a: string, b: string) => pairs.find((p) => [p.customerId, p.candidateId].sort().join() === [a, b].sort().join());
const merge = (as: string, pairId: string, keepId: string) => api.call('POST', `/data-quality/duplicates/${pairId}/merge`, { as, body: { keepId } });

describe('a pair across teams: listed to and merged by whoever sees both customers', () => {
  it('the region director merges a pair of two of its teams; a manager who sees one side neither lists nor merges it', async () => {
    const phone = '+86 21 8800 1100';
    const a = await create('rep-east-enterprise-1', `Cross ${tag} Trading Ltd`, phone);
    const b = await create('rep-east-commercial-1', `CROSS ${tag} trading limited`, phone, '?allowDuplicate=true');
    const pair = pairOf(await list('vp'), a.id, b.id);
    expect(pair).toMatchObject({ status: 'open', customerId: b.id, candidateId: a.id });

    // Each team's manager sees one side only: the pair is not listed (so the other team's customer is not named) …
    for (const manager of ['manager-east-commercial', 'manager-east-enterprise']) {
      const listed = await list(manager);
      expect(pairOf(listed, a.id, b.id)).toBeUndefined();
      expect(JSON.stringify(listed)).not.toContain(a.id);
      expect((await merge(manager, pair.id, a.id)).status).toBe(404);
    }
    // … the director of the region holding both teams lists it and merges it.
    expect(pairOf(await list('director-east'), a.id, b.id)).toMatchObject({ id: pair.id, names: { [a.id]: a.name, [b.id]: b.name } });
    const merged = await merge('director-east', pair.id, a.id);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect((await api.call('GET', `/customers/${b.id}`, { as: 'director-east' })).body).toMatchObject({ status: 'merged', mergedInto: a.id });
  });

  it('a pair across regions is listed only to org-wide roles; a director who sees one side gets 404 on merge', async () => {
    const phone = '+86 21 8800 2200';
    const east = await create('rep-east-enterprise-2', `Faraway ${tag} Co`, phone);
    const south = await create('rep-south-enterprise-1', `FARAWAY ${tag} company`, phone, '?allowDuplicate=true');
    const pair = pairOf(await list('vp'), east.id, south.id);
    expect(pair).toMatchObject({ status: 'open' });
    for (const director of ['director-south', 'director-east']) {
      const listed = await list(director);
      expect(pairOf(listed, east.id, south.id)).toBeUndefined();
      expect((await merge(director, pair.id, south.id)).status).toBe(404);
    }
    expect(JSON.stringify(await list('director-south'))).not.toContain(east.id);
    const merged = await merge('vp', pair.id, south.id);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
  });

  it('a manager merges a pair whose customers are both in the team; a rep, even owning both, may not', async () => {
    const phone = '+86 21 8800 3300';
    const a = await create('rep-south-commercial-1', `Inhouse ${tag} Ltd`, phone);
    const b = await create('rep-south-commercial-2', `inhouse ${tag} limited`, phone, '?allowDuplicate=true');
    const c = await create('rep-south-commercial-1', `INHOUSE ${tag} company`, phone, '?allowDuplicate=true');
    const pair = pairOf(await list('manager-south-commercial'), a.id, b.id);
    expect(pair).toMatchObject({ status: 'open' });
    expect((await merge('rep-south-commercial-2', pair.id, b.id)).status).toBe(404); // sees b only
    expect(pairOf(await list('rep-south-commercial-2'), a.id, b.id)).toBeUndefined();
    const own = pairOf(await list('rep-south-commercial-1'), a.id, c.id);
    expect(own).toMatchObject({ status: 'open' }); // both hers: listed …
    expect((await merge('rep-south-commercial-1', own.id, a.id)).status).toBe(403); // … but merging is for managers and above
    expect((await merge('manager-south-enterprise', pair.id, b.id)).status).toBe(404);
    expect((await merge('finance', pair.id, b.id)).status).toBe(403); // sees both, changes no sales records
    const merged = await merge('manager-south-commercial', pair.id, b.id);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body).toMatchObject({ pair: { status: 'merged', keptId: b.id }, merged: { id: a.id } });
  });
});

describe('merging a customer away closes its other open pairs', () => {
  it('the merged-away customer\'s other pairs become obsolete (not listed as open, merging them is a 409); the kept one\'s stay open', async () => {
    const phone = '+86 21 8800 4400';
    const rep = 'rep-east-enterprise-3';
    const a = await create(rep, `Triple ${tag} Ltd`, phone);
    const b = await create(rep, `TRIPLE ${tag} limited`, phone, '?allowDuplicate=true');
    const c = await create(rep, `triple ${tag} co`, phone, '?allowDuplicate=true');
    const open = await list('manager-east-enterprise');
    const [ab, bc, ac] = [pairOf(open, a.id, b.id), pairOf(open, b.id, c.id), pairOf(open, a.id, c.id)];
    for (const pair of [ab, bc, ac]) expect(pair).toMatchObject({ status: 'open' });

    const merged = await merge('manager-east-enterprise', ab.id, a.id);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body).toMatchObject({ merged: { id: b.id }, pairsClosed: 1 });

    const after = await list('manager-east-enterprise');
    expect(pairOf(after, b.id, c.id)).toBeUndefined();
    expect(pairOf(after, a.id, c.id)).toMatchObject({ id: ac.id, status: 'open' });
    const obsolete = pairOf(await list('manager-east-enterprise', 'obsolete'), b.id, c.id);
    expect(obsolete).toMatchObject({ id: bc.id, status: 'obsolete', supersededBy: ab.id });
    expect(obsolete.closedReason).toContain(`${b.id} was merged into ${a.id}`);
    expect(obsolete.closedReason).toContain(ab.id);

    for (const keepId of [c.id, b.id]) {
      const refused = await merge('manager-east-enterprise', bc.id, keepId);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'pair_obsolete' });
      expect(refused.body.error.message).toContain(`${b.id} was merged into ${a.id}`);
    }
    // Nothing moved: c is still active and b still merged into a.
    expect((await api.call('GET', `/customers/${c.id}`, { as: rep })).body).toMatchObject({ status: 'active' });
    expect((await api.call('GET', `/customers/${b.id}`, { as: rep })).body).toMatchObject({ status: 'merged', mergedInto: a.id });
    // The remaining pair merges as usual.
    expect((await merge('manager-east-enterprise', ac.id, a.id)).status).toBe(200);
  });

  it('pairs flagged before pair references existed: an open pair with a merged side is not listed and its merge is a 409 that closes it', async () => {
    const { DeleteCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { dataQualityKeys } = await import('#shared/core/keys');
    const phone = '+86 21 8800 5500';
    const rep = 'rep-east-enterprise-3';
    const a = await create(rep, `Legacy ${tag} Ltd`, phone);
    const b = await create(rep, `LEGACY ${tag} limited`, phone, '?allowDuplicate=true');
    const c = await create(rep, `legacy ${tag} co`, phone, '?allowDuplicate=true');
    const open = await list('manager-east-enterprise');
    const [ab, bc] = [pairOf(open, a.id, b.id), pairOf(open, b.id, c.id)];
    // As flagged before: no references beside the customers, no candidateScope on the pair.
    for (const pair of [ab, bc, pairOf(open, a.id, c.id)]) {
      for (const id of [pair.customerId, pair.candidateId]) await api.db.doc.send(new DeleteCommand({ TableName: api.db.tableName, Key: dataQualityKeys.pairRef(id, pair.id) }));
      await api.db.doc.send(new UpdateCommand({ TableName: api.db.tableName, Key: dataQualityKeys.pair(pair.id), UpdateExpression: 'REMOVE candidateScope' }));
    }
    // Still listed by the same rule (both customers are read): to the team's manager, not to the other team's.
    expect(pairOf(await list('manager-east-enterprise'), a.id, b.id)).toMatchObject({ id: ab.id });
    expect(pairOf(await list('manager-east-commercial'), a.id, b.id)).toBeUndefined();

    expect((await merge('manager-east-enterprise', ab.id, a.id)).status).toBe(200);
    expect(pairOf(await list('manager-east-enterprise'), b.id, c.id)).toBeUndefined();
    const refused = await merge('manager-east-enterprise', bc.id, c.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'pair_obsolete' });
    expect(pairOf(await list('manager-east-enterprise', 'obsolete'), b.id, c.id)).toMatchObject({ id: bc.id, status: 'obsolete' });
    expect((await api.call('GET', `/customers/${c.id}`, { as: rep })).body).toMatchObject({ status: 'active' });
  });
});

describe('merge: bad input is a clear JSON error and changes nothing', () => {
  it('missing, unknown or malformed body, wrong content type, unknown pair, archived keepId', async () => {
    const phone = '+86 21 8800 6600';
    const rep = 'rep-east-commercial-2';
    const manager = 'manager-east-commercial';
    const a = await create(rep, `Badin ${tag} Ltd`, phone);
    const b = await create(rep, `BADIN ${tag} limited`, phone, '?allowDuplicate=true');
    const pair = pairOf(await list(manager), a.id, b.id);
    const path = `/data-quality/duplicates/${pair.id}/merge`;
    const auth = { as: manager };

    const cases: [Parameters<typeof api.call>[2], number, string][] = [
      [{ ...auth, body: {} }, 400, 'invalid_request'],
      [{ ...auth, body: { keepId: a.id, alsoDelete: true } }, 400, 'invalid_request'],
      [{ ...auth, body: { keepId: 'not an id!' } }, 400, 'invalid_request'],
      [{ ...auth, rawBody: `{"keepId": "${a.id}"` }, 400, 'invalid_json'],
      [{ ...auth, rawBody: `keepId=${a.id}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'],
      [{ ...auth, rawBody: a.id, headers: { 'content-type': 'text/plain' } }, 415, 'unsupported_media_type'],
    ];
    for (const [init, status, code] of cases) {
      const res = await api.call('POST', path, init);
      expect(res.status, JSON.stringify(init)).toBe(status);
      expect(res.body.error, JSON.stringify(init)).toMatchObject({ code, message: expect.any(String) });
    }
    const unknown = await api.call('POST', '/data-quality/duplicates/0123456789abcdef0123456789abcdef/merge', { ...auth, body: { keepId: a.id } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'not_found' });

    // Keeping an archived customer would give it the other's orders: refused before anything moves.
    const archived = await api.call('POST', `/customers/${a.id}/archive`, { as: manager });
    expect(archived.status, JSON.stringify(archived.body)).toBe(200);
    const refused = await merge(manager, pair.id, a.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'archived', message: expect.stringContaining(`keep ${b.id}`) });

    expect(pairOf(await list(manager), a.id, b.id)).toMatchObject({ id: pair.id, status: 'open' });
    expect((await api.call('GET', `/customers/${a.id}`, { as: manager })).body).toMatchObject({ status: 'archived', version: archived.body.version });
    expect((await api.call('GET', `/customers/${b.id}`, { as: manager })).body).toMatchObject({ status: 'active', version: b.version });
    // Merging the archived one away into the active one is fine.
    const merged = await merge(manager, pair.id, b.id);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect((await api.call('GET', `/customers/${a.id}`, { as: manager })).body).toMatchObject({ status: 'merged', mergedInto: b.id });
  });
});
