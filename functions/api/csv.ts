import type { Context } from 'hono';
import { stringify } from 'csv-stringify/sync';

/** One CSV column: its header and how a row's cell is read (null/undefined → empty cell). */
export interface CsvColumn<R> {
  header: string;
  value: (row: R) => string | number | boolean | null | undefined;
}

/** A report's CSV form: the rows it flattens the JSON into and the columns each row shows. */
export interface CsvForm<T, R> {
  filename: string;
  rows: (body: T) => R[];
  /** Fixed, or read from the body (one amount column per currency that occurs). */
  columns: CsvColumn<R>[] | ((body: T) => CsvColumn<R>[]);
  /** Extra response headers read from the body (X-Truncated when an export stopped at its row cap). */
  headers?: (body: T) => Record<string, string>;
}

/** One column per currency found in the rows' amount records (`amount_CNY`…), sorted. */
export function currencyColumns<R>(rows: R[], amounts: (row: R) => Record<string, number>, prefix = 'amount'): CsvColumn<R>[] {
  const currencies = [...new Set(rows.flatMap((row) => Object.keys(amounts(row))))].sort();
  return currencies.map((currency) => ({ header: `${prefix}_${currency}`, value: (row: R) => amounts(row)[currency] ?? 0 }));
}

/**
 * True when an Accept header asks for CSV: text/csv listed with a quality above 0 and not below application/json's
 * (`application/json, text/csv;q=0.5` keeps JSON; `text/csv;q=0` refuses CSV).
 */
export function acceptsCsv(accept: string): boolean {
  const quality = (type: string) => {
    let best: number | undefined;
    for (const part of accept.split(',')) {
      const [name, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      if (name !== type) continue;
      const q = params.find((p) => p.startsWith('q='));
      const value = q ? Number(q.slice(2)) : 1;
      best = Math.max(best ?? 0, Number.isFinite(value) ? value : 0);
    }
    return best;
  };
  const csv = quality('text/csv');
  return csv !== undefined && csv > 0 && csv >= (quality('application/json') ?? 0);
}

/** True when the caller asked for CSV (`Accept: text/csv`, alone or preferred among other types). */
export const wantsCsv = (c: Context) => acceptsCsv(c.req.header('accept') ?? '');

/** A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is kept as text with a leading apostrophe. */
const inert = (cell: string | number | boolean) => (typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

/** Header row, then one row per figure line; csv-stringify quotes commas, quotes and line breaks. */
export function csvText<R>(columns: CsvColumn<R>[], rows: R[]): string {
  return stringify([columns.map((column) => column.header), ...rows.map((row) => columns.map((column) => inert(column.value(row) ?? '')))]);
}

/**
 * Answers a report as JSON, or as a CSV attachment of the same figures when asked for one, so each route only
 * declares its columns. Returned as `never`: the routes' OpenAPI response types describe the JSON form.
 */
export function reportResponse<T, R>(c: Context, body: T, form: CsvForm<T, R>): never {
  if (!wantsCsv(c)) return c.json(body as never, 200) as never;
  const columns = typeof form.columns === 'function' ? form.columns(body) : form.columns;
  // The byte-order mark tells Excel the file is UTF-8 (zh-CN names would be garbled without it).
  return c.body(`\uFEFF${csvText(columns, form.rows(body))}`, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${form.filename}"`,
    ...form.headers?.(body),
  }) as never;
}
