import { createHash } from 'node:crypto';
import { parse, CsvError } from 'csv-parse/sync';
import type { ZodError } from 'zod';
import { invalid } from '#shared/core/errors';

/**
 * CSV → rows, header checks and chunking (pure). A header problem refuses the whole file (400, before a job
 * exists); a row problem is that row's entry in the job's error report.
 */
export const MAX_ROWS = 50_000;
/** Rows per stored chunk (one workflow task, well inside its timeout); the byte cap keeps each chunk item well under 400 KB. */
export const CHUNK_ROWS = 250;
const CHUNK_BYTES = 300_000;
/** A row longer than this cannot be a customer or an order (every field is capped far below it) and would not fit a chunk. */
export const MAX_ROW_CHARS = 50_000;

export interface Row {
  /** The row's line in the file (1 = header), for the error report. */
  line: number;
  values: Record<string, string>;
}

export interface RowError {
  line: number;
  field: string;
  message: string;
}

export interface ImportFormat {
  required: readonly string[];
  optional: readonly string[];
  /** The column that identifies a row across imports (externalId, externalOrderId): unique within one file. */
  key?: string;
}

export function parseCsv(text: string, format: ImportFormat): { columns: string[]; rows: Row[]; errors: RowError[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }) as never;
  } catch (error) {
    if (error instanceof CsvError) throw invalid(`The file is not valid CSV: ${error.message}`, { body: error.code });
    throw error;
  }
  if (records.length === 0) throw invalid('The file is empty; send a header line and rows', { body: 'Empty' });
  const columns = records[0]!.record.map((c) => c.trim());
  checkHeader(columns, format);
  const rows: Row[] = [];
  const errors: RowError[] = [];
  for (const { record, info } of records.slice(1)) {
    if (record.length !== columns.length) {
      errors.push({ line: info.lines, field: '_row', message: `Expected ${columns.length} values, found ${record.length}` });
      continue;
    }
    if (record.reduce((n, v) => n + v.length, 0) > MAX_ROW_CHARS) {
      errors.push({ line: info.lines, field: '_row', message: `Longer than ${MAX_ROW_CHARS} characters` });
      continue;
    }
    rows.push({ line: info.lines, values: Object.fromEntries(columns.map((c, i) => [c, record[i]!])) });
  }
  if (rows.length + errors.length > MAX_ROWS) throw invalid(`At most ${MAX_ROWS} rows per file`, { body: `${rows.length + errors.length} rows` });
  if (rows.length + errors.length === 0) throw invalid('The file has a header but no rows', { body: 'No rows' });
  const unique = format.key ? withoutRepeats(rows, format.key) : { rows, errors: [] };
  return { columns, rows: unique.rows, errors: [...errors, ...unique.errors].sort((a, b) => a.line - b.line) };
}

/**
 * A key value that repeats within one file is a mistake in the file, not a row imported before: the later rows are
 * refused with an error naming the first line (checked over the whole file, so chunks cannot hide it). Across files
 * the key is what makes a re-import count rows as existing.
 */
export function withoutRepeats(rows: Row[], column: string): { rows: Row[]; errors: RowError[] } {
  const first = new Map<string, number>();
  const kept: Row[] = [];
  const errors: RowError[] = [];
  for (const row of rows) {
    const value = row.values[column] ?? '';
    const earlier = first.get(value);
    if (value === '') kept.push(row);
    else if (earlier === undefined) first.set(value, row.line), kept.push(row);
    else errors.push({ line: row.line, field: column, message: `${column} ${value.length > 100 ? `${value.slice(0, 100)}…` : value} repeats line ${earlier}` });
  }
  return { rows: kept, errors };
}

function checkHeader(columns: string[], format: ImportFormat) {
  const known = new Set([...format.required, ...format.optional]);
  const fields: Record<string, string> = {};
  for (const column of columns) if (!known.has(column)) fields[column || '_empty'] = 'Unknown column';
  for (const column of new Set(columns.filter((c, i) => columns.indexOf(c) !== i))) fields[column] = 'Repeated column';
  for (const column of format.required) if (!columns.includes(column)) fields[column] = 'Required column missing';
  if (Object.keys(fields).length > 0) {
    throw invalid(`The header must name the columns ${[...format.required].join(', ')} and optionally ${[...format.optional].join(', ')}`, fields);
  }
}

/** Rows in stored chunks: at most CHUNK_ROWS rows and about CHUNK_BYTES of JSON each. */
export function chunkRows(rows: Row[]): Row[][] {
  const chunks: Row[][] = [];
  let current: Row[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = JSON.stringify(row).length;
    if (current.length > 0 && (current.length >= CHUNK_ROWS || bytes + size > CHUNK_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The non-empty cells only: an empty cell is an absent optional field, not an empty string. */
export const present = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));

/** zod issues of one row → its report lines, named by CSV column (`rename` maps schema paths to columns). */
export function rowErrors(line: number, error: ZodError, rename: (path: string) => string): RowError[] {
  return error.issues.map((issue) => ({ line, field: rename(issue.path.join('.')) || '_row', message: issue.message }));
}

/** A stable natural key for a row without an external id: the hash of what it says, column order aside. */
export function contentHash(values: Record<string, string>): string {
  const canonical = Object.entries(values)
    .map(([k, v]) => [k, v.normalize('NFKC').trim().replace(/\s+/g, ' ')] as const)
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 40);
}
