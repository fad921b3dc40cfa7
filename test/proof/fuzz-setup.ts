import { expect } from 'vitest';
import fc from 'fast-check';
import type { ApiResponse, testApi } from '#test/support/api';
import type { Operation } from '#test/support/openapi-arbitraries';

type Api = Awaited<ReturnType<typeof testApi>>;

/** Callers: the admin reaches every route, a rep and a manager most; no token and a forged one reach none. */
export const CALLERS = ['admin', 'rep-east-enterprise-1', 'manager-east-enterprise', null, 'forged'] as const;
export type Caller = (typeof CALLERS)[number];
export const callerArb = fc.constantFrom<Caller>('admin', 'admin', 'rep-east-enterprise-1', 'rep-east-enterprise-1', 'manager-east-enterprise', null, 'forged');

export function authHeaders(caller: Caller): { as?: string; headers: Record<string, string> } {
  if (caller === null) return { headers: {} };
  if (caller === 'forged') return { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.' } };
  return { as: caller, headers: {} };
}

/** A few records of each kind, so fuzzed ids also hit real objects (best effort: a refusal only shrinks a pool). */
export async function seedRecords(api: Api) {
  const rep = 'rep-east-enterprise-1';
  const customers = await api.call('GET', '/customers?limit=5', { as: rep });
  const customerId = customers.body?.items?.[0]?.id;
  if (!customerId) return;
  const deal = await api.call('POST', '/deals', { as: rep, body: { customerId, title: 'Fuzz seed', amount: 5_000_000, productLineId: 'crm-suite', expectedCloseDate: '2026-12-31', discountPct: 30 } });
  if (deal.status === 201) await api.call('POST', `/deals/${deal.body.id}/approvals`, { as: rep, body: { reason: 'Fuzz seed' } });
  await api.call('POST', `/customers/${customerId}/tickets`, { as: rep, body: { type: 'service', severity: 'low', subject: 'Fuzz seed' } });
  await api.call('POST', '/collab-requests', { as: rep, body: { toDepartment: 'finance', subject: 'Fuzz seed', detail: 'Seed' } });
  await api.call('POST', '/targets', { as: 'admin', body: { fiscalYear: 2026, amount: 1_000_000_000, tiers: { base: 1_000_000_000, sprint: 1_100_000_000, challenge: 1_200_000_000 } } });
  await api.call('POST', '/courses', { as: 'admin', body: { title: 'Fuzz seed', category: 'product', hours: 2 } });
  await api.call('POST', '/partners', { as: 'admin', body: { name: 'Fuzz Partner', type: 'channel', criteria: { marketOverlap: 3, capability: 3, reputation: 3, financialHealth: 3, strategicFit: 3 } } });
}

/** Ids per list path (GET /customers → ids for /customers/{id}), read as the admin from every parameterless list. */
export async function idPools(api: Api, ops: Operation[]): Promise<Map<string, string[]>> {
  const pools = new Map<string, string[]>();
  for (const op of ops) {
    if (op.method !== 'GET' || op.params.length || op.query.some((q) => q.required)) continue;
    const res = await api.call('GET', op.query.some((q) => q.name === 'limit') ? `${op.path}?limit=20` : op.path, { as: 'admin' });
    const items = Array.isArray(res.body?.items) ? res.body.items : Array.isArray(res.body) ? res.body : [];
    const ids = items.map((i: any) => i?.id ?? i?.approvalId ?? i?.name).filter((v: unknown): v is string => typeof v === 'string');
    if (ids.length) pools.set(op.path, ids.slice(0, 20));
  }
  return pools;
}

/** The pool for a path parameter: ids listed at the path before it (/customers/{id}/… → GET /customers). */
export const poolFor = (pools: Map<string, string[]>, path: string, param: string) => pools.get(path.slice(0, path.indexOf(`/{${param}}`))) ?? [];

/** A field key names an expected path when one is the other or lies inside it (contacts → contacts.0.email). */
export const names = (key: string, path: string) => key === path || key.startsWith(`${path}.`) || path.startsWith(`${key}.`);

/**
 * What every answer must be: never a 5xx; an error is the one JSON shape; bad input never succeeds; a 400 for a
 * broken body or query field names that field (when the caller is signed in and the path itself is well formed).
 */
export function checkAnswer(res: ApiResponse, input: { invalid: boolean; expect?: string[]; strict: boolean; missing?: string[] }, label: string) {
  expect(res.status, `${label}: ${JSON.stringify(res.body)?.slice(0, 400)}`).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get('content-type') ?? '', label).toMatch(/^application\/json/);
    expect(typeof res.body?.error?.code, `${label}: error.code`).toBe('string');
    expect(typeof res.body?.error?.message, `${label}: error.message`).toBe('string');
    const fields = res.body.error.fields;
    if (fields !== undefined) {
      expect(typeof fields, label).toBe('object');
      for (const v of Object.values(fields)) expect(typeof v, `${label}: field message`).toBe('string');
    }
    if (res.status === 400 && input.strict && input.expect) {
      expect(fields, `${label}: a 400 names the field`).toBeDefined();
      const keys = Object.keys(fields);
      // A list that needs one of several filters (audit: entityType or actorId) names the missing one instead.
      const accepted = [...input.expect, ...(input.missing ?? [])];
      if (input.expect.length) expect(keys.some((k) => accepted.some((p) => names(k, p))), `${label}: fields ${JSON.stringify(keys)} name one of ${JSON.stringify(accepted)}`).toBe(true);
    }
  }
  if (input.invalid) expect(res.status, `${label}: bad input must not succeed: ${JSON.stringify(res.body)?.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
}

/** CSV upload bodies: junk, a wrong header, the documented header with random cells, or a JSON body. */
export function csvCases(op: Operation) {
  const columns = (/Columns: (.*)$/.exec(op.summary)?.[1] ?? 'name').split(', ').map((c) => c.replace(/\s*\(.*\)$/, ''));
  const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', '=1+1', '"quoted, with comma"', '中文', '-5', '2026-13-45', '1e308'));
  const rows = (n: number) => fc.array(fc.array(cell, { minLength: columns.length, maxLength: columns.length }), { minLength: 0, maxLength: n });
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return fc.oneof(
    fc.string({ maxLength: 200 }).map((text) => ({ kind: 'csv junk', text, type: 'text/csv' })),
    fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 5 }).map((h) => ({ kind: 'csv wrong header', text: `${h.join(',')}\n1,2\n`, type: 'text/csv' })),
    rows(3).map((r) => ({ kind: 'csv documented header', text: [columns.join(','), ...r.map((row) => row.map(quote).join(','))].join('\n'), type: 'text/csv' })),
    fc.constantFrom('{"rows":[]}', '[]').map((text) => ({ kind: 'csv sent as JSON', text, type: 'application/json' })),
    fc.constant({ kind: 'csv quote never closed', text: `${columns.join(',')}\n"open,`, type: 'text/csv' }),
  );
}
