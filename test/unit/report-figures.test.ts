import { describe, expect, it } from 'vitest';
import { bottleneck, winLossReport } from '#shared/process/report-figures';
import { csvText } from '#functions/api/csv';
import { decodeCursor, encodeCursor } from '#shared/core/pagination';
import { parse } from 'csv-parse/sync';

describe('bottleneck', () => {
  it('names the stage with the largest median and the one with the lowest conversion, ignoring empty ones', () => {
    const times = [
      { stage: 'lead', medianSeconds: 3600 },
      { stage: 'qualified', medianSeconds: null },
      { stage: 'proposal', medianSeconds: 86_400 },
    ];
    const conversions = [
      { stage: 'lead', conversion: 0.5 },
      { stage: 'qualified', conversion: null },
      { stage: 'proposal', conversion: 0.25 },
      { stage: 'negotiation', conversion: 0.25 },
    ];
    expect(bottleneck(times, conversions)).toEqual({ slowestStage: { stage: 'proposal', medianSeconds: 86_400 }, lowestConversion: { stage: 'proposal', conversion: 0.25 } });
  });

  it('is null on both sides when nothing has been measured', () => {
    expect(bottleneck([{ stage: 'lead', medianSeconds: null }], [])).toEqual({ slowestStage: null, lowestConversion: null });
  });
});

describe('winLossReport', () => {
  it('sums won and lost counters per currency and the reasons over months', () => {
    const report = winLossReport([
      { stage: 'won', entered: 2, amount_CNY: 300 },
      { stage: 'won', entered: 1, amount_USD: 50 },
      { stage: 'lost', entered: 3, amount_CNY: 70, reason_price: 2, reason_other: 1 },
      { stage: 'lost', entered: 1, amount_CNY: 5, reason_price: 1 },
      { stage: 'lead', entered: 9, amount_CNY: 999 },
    ]);
    expect(report.won).toEqual({ count: 3, amount: { CNY: 300, USD: 50 } });
    expect(report.lost).toEqual({ count: 4, amount: { CNY: 75 } });
    expect(report.winRate).toBe(3 / 7);
    expect(report.reasons.filter((r) => r.count)).toEqual([
      { reason: 'price', count: 3 },
      { reason: 'other', count: 1 },
    ]);
  });

  it('has no win rate before anything closed', () => {
    expect(winLossReport([]).winRate).toBeNull();
  });
});

describe('csvText', () => {
  it('writes a header row and quotes what needs quoting, so a parser reads the same cells back', () => {
    const rows = [{ name: 'Jade, "Harbor"\nLtd', amount: 12, rate: null }];
    const text = csvText([{ header: 'name', value: (r: (typeof rows)[0]) => r.name }, { header: 'amount', value: (r) => r.amount }, { header: 'rate', value: (r) => r.rate }], rows);
    expect(parse(text, { columns: true })).toEqual([{ name: 'Jade, "Harbor"\nLtd', amount: '12', rate: '' }]);
  });

  it('keeps a cell that a spreadsheet would run as a formula as text; numbers, negative ones too, stay numbers', () => {
    const rows = [{ title: '=HYPERLINK("http://evil")', amount: -5 }, { title: '@SUM(A1)', amount: 3 }, { title: 'Plain', amount: 0 }];
    const text = csvText([{ header: 'title', value: (r: (typeof rows)[0]) => r.title }, { header: 'amount', value: (r) => r.amount }], rows);
    expect(parse(text, { columns: true })).toEqual([
      { title: `'=HYPERLINK("http://evil")`, amount: '-5' },
      { title: "'@SUM(A1)", amount: '3' },
      { title: 'Plain', amount: '0' },
    ]);
  });
});

describe('cursors: the one encoding every list uses', () => {
  const key = { PK: 'AUDIT#x', SK: 'AUDIT#01', GSI1PK: 'ACTOR#u', GSI1SK: '2026-03-10T00:00:00.000Z#01' };
  const shape = ['PK', 'SK', 'GSI1PK', 'GSI1SK'];
  const partition = { attribute: 'GSI1PK', value: 'ACTOR#u' };

  it('is URL-safe base64 of the last key and decodes back to it inside the range read', () => {
    const cursor = encodeCursor(key)!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, partition, shape, { attribute: 'GSI1SK', from: '2026-03-05#', to: '2026-03-20#~' })).toEqual(key);
    expect(decodeCursor(cursor, partition, shape, { attribute: 'GSI1SK', prefix: '2026-03' })).toEqual(key);
  });

  it('a sort key outside the range or prefix read is refused as a 400 naming cursor', () => {
    const cursor = encodeCursor(key)!;
    for (const sort of [{ from: '2026-03-11#' }, { to: '2026-03-09#~' }, { prefix: '2026-04' }]) {
      expect(() => decodeCursor(cursor, partition, shape, { attribute: 'GSI1SK', ...sort })).toThrow(expect.objectContaining({ status: 400, fields: { cursor: expect.any(String) } }));
    }
  });
});
