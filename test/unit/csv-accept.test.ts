import { describe, expect, it } from 'vitest';
import { acceptsCsv } from '#functions/api/csv';

describe('a report answers CSV only when the Accept header prefers it', () => {
  it('text/csv alone, with parameters or among others at an equal or higher quality → CSV', () => {
    for (const accept of ['text/csv', 'TEXT/CSV', 'text/csv; charset=utf-8', 'application/json, text/csv', 'text/csv, application/json;q=0.9', 'text/html, text/csv;q=0.8, */*;q=0.1']) {
      expect(acceptsCsv(accept), accept).toBe(true);
    }
  });

  it('no text/csv, text/csv refused with q=0, or ranked below application/json → JSON', () => {
    for (const accept of ['', '*/*', 'application/json', 'text/csv;q=0', 'application/json, text/csv;q=0.5', 'text/csv;q=0.2, application/json;q=0.9', 'text/csvx', 'text/csv;q=abc']) {
      expect(acceptsCsv(accept), accept).toBe(false);
    }
  });
});
