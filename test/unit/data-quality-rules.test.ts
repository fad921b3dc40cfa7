import { describe, expect, it } from 'vitest';
import { candidatesFrom, matchKeys, normaliseName, normalisePhone, normaliseTaxId, pairId } from '#shared/data-quality/normalise';
import { chunkRows, contentHash, parseCsv, withoutRepeats, CHUNK_ROWS } from '#shared/imports/csv';
import { assertCanMerge, obsoleteReason, seesBoth } from '#shared/data-quality/pairs';
import type { Principal } from '#shared/core/principal';
import { customerFormat, orderFormat, parseCustomerRow, parseOrderRow } from '#shared/imports/rows';
import { AppError } from '#shared/core/errors';

describe('name normalisation', () => {
  it('ignores case, spacing, punctuation and company forms', () => {
    expect(normaliseName('ACME  Ltd.')).toBe('acme');
    expect(normaliseName('Acme Limited')).toBe('acme');
    expect(normaliseName('acme, inc')).toBe('acme');
    expect(normaliseName('Acme Holdings Co., Ltd.')).toBe('acme');
    expect(normaliseName('Smith & Sons GmbH')).toBe('smith and sons');
    expect(normaliseName('上海华东科技有限公司')).toBe('上海华东科技');
  });
  it('never strips a name down to nothing and keeps meaningful words', () => {
    expect(normaliseName('Holdings')).toBe('holdings');
    expect(normaliseName('Company Group Ltd')).toBe('company');
    expect(normaliseName('Acme Software')).not.toBe(normaliseName('Acme'));
  });
  it('phones compare by digits, tax ids without separators', () => {
    expect(normalisePhone('+86 (21) 5555-0100')).toBe(normalisePhone('+86 21 55550100'));
    expect(normalisePhone('12-34')).toBe('');
    expect(normaliseTaxId('91-3101 abc')).toBe('913101ABC');
  });
});

describe('match keys and candidates', () => {
  it('pairs the normalised name with each tax id, e-mail and phone; the name alone is no key', () => {
    expect(matchKeys({ name: 'Acme' })).toEqual([]);
    const found = matchKeys({ name: 'ACME Ltd', taxId: 'T-1', contacts: [{ email: 'A@Acme.com', phone: '+86 21 1234 5678' }, { email: 'a@acme.com' }] });
    expect(found.map((k) => k.key)).toEqual(['taxId#acme#T1', 'email#acme#a@acme.com', 'phone#acme#862112345678']);
  });
  it('caps the keys of a customer with many contacts', () => {
    const contacts = Array.from({ length: 20 }, (_, i) => ({ email: `p${i}@x.com`, phone: `+86 21 1000 ${String(i).padStart(4, '0')}` }));
    expect(matchKeys({ name: 'Big', contacts })).toHaveLength(8);
  });
  it('a near-duplicate matches; a same-name company with other contacts does not', () => {
    const existing = matchKeys({ name: 'Acme Ltd', contacts: [{ phone: '+86 21 1234 5678', email: 'info@acme.cn' }] });
    const index = new Map(existing.map((k) => [k.key, ['c1']]));
    expect(candidatesFrom(matchKeys({ name: 'ACME Limited', contacts: [{ phone: '+86-21-1234-5678' }] }), index)).toEqual([{ customerId: 'c1', matchedFields: ['phone'] }]);
    expect(candidatesFrom(matchKeys({ name: 'Acme Ltd', contacts: [{ phone: '+86 10 9999 0000' }] }), index)).toEqual([]);
    expect(candidatesFrom(existing, index, 'c1')).toEqual([]);
  });
  it('a pair has one id whichever customer comes first', () => {
    expect(pairId('a', 'b')).toBe(pairId('b', 'a'));
    expect(pairId('a', 'b')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('CSV files', () => {
  it('refuses a header with unknown, repeated or missing columns, naming each', () => {
    const err = (() => {
      try {
        parseCsv('nme,email,email\nAcme,a@b.c,a@b.c\n', customerFormat);
      } catch (error) {
        return error as AppError;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect(err!.fields).toEqual({ nme: 'Unknown column', email: 'Repeated column', name: 'Required column missing' });
  });
  it('refuses broken quoting and empty files; reports rows with the wrong number of values', () => {
    expect(() => parseCsv('name\n"Acme\n', customerFormat)).toThrow(/not valid CSV/);
    expect(() => parseCsv('', customerFormat)).toThrow(/empty/);
    const { rows, errors } = parseCsv('\uFEFFname,industry\n"Acme, Inc",Retail\nLone\n"Multi\nLine",Retail\n', customerFormat);
    expect(rows.map((r) => [r.line, r.values.name])).toEqual([[2, 'Acme, Inc'], [5, 'Multi\nLine']]);
    expect(errors).toEqual([{ line: 3, field: '_row', message: 'Expected 2 values, found 1' }]);
  });
  it('chunks by rows and bytes', () => {
    const rows = Array.from({ length: CHUNK_ROWS * 2 + 1 }, (_, i) => ({ line: i + 2, values: { name: `n${i}` } }));
    expect(chunkRows(rows).map((c) => c.length)).toEqual([CHUNK_ROWS, CHUNK_ROWS, 1]);
    const big = Array.from({ length: 10 }, (_, i) => ({ line: i + 2, values: { name: 'x'.repeat(45_000) } }));
    expect(chunkRows(big).map((c) => c.length)).toEqual([6, 4]);
    const long = parseCsv(`name\n${'y'.repeat(60_000)}\n`, customerFormat);
    expect(long.errors).toEqual([{ line: 2, field: '_row', message: 'Longer than 50000 characters' }]);
  });
  it('a key repeated within the file is an error on each later line naming the first; empty keys never repeat', () => {
    const rows = [['A-1', 'One'], ['A-2', 'Two'], ['A-1', 'Again'], ['', 'No key'], ['', 'No key either'], ['A-1', 'Thrice'], ['a-1', 'Other case']].map(([externalId, name], i) => ({ line: i + 2, values: { externalId: externalId!, name: name! } }));
    const { rows: kept, errors } = withoutRepeats(rows, 'externalId');
    expect(kept.map((r) => r.values.name)).toEqual(['One', 'Two', 'No key', 'No key either', 'Other case']);
    expect(errors).toEqual([
      { line: 4, field: 'externalId', message: 'externalId A-1 repeats line 2' },
      { line: 7, field: 'externalId', message: 'externalId A-1 repeats line 2' },
    ]);
    // parseCsv applies it for the format's key, after the values are trimmed, with its other row errors in line order.
    const parsed = parseCsv('externalOrderId,customerId,amount,date,productLineId\nO-1,c,1,2026-01-01,p\nO-2,c\n O-1 ,c,2,2026-01-01,p\n', orderFormat);
    expect(parsed.rows.map((r) => r.line)).toEqual([2]);
    expect(parsed.errors).toEqual([
      { line: 3, field: '_row', message: 'Expected 5 values, found 2' },
      { line: 4, field: 'externalOrderId', message: 'externalOrderId O-1 repeats line 2' },
    ]);
    expect(parseCsv('name\nAcme\nAcme\n', customerFormat).rows).toHaveLength(2); // no external id: the content identifies it
  });
  it('a row without an external id is identified by its content, whatever the column order or spacing', () => {
    expect(contentHash({ name: 'Acme', industry: 'Retail' })).toBe(contentHash({ industry: ' Retail', name: 'Acme ' }));
    expect(contentHash({ name: 'Acme' })).not.toBe(contentHash({ name: 'Acme 2' }));
  });
});

describe('row validation uses the API schemas', () => {
  const row = (values: Record<string, string>) => ({ line: 7, values });
  it('a good customer row becomes the POST /customers body with one contact', () => {
    const parsed = parseCustomerRow(row({ name: 'Acme', email: 'a@acme.cn', phone: '+86 21 1', tags: 'a; b', externalId: 'X-1', industry: '' }));
    expect(parsed).toEqual({ ok: true, line: 7, naturalKey: 'ext#X-1', input: { name: 'Acme', contacts: [{ name: 'Acme', email: 'a@acme.cn', phone: '+86 21 1' }], tags: ['a', 'b'] } });
  });
  it('bad customer cells are reported by column', () => {
    const parsed = parseCustomerRow(row({ name: '', email: 'nope', creditRating: 'Z', externalId: 'bad id' }));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors.map((e) => [e.line, e.field])).toEqual([[7, 'externalId'], [7, 'name'], [7, 'email'], [7, 'creditRating']]);
  });
  it('order rows need the customer, an external order id, integer minor units and a past date', () => {
    const good = parseOrderRow(row({ externalOrderId: 'O-1', customerId: 'c1', amount: '125000', date: '2026-01-05', productLineId: 'crm-suite', currency: '' }), '2026-02-01');
    expect(good).toEqual({ ok: true, line: 7, naturalKey: 'O-1', input: { customerId: 'c1', amount: 125000, currency: 'CNY', date: '2026-01-05', productLineId: 'crm-suite' } });
    const bad = parseOrderRow(row({ externalOrderId: '', customerId: 'c1', amount: '12.5', date: '2026-01-01', productLineId: 'crm-suite' }), '2026-02-01');
    expect(!bad.ok && bad.errors.map((e) => e.field)).toEqual(['externalOrderId', 'amount']);
    const future = parseOrderRow(row({ externalOrderId: 'O-3', customerId: 'c1', amount: '100', date: '2026-03-01', productLineId: 'crm-suite' }), '2026-02-01');
    expect(!future.ok && future.errors).toEqual([{ line: 7, field: 'date', message: 'On or before 2026-02-01 (UTC)' }]);
    const text = parseOrderRow(row({ externalOrderId: 'O-2', customerId: 'c1', amount: 'lots', date: '2026-01-01', productLineId: 'crm-suite' }), '2026-02-01');
    expect(!text.ok && text.errors.map((e) => e.field)).toEqual(['amount']);
    expect(orderFormat.required).toContain('externalOrderId');
  });
});

describe('the pair scope rule', () => {
  const who = (roles: Principal['roles'], place: Partial<Principal> = {}): Principal => ({ userId: 'u', name: 'U', roles, ...place });
  const east1 = { ownerId: 'r1', teamId: 'east-1', regionId: 'east' };
  const east2 = { ownerId: 'r2', teamId: 'east-2', regionId: 'east' };
  const south = { ownerId: 'r3', teamId: 'south-1', regionId: 'south' };
  it('lists and merges only with both customers in sight', () => {
    expect(seesBoth(who(['director'], { regionId: 'east' }), east1, east2)).toBe(true);
    expect(seesBoth(who(['director'], { regionId: 'east' }), east1, south)).toBe(false);
    expect(seesBoth(who(['manager'], { teamId: 'east-1' }), east1, east2)).toBe(false);
    expect(seesBoth(who(['manager'], { teamId: 'east-1' }), east1, { ...east2, teamId: 'east-1' })).toBe(true);
    expect(seesBoth(who(['vp']), east1, south)).toBe(true);
  });
  it('a merge out of sight is 404 (the pair is not yours to know of); in sight but without a writing role above rep, 403', () => {
    const status = (p: Principal, a = east1, b = east2) => {
      try {
        assertCanMerge(p, 'p1', a, b);
        return 200;
      } catch (error) {
        return (error as AppError).status;
      }
    };
    expect(status(who(['director'], { regionId: 'east' }))).toBe(200);
    expect(status(who(['manager'], { teamId: 'east-1' }))).toBe(404);
    expect(status(who(['rep'], { userId: 'r1' }), east1, { ...east2, ownerId: 'r1' })).toBe(403);
    expect(status(who(['finance']))).toBe(403);
    expect(status(who(['admin']), east1, south)).toBe(200);
    expect(() => assertCanMerge(who(['vp']), 'p1', east1, undefined)).toThrow(/not found/);
  });
  it('an obsolete pair names the merge that closed it', () => {
    expect(obsoleteReason('b', 'a', 'p1')).toBe('Customer b was merged into a (duplicate pair p1); merge or review a instead');
  });
});
