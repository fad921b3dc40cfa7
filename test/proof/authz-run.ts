import type { ApiResponse } from '#test/support/api';
import { etag } from '#shared/core/etag';
import type { Ctx, Expectation } from './authz-expectations.ts';
import { builders, CALLER, OWNERSHIPS, ROLES, type Api, type Fixtures, type Ownership, type RoleName } from './authz-fixtures.ts';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export interface Cell {
  op: string;
  role: RoleName | 'anonymous';
  o: Ownership | null;
  expectAllow: boolean;
}

export interface Outcome extends Cell {
  status: number;
  code?: string;
  path: string;
  /** The cell was refused: 403/404, a 400 naming the out-of-scope reference, or an empty filtered list. */
  refused: boolean;
}

/** The operations of an OpenAPI document as "METHOD /path". */
export function operations(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => METHODS.includes(m.toUpperCase() as never)).map((m) => `${m.toUpperCase()} ${path}`));
}

/** Every role × ownership cell of an operation (operations that name no record: one cell per role). */
export function cellsOf(op: string, e: Expectation): Cell[] {
  const byOwner = e.byOwner ?? op.includes('{');
  const owners: (Ownership | null)[] = byOwner ? [...OWNERSHIPS] : [null];
  return ROLES.flatMap((role) => owners.map((o) => ({ op, role, o, expectAllow: e.access.allows(role, o) })));
}

/** Sends one cell's request with a body valid enough to reach the authorization check. */
export async function runCell(api: Api, fx: Fixtures, e: Expectation, cell: Cell): Promise<Outcome> {
  try {
    // Two writes on one customer at the same moment: the API asks to try again, and so does the matrix.
    for (let attempt = 1; ; attempt += 1) {
      const out = await sendCell(api, fx, e, cell);
      if (out.code !== 'write_conflict' || attempt === 4) return out;
    }
  } catch (error) {
    // A fixture that could not be built is reported with the cell (status 0), not as a crash of the whole matrix.
    return { ...cell, status: 0, code: `fixture: ${(error as Error).message}`, path: '', refused: false };
  }
}

async function sendCell(api: Api, fx: Fixtures, e: Expectation, cell: Cell): Promise<Outcome> {
  const [method, template] = cell.op.split(' ') as [string, string];
  const role = cell.role === 'anonymous' ? 'rep' : cell.role;
  const ctx: Ctx & { freshBody?: unknown } = { api, fx, b: builders(api), o: cell.o, role, caller: CALLER[role] };
  let path = e.fresh && cell.expectAllow && cell.role !== 'anonymous' ? await e.fresh(ctx) : e.path ? e.path(ctx) : template;
  if (e.query) path += e.query(ctx);
  const headers: Record<string, string> = {};
  if (e.ifMatchFrom) {
    // The ETag header, or (routes that send none, e.g. a team) the version the record shows.
    const read = await api.call('GET', e.ifMatchFrom(ctx), { as: 'admin' });
    const tag = read.headers.get('etag') ?? (typeof read.body?.version === 'number' ? etag(read.body.version) : undefined);
    if (tag) headers['if-match'] = tag;
  }
  const init: { as?: string; body?: unknown; rawBody?: string; headers: Record<string, string> } = { headers };
  if (cell.role !== 'anonymous') init.as = ctx.caller;
  if (e.csv) {
    init.rawBody = e.csv(ctx);
    headers['content-type'] = 'text/csv';
  } else if (ctx.freshBody !== undefined) init.body = ctx.freshBody;
  else if (e.body) init.body = await e.body(ctx);
  const res: ApiResponse = await api.call(method, path, init);
  const fields = res.body?.error?.fields as Record<string, string> | undefined;
  const refused =
    isRefusal(res.status) ||
    (res.status === 400 && !!e.refusalField && !!fields?.[e.refusalField]) ||
    (isSuccess(res.status) && !!e.emptyIsRefusal && Array.isArray(res.body?.items) && res.body.items.length === 0);
  return { ...cell, status: res.status, code: res.body?.error?.code, path, refused };
}

/** Runs `work` over `items`, `width` at a time. */
export async function inGroups<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

export const isSuccess = (status: number) => status >= 200 && status < 300;
export const isRefusal = (status: number) => status === 403 || status === 404;

/**
 * Allowed writes change their record, so the ones on one record run one after another (each reads a fresh
 * If-Match); the key is the record's path (/customers/<id>) or, for operations on no record, the operation.
 */
export function recordKey(api: Api, fx: Fixtures, e: Expectation, cell: Cell): string {
  if (!e.path || cell.role === 'anonymous') return cell.op;
  const path = e.path({ api, fx, b: undefined as never, o: cell.o, role: cell.role, caller: CALLER[cell.role] });
  return path.split('/').slice(0, 3).join('/');
}
