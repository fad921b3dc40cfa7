import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { importKeys } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { forbidden, notFound } from '#shared/core/errors';
import { hasRole, isOrgWide, type Role } from '#shared/core/principal';
import { fromItem } from '#shared/core/query';
import { Session } from '#shared/core/session';
import { chunkRows, parseCsv } from './csv.ts';
import { customerFormat, orderFormat } from './rows.ts';
import { importCustomerChunk } from './customer-rows.ts';
import { importOrderChunk } from './order-rows.ts';
import { chunkItem, countChunk, errorItems, failJob, jobItem, listErrors, putAll, readChunk, readJob, type ImportJob, type ImportKind } from './store.ts';

export interface ImportDeps {
  db: Db;
  clock: Clock;
}

/** Who may import: managers and above; finance too for orders (it books revenue, it does not own customers). */
const IMPORTERS: Record<ImportKind, Role[]> = { customers: ['manager', 'director', 'vp', 'admin'], orders: ['manager', 'director', 'vp', 'admin', 'finance'] };

export function createImportService({ db, clock }: ImportDeps) {
  /**
   * Processes the stored chunks from the first one not yet counted. In-process locally (started by the route, one
   * chunk after another); on AWS the same function is what a queue- or Step Functions-driven task would call per
   * chunk (not wired yet: see README). Safe to run again: rows are idempotent, counters count a chunk once.
   */
  async function processImport(jobId: string): Promise<void> {
    try {
      const job = await readJob(db, jobId);
      if (!job || job.status === 'done' || job.status === 'failed') return;
      const session = new Session(db, { userId: job.createdBy, groups: job.roles as Role[] });
      const importChunk = job.kind === 'customers' ? importCustomerChunk : importOrderChunk;
      for (let n = job.chunksDone; n < job.chunks; n++) {
        const rows = await readChunk(db, jobId, n);
        const outcome = await importChunk({ db, clock, session }, rows);
        await putAll(db, errorItems(jobId, outcome.errors));
        await countChunk(db, jobId, n, outcome, rows.length, n === job.chunks - 1, clock.now().toISOString());
      }
    } catch (error) {
      // An unexpected failure (the table, a bug) stops the job visibly; the rows already written stay written.
      console.error(JSON.stringify({ level: 'error', message: 'import failed', jobId, error: (error as Error).message }));
      // Nobody awaits this work: a failure to record the failure (the table is gone) is only logged.
      await failJob(db, jobId, 'The import stopped on an unexpected error; it has been logged. Importing the file again continues where it stopped.', clock.now().toISOString()).catch(() => undefined);
    }
  }

  return {
    processImport,

    /**
     * Checks the caller and the header, parses every row, stores the job and its rows in chunks, and starts the
     * processing without waiting for it (202). Rows that do not even have the header's column count are reported now.
     */
    async start(session: Session, kind: ImportKind, text: string): Promise<ImportJob> {
      const { principal } = await session.load();
      if (!hasRole(principal, ...IMPORTERS[kind])) throw forbidden(`Importing ${kind} takes one of the roles ${IMPORTERS[kind].join(', ')}`);
      const { rows, errors } = parseCsv(text, kind === 'customers' ? customerFormat : orderFormat);
      const chunks = chunkRows(rows);
      const now = clock.now().toISOString();
      const job: ImportJob = {
        id: newId(),
        kind,
        status: chunks.length > 0 ? 'queued' : 'done',
        rowsTotal: rows.length + errors.length,
        rowsDone: errors.length,
        rowsFailed: errors.length,
        rowsCreated: 0,
        rowsExisting: 0,
        rowsFlagged: 0,
        chunks: chunks.length,
        chunksDone: 0,
        createdBy: principal.userId,
        roles: principal.roles,
        createdAt: now,
        ...(chunks.length > 0 ? {} : { finishedAt: now }),
      };
      // The job item last: a job that exists always has all of its chunks.
      await putAll(db, [...chunks.map((c, n) => chunkItem(job.id, n, c)), ...errorItems(job.id, errors), jobItem(job)]);
      void processImport(job.id);
      return job;
    },

    /** The job with one page of its row error report; the importer and org-wide roles may read it. */
    async get(session: Session, id: string, page: { limit: number; cursor?: string }) {
      const { principal, items } = await session.load([importKeys.job(id)]);
      const job = items[0] && fromItem<ImportJob>(items[0]);
      if (!job || (job.createdBy !== principal.userId && !isOrgWide(principal))) throw notFound(`Import ${id}`);
      const { roles: _roles, chunks: _chunks, chunksDone: _done, ...shown } = job;
      return { ...shown, errors: await listErrors(db, id, page.limit, page.cursor) };
    },
  };
}
